"""LSTM and GRU training steps: the step path against the fused path, seconds per step.

    python benchmarks/gated_training.py [--repeats 9] [--calls 50] [--profile]

At notebook 07's sizes (the coriolanus corpus, vocabulary 37; n_a = 30 for the LSTM, 35 for the
GRU; T_x = 25, m = 16) it times, for each gated cell:

- one loss-and-gradients call on one batch: the step path (`_lstm_loss_and_gradients`,
  `_gru_loss_and_gradients`, one-hot x) and the fused path (`rnn_core.fused_gated`) on the same
  one-hot x, and on the character indices (the embedding lookup: no one-hot product, no dx);
- a whole training step as `training.train` takes it: m random windows, the inputs (one-hot, or
  the indices), loss and gradients, clipping by the global norm at 5 and one Adagrad step, both
  in place (`_clip_in_place`, `Adagrad._step_in_place`).

Every figure is the wall-clock time of `--calls` calls divided by their number; the runs take
turns (interleaved, so that a busy moment of the machine hits all of them) for `--repeats`
rounds, and the script prints the median and the min-max over the rounds, the ratio step / fused
(goal: at least 3) and the minor page faults per call. The CPU time of the process is printed
beside the wall-clock time: on a busy shared machine it leaves out the time spent waiting for a
CPU, on an idle one the two agree (one thread). Before timing, it prints the largest
difference of the fused results from the step path's (loss and every gradient, relative to the
largest entry of each). With --profile it prints where a fused call's time goes (cProfile, by
the time spent in each function itself: the loops over time are the lines of
`_fused_lstm_loss_and_gradients` and `_fused_gru_loss_and_gradients`). Last, the estimated time
of notebook 07's training cells (6 runs of 2,000 steps: the RNN, the LSTM and the GRU, with and
without carried state; the RNN's step is the fused one of `rnn_core.fused`, the same before and
after; held-out evaluations not counted) with the step path and with the fused path, and one
JSON line with every figure.

One BLAS thread: the script limits the BLAS library to one thread (threadpoolctl) while it runs.
"""

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import resource
import statistics
import time

import numpy as np
from threadpoolctl import ThreadpoolController

import rnn_core
from rnn_core._validation import check_gradients
from rnn_core.corpus import build_vocabulary, encode, load_corpus
from rnn_core.fused import _fused_loss_and_gradients, new_gradients
from rnn_core.fused_gated import _fused_gru_loss_and_gradients, _fused_lstm_loss_and_gradients
from rnn_core.gru import _gru_loss_and_gradients
from rnn_core.lstm import _lstm_loss_and_gradients
from rnn_core.models import initialize
from rnn_core.optimizers import Adagrad, _clip_in_place

T_X, M, STEPS_PER_RUN, RUNS_PER_CELL = 25, 16, 2000, 2  # notebook 07: carried state and not
HIDDEN = {"rnn": 64, "lstm": 30, "gru": 35}  # notebook 07's hidden sizes


def loss_functions(cell):
    """{path: f(x, y, a0, parameters) -> (loss, gradients, state)} for a gated cell."""
    if cell == "lstm":
        return {"step": _lstm_loss_and_gradients, "fused": _fused_lstm_loss_and_gradients}
    return {
        "step": lambda x, y, a0, p: _gru_loss_and_gradients(x, y, a0, p, "cho"),
        "fused": lambda x, y, a0, p: _fused_gru_loss_and_gradients(x, y, a0, p, "cho"),
    }


def random_windows(indices, rng):
    """m random windows of T_x + 1 characters, (m, T_x + 1), as `training.train` draws them."""
    starts = rng.integers(0, indices.size - T_X, size=M)
    return indices[starts[:, None] + np.arange(T_X + 1)]


def largest_differences(cell, x, indices, y, a0, parameters):
    """max |fused - step| / max |step| over the loss and each gradient, for one-hot x and for
    the indices (which have no dx)."""
    paths = loss_functions(cell)
    loss, expected, _ = paths["step"](x, y, a0, parameters)
    result = {}
    for name, inputs in (("one-hot", x), ("indices", indices)):
        fused_loss, gradients, _ = paths["fused"](inputs, y, a0, parameters)
        worst = abs(fused_loss - loss) / abs(loss)
        for key, value in gradients.items():
            scale = np.abs(expected[key]).max() or 1.0
            worst = max(worst, float(np.abs(value - expected[key]).max() / scale))
        result[name] = worst
    return result


