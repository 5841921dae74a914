"""training.train against a plain min-char-rnn-style numpy loop: seconds per training step.

    OPENBLAS_NUM_THREADS=1 python benchmarks/training_loop.py [--repeats 7] [--steps 200]

The reference loop below is written as min-char-rnn writes it (one-hot inputs, a Python loop over
time with one `np.dot` per term, a dict of gradients, Adagrad), batched over m windows like
`train` so that the two do the same work: the same random windows (`make_batch` with the same
seed), the same initial weights, the same clipping by the global norm and the same Adagrad
(p -= lr dp / (sqrt(G) + eps)). The largest relative difference of the two loops' losses over
the first 5 steps is printed as a check that they compute the same thing (later steps drift
apart: training amplifies the round-off of sums added in another order, step after step).

Each repeat runs both loops for `--steps` steps, in turn (interleaved, so that a busy moment of the
machine hits both); the figure is the wall-clock time of the whole call divided by the steps. The
script prints the median and the min-max over the repeats, the ratio train / reference (goal: at
most 0.5) and, at the end, one JSON line with every figure. Run it with one BLAS thread.

Where a step's time goes (`--profile`): the parts of one `train` step timed one by one, with the
functions `train` calls (the batch, the fused loss and gradients with its forward pass apart,
clipping, Adagrad), and the matrix products of both loops, each product timed alone at its own
shape (on contiguous arrays) and counted as often as the loop runs it. The products are the work
neither loop can skip; their time in `train`, divided by the reference's whole step, is as low
as the ratio can go with these products (the rest of `train`'s step is its elementwise work and
Python's calls).
"""

import argparse
import json
import os
import platform
import statistics
import time
from functools import partial

import numpy as np
from products import median_seconds, products_seconds

import rnn_core
from rnn_core.corpus import build_vocabulary, encode, load_corpus, make_batch
from rnn_core.fused import _fused_forward, _fused_loss_and_gradients
from rnn_core.optimizers import Adagrad, _clip_in_place
from rnn_core.training import _random_windows, train

# (n_a, T_x, m): notebook 05's, a larger one, and min-char-rnn's own (100 units, 25 steps, m = 1)
SHAPES = [(64, 25, 16), (128, 25, 32), (100, 25, 1)]


def reference_train(text, n_a, T_x, m, steps, learning_rate=0.1, clip=5.0, seed=0, eps=1e-8):
    """The textbook loop; returns the loss per character of every step, (steps,)."""
    chars, char_to_index = build_vocabulary(text)
    n_y = len(chars)
    data = encode(text, char_to_index)
    params = rnn_core.initialize_parameters(n_y, n_a, n_y, seed=seed)
    Wax, Waa, Wya, ba, by = (params[k] for k in ("Wax", "Waa", "Wya", "ba", "by"))
    memory = {k: np.zeros_like(v) for k, v in params.items()}  # Adagrad's G
    rng = np.random.default_rng(seed)
    columns = np.arange(m)
    losses = np.zeros(steps)
    for step in range(steps):
        x, y = make_batch(data, n_y, m, T_x, rng)  # x (n_y, m, T_x) one-hot, y (m, T_x)
        xs, hs, ps = {}, {-1: np.zeros((n_a, m))}, {}
        loss = 0.0
        for t in range(T_x):  # forward
            xs[t] = x[:, :, t]
            hs[t] = np.tanh(np.dot(Wax, xs[t]) + np.dot(Waa, hs[t - 1]) + ba)  # hidden state
            logits = np.dot(Wya, hs[t]) + by
            e = np.exp(logits - logits.max(axis=0))
            ps[t] = e / e.sum(axis=0)  # probabilities of the next character
            loss += -np.log(ps[t][y[:, t], columns]).sum() / m
        grads = {k: np.zeros_like(v) for k, v in (("dWax", Wax), ("dWaa", Waa), ("dWya", Wya))}
        grads["dba"], grads["dby"] = np.zeros_like(ba), np.zeros_like(by)
        dh_next = np.zeros((n_a, m))
        for t in reversed(range(T_x)):  # backward
            dy = ps[t].copy()
            dy[y[:, t], columns] -= 1  # backprop into the logits
            dy /= m
            grads["dWya"] += np.dot(dy, hs[t].T)
            grads["dby"] += dy.sum(axis=1, keepdims=True)
            dh = np.dot(Wya.T, dy) + dh_next  # backprop into h
            dh_raw = (1 - hs[t] * hs[t]) * dh  # backprop through tanh
            grads["dba"] += dh_raw.sum(axis=1, keepdims=True)
            grads["dWax"] += np.dot(dh_raw, xs[t].T)
            grads["dWaa"] += np.dot(dh_raw, hs[t - 1].T)
            dh_next = np.dot(Waa.T, dh_raw)
        norm = np.sqrt(sum(np.sum(g * g) for g in grads.values()))  # clip by the global norm
        if norm > clip:
            for g in grads.values():
                g *= clip / norm
        for name, p in params.items():  # Adagrad, in place
            d = grads["d" + name]
            memory[name] += d * d
            p -= learning_rate * d / (np.sqrt(memory[name]) + eps)
        losses[step] = loss / T_x
    return losses