def runs_for(cell, indices, n_y):
    """{name: a function that takes one call or one training step} for the cell."""
    rng = np.random.default_rng(0)
    n_a = HIDDEN[cell]
    parameters = initialize(cell, n_y, n_a, n_y, seed=0)
    a0 = np.zeros((n_a, M))
    window = random_windows(indices, rng)
    batch_indices, y = window[:, :-1], window[:, 1:]
    x = rnn_core.one_hot(batch_indices, n_y)  # (n_y, m, T_x)
    if cell == "rnn":  # the fused RNN as training runs it: indices, gradients written in place
        gradients = new_gradients(batch_indices, a0, parameters)

        def rnn_call(x, y, a0, parameters):
            return _fused_loss_and_gradients(x, y, a0, parameters, gradients)

        paths = {"fused": rnn_call}
    else:
        paths = loss_functions(cell)

    def training_step(path, one_hot):
        """A step as `training.train` takes it: its own model, clipped and updated in place."""
        model = {key: value.copy() for key, value in parameters.items()}
        optimizer = Adagrad(0.2)
        first = paths[path](x if one_hot else batch_indices, y, a0, model)[1]
        keys = check_gradients(first, None)[1]  # those clipping counts: dW…, db…

        def run():
            window = random_windows(indices, rng)
            inputs, labels = window[:, :-1], window[:, 1:]
            if one_hot:
                inputs = rnn_core.one_hot(inputs, n_y)
            _, gradients, _ = paths[path](inputs, labels, a0, model)
            _clip_in_place(gradients, keys, 5.0)
            optimizer._step_in_place(model, gradients)

        return run

    runs = {}
    if cell != "rnn":
        runs["call step"] = lambda: paths["step"](x, y, a0, parameters)
        runs["call fused"] = lambda: paths["fused"](x, y, a0, parameters)
        runs["call fused, indices"] = lambda: paths["fused"](batch_indices, y, a0, parameters)
        runs["training step step"] = training_step("step", one_hot=True)
        runs["training step fused"] = training_step("fused", one_hot=True)
    runs["training step fused, indices"] = training_step("fused", one_hot=False)
    return runs, (x, batch_indices, y, a0, parameters)


def measure(runs, repeats, calls):
    """Interleaved rounds: {name: (wall-clock seconds per call of every round, CPU seconds per
    call of every round, minor page faults per call)}."""
    wall = {name: [] for name in runs}
    cpu = {name: [] for name in runs}
    faults = {name: [] for name in runs}
    for run in runs.values():  # warm up: the work arrays, the caches
        for _ in range(3):
            run()
    for _ in range(repeats):
        for name, run in runs.items():
            before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            start, start_cpu = time.perf_counter(), time.process_time()
            for _ in range(calls):
                run()
            wall[name].append((time.perf_counter() - start) / calls)
            cpu[name].append((time.process_time() - start_cpu) / calls)
            faults[name].append(
                (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / calls
            )
    return {name: (wall[name], cpu[name], statistics.median(faults[name])) for name in runs}


def profile(run, calls):
    """The functions that take the most of `calls` runs of `run`, by their own time."""
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [run() for _ in range(calls)])
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(8)
    lines = text.getvalue().splitlines()
    start = next(k for k, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    return "\n".join("    " + line for line in lines[start:] if line.strip())


def spread(values):
    """'median (min-max)' in milliseconds."""
    low, high = min(values) * 1e3, max(values) * 1e3
    return f"{statistics.median(values) * 1e3:7.3f} ({low:.3f}-{high:.3f})"


def ratios(slow, fast):
    per_round = [a / b for a, b in zip(slow, fast)]
    return statistics.median(slow) / statistics.median(fast), min(per_round), max(per_round)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="interleaved rounds")
    parser.add_argument("--calls", type=int, default=50, help="calls (or steps) per round")
    parser.add_argument("--profile", action="store_true", help="where a fused call's time goes")
    args = parser.parse_args()
    blas = ThreadpoolController().select(user_api="blas")
    with blas.limit(limits=1):
        run_all(args, blas.info()[0]["num_threads"] if blas.info() else 1)


def run_all(args, threads):
    text = load_corpus("coriolanus")
    chars, char_to_index = build_vocabulary(text)
    indices = encode(text, char_to_index)
    n_y = len(chars)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, numpy {np.__version__}, "
        f"BLAS threads {threads}; coriolanus, vocabulary {n_y}, T_x {T_X}, m {M}; "
        f"{args.repeats} rounds of {args.calls} calls"
    )
    figures = {"threads": threads, "repeats": args.repeats, "calls": args.calls, "cells": {}}
    for cell in ("lstm", "gru", "rnn"):
        runs, problem = runs_for(cell, indices, n_y)
        entry = {"n_a": HIDDEN[cell]}
        if cell != "rnn":
            entry["max_difference"] = largest_differences(cell, *problem)
            print(
                f"\n{cell} (n_a {HIDDEN[cell]}): largest |fused - step| / max |step| over the loss "
                f"and every gradient: one-hot {entry['max_difference']['one-hot']:.1e}, "
                f"indices {entry['max_difference']['indices']:.1e}"
            )
        else:
            print(f"\nrnn (n_a {HIDDEN[cell]}), the fused path as training runs it:")
        results = measure(runs, args.repeats, args.calls)
        print(
            f"  {'ms per call or step':30s} {'wall, median (min-max)':>26s} "
            f"{'CPU, median (min-max)':>26s} {'faults':>7s}"
        )
        for name, (wall, cpu, faults) in results.items():
            print(f"  {name:30s} {spread(wall):>26s} {spread(cpu):>26s} {faults:7.1f}")
            entry[name] = {
                "s": statistics.median(wall),
                "min_max": [min(wall), max(wall)],
                "cpu_s": statistics.median(cpu),
                "cpu_min_max": [min(cpu), max(cpu)],
                "minor_faults": faults,
            }
        if cell != "rnn":
            for what in ("call", "training step"):
                for fused in ("fused", "fused, indices"):
                    name = f"{what} {fused}"
                    entry[f"speedup {name}"] = {}
                    text = []
                    for clock, k in (("wall", 0), ("CPU", 1)):
                        ratio, low, high = ratios(results[f"{what} step"][k], results[name][k])
                        entry[f"speedup {name}"][clock] = {"median": ratio, "min_max": [low, high]}
                        text.append(f"{clock} {ratio:5.2f}x ({low:.2f}-{high:.2f})")
                    print(f"  speed-up {name:28s} " + ", ".join(text))
        figures["cells"][cell] = entry
        if args.profile and cell != "rnn":
            print(f"  profile of 200 calls fused (one-hot x):\n{profile(runs['call fused'], 200)}")

    steps = RUNS_PER_CELL * STEPS_PER_RUN
    cells = figures["cells"]

    def notebook_seconds(run, clock):
        rnn = cells["rnn"]["training step fused, indices"][clock]  # the same before and after
        return steps * (rnn + sum(cells[cell][run][clock] for cell in ("lstm", "gru")))

    paths = {"step": "training step step", "one-hot": "training step fused"}
    paths["indices"] = "training step fused, indices"
    for clock, key in (("s", "notebook_07_training_s"), ("cpu_s", "notebook_07_training_cpu_s")):
        figures[key] = {path: notebook_seconds(run, clock) for path, run in paths.items()}
    wall, cpu = figures["notebook_07_training_s"], figures["notebook_07_training_cpu_s"]
    print(
        f"\nnotebook 07's training cells, 6 runs x {STEPS_PER_RUN} steps (medians, held-out "
        f"evaluations not counted), step path / fused one-hot / fused indices: wall "
        f"{wall['step']:.1f} / {wall['one-hot']:.1f} / {wall['indices']:.1f} s, CPU "
        f"{cpu['step']:.1f} / {cpu['one-hot']:.1f} / {cpu['indices']:.1f} s"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