def train_losses(text, n_a, T_x, m, steps):
    """training.train with the reference's sizes (and train's defaults for the rest)."""
    return train(text, n_a=n_a, T_x=T_x, m=m, steps=steps).losses


def products(n_y, n_a, T_x, m):
    """The matrix products of one training step, (left shape, right shape, how many), of train's
    fused path and of the reference loop. The fused path's dWax is a product too (with a one-hot
    matrix it builds, rnn_core.embedding), and its Wax x⟨t⟩ a gather, not a product."""
    K = T_x * m  # the columns of every step of the batch at once
    step = ((n_a, n_a), (n_a, m), 2 * T_x)  # Waa a⟨t-1⟩ forward, Waaᵀ dz⟨t⟩ backward
    fused = [
        step,
        ((n_y, n_a), (n_a, K), 1),  # the logits, Wya a⟨t⟩ for every t
        ((n_y, K), (K, n_a), 1),  # dWya
        ((n_a, n_y), (n_y, K), 1),  # Wyaᵀ dlogits for every t
        ((n_a, K), (K, n_a), 1),  # dWaa
        ((n_a, K), (K, n_y), 1),  # dWax (the scatter-add as a product)
    ]
    reference = [
        step,
        ((n_a, n_y), (n_y, m), T_x),  # Wax x⟨t⟩
        ((n_a, m), (m, n_y), T_x),  # dWax += dh_raw x⟨t⟩ᵀ
        ((n_y, n_a), (n_a, m), T_x),  # the logits of step t
        ((n_y, m), (m, n_a), T_x),  # dWya += dy hᵀ
        ((n_a, n_y), (n_y, m), T_x),  # Wyaᵀ dy
        ((n_a, m), (m, n_a), T_x),  # dWaa += dh_raw h⟨t-1⟩ᵀ
    ]
    return fused, reference


def profile(text, n_a, T_x, m, repeats):
    """The parts of one train step and the products of both loops, in seconds (a dict)."""
    chars, char_to_index = build_vocabulary(text)
    n_y = len(chars)
    data = encode(text, char_to_index)
    parameters = rnn_core.initialize_parameters(n_y, n_a, n_y, seed=0)
    rng = np.random.default_rng(0)
    window = _random_windows(data, m, T_x, rng)  # (m, T_x + 1)
    x, y, a0 = window[:, :-1], window[:, 1:], np.zeros((n_a, m))
    _, gradients, _ = _fused_loss_and_gradients(x, y, a0, parameters)
    keys = [k for k in gradients if k.startswith(("dW", "db"))]
    optimizer = Adagrad(0.1)
    calls = 200
    parts = {
        "batch (_random_windows)": partial(_random_windows, data, m, T_x, rng),
        "forward pass (_fused_forward)": partial(_fused_forward, x, a0, parameters),
        "loss and gradients (forward included)": partial(
            _fused_loss_and_gradients, x, y, a0, parameters, gradients
        ),
        "clipping (_clip_in_place)": partial(_clip_in_place, gradients, keys, np.inf),
        "Adagrad (_step_in_place)": partial(optimizer._step_in_place, parameters, gradients),
    }
    seconds = {name: median_seconds(part, calls, repeats) for name, part in parts.items()}
    fused, reference = products(n_y, n_a, T_x, m)
    seconds["train's products"] = sum(products_seconds(fused, repeats))
    seconds["reference's products"] = sum(products_seconds(reference, repeats))
    return seconds


def print_profile(n_a, T_x, m, seconds, median):
    """The profile of one shape, against the median step times of both loops measured above."""
    step, reference = median["train"], median["reference"]
    others = ("batch", "loss and gradients", "clipping", "Adagrad")
    parts = sum(t for name, t in seconds.items() if name.startswith(others))
    print(f"  where a step goes at {(n_a, T_x, m)}, µs (each part timed alone, median):")
    for name, t in seconds.items():
        print(f"    {name:40s} {t * 1e6:8.1f}")
    print(f"    {'train step (above), the parts add to':40s} {step * 1e6:8.1f} {parts * 1e6:8.1f}")
    own, theirs = seconds["train's products"], seconds["reference's products"]
    print(
        f"    train's products are {own / step:.0%} of its step, the reference's "
        f"{theirs / reference:.0%} of its; the ratio cannot go below train's products / "
        f"the reference's step = {own / reference:.3f} with these products"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="interleaved rounds per shape")
    parser.add_argument("--steps", type=int, default=200, help="training steps per round")
    parser.add_argument(
        "--profile", action="store_true", help="also time the parts of a step and the products"
    )
    args = parser.parse_args()
    text = load_corpus("sonnets")
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, numpy {np.__version__}, "
        f"OPENBLAS_NUM_THREADS={threads} (run with 1: one BLAS thread)"
    )
    print(
        f"sonnets corpus, vocabulary {len(set(text))}; {args.steps} steps per round, "
        f"{args.repeats} rounds"
    )
    print(
        f"{'(n_a, T_x, m)':16s} {'train ms/step':>22s} {'reference ms/step':>22s} "
        f"{'ratio (min-max)':>18s} {'loss diff, 5 steps':>19s}"
    )
    figures = {"threads": threads, "steps": args.steps, "repeats": args.repeats, "shapes": []}
    for n_a, T_x, m in SHAPES:
        runs = {
            "train": partial(train_losses, text, n_a, T_x, m, args.steps),
            "reference": partial(reference_train, text, n_a, T_x, m, args.steps),
        }
        losses = {name: run() for name, run in runs.items()}  # warm up, and the check
        first = slice(0, 5)  # before training's amplification of round-off shows
        difference = float(
            np.max(
                np.abs(losses["train"] - losses["reference"])[first] / losses["reference"][first]
            )
        )
        times = {name: [] for name in runs}
        for _ in range(args.repeats):
            for name, run in runs.items():
                start = time.perf_counter()
                run()
                times[name].append((time.perf_counter() - start) / args.steps)
        ratios = [a / b for a, b in zip(times["train"], times["reference"])]
        median = {name: statistics.median(values) for name, values in times.items()}
        ratio = median["train"] / median["reference"]

        def cell(values):
            return (
                f"{statistics.median(values) * 1e3:6.3f} ({min(values) * 1e3:.3f}-"
                f"{max(values) * 1e3:.3f})"
            )

        print(
            f"{(n_a, T_x, m)!s:16s} {cell(times['train']):>22s} {cell(times['reference']):>22s} "
            f"{ratio:6.3f} ({min(ratios):.2f}-{max(ratios):.2f}) {difference:10.1e}"
        )
        figures["shapes"].append(
            {
                "n_a": n_a,
                "T_x": T_x,
                "m": m,
                "train_s_per_step": median["train"],
                "train_min_max": [min(times["train"]), max(times["train"])],
                "reference_s_per_step": median["reference"],
                "reference_min_max": [min(times["reference"]), max(times["reference"])],
                "ratio": ratio,
                "ratio_min_max": [min(ratios), max(ratios)],
                "max_relative_loss_difference": difference,
            }
        )
        if args.profile:
            seconds = profile(text, n_a, T_x, m, args.repeats)
            print_profile(n_a, T_x, m, seconds, median)
            figures["shapes"][-1]["profile_s"] = seconds
    worst = max(shape["ratio"] for shape in figures["shapes"])
    print(f"worst ratio train / reference: {worst:.3f} (goal: at most 0.5)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
