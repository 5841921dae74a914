"""rnn_loss_and_gradients against PyTorch on the CPU: loss + full BPTT, float64, same data.

    python benchmarks/bptt_vs_pytorch.py [--repeats 7]

For each shape (n_x, n_a, n_y, m, T_x), both sides compute the loss (cross-entropy summed over time,
averaged over the batch) and the gradients of every weight, of x and of a0. PyTorch runs nn.RNN
(tanh) + nn.Linear + cross-entropy with autograd. The two are timed in turn in one process
(interleaved, so that a busy moment of the machine hits both), and the medians are compared:
a ratio below 1 means rnn_core is faster. Also printed: the step-by-step path
(rnn_loss_and_gradients_by_steps) against the same PyTorch run, and the peak memory that
rnn_loss_and_gradients allocates (tracemalloc) against the activations BPTT must keep.
"""

import argparse
import platform
import statistics
import time
import tracemalloc
from functools import partial

import numpy as np

import rnn_core

SHAPES = [(3, 5, 2, 10, 4), (27, 50, 27, 1, 25), (64, 128, 64, 32, 100), (256, 512, 256, 64, 50)]


def torch_runner(torch, x, y, a0, parameters):
    """A function that runs PyTorch's forward and backward on the same problem, once."""
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    rnn = torch.nn.RNN(n_x, n_a, nonlinearity="tanh", dtype=torch.float64)
    linear = torch.nn.Linear(n_a, n_y, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(parameters["Wax"]))
        rnn.weight_hh_l0.copy_(torch.from_numpy(parameters["Waa"]))
        rnn.bias_ih_l0.copy_(torch.from_numpy(parameters["ba"][:, 0]))
        rnn.bias_hh_l0.zero_()
        linear.weight.copy_(torch.from_numpy(parameters["Wya"]))
        linear.bias.copy_(torch.from_numpy(parameters["by"][:, 0]))
    inputs = torch.from_numpy(np.ascontiguousarray(x.transpose(2, 1, 0)))  # (T_x, m, n_x)
    h0 = torch.from_numpy(np.ascontiguousarray(a0.T))[None]  # (1, m, n_a)
    labels = torch.from_numpy(np.ascontiguousarray(y.T)).reshape(-1)  # (T_x*m,)

    def run():
        for p in (*rnn.parameters(), *linear.parameters()):
            p.grad = None
        x_leaf = inputs.clone().requires_grad_(True)
        h0_leaf = h0.clone().requires_grad_(True)
        states, _ = rnn(x_leaf, h0_leaf)  # (T_x, m, n_a)
        logits = linear(states).reshape(T_x * m, n_y)
        loss = torch.nn.functional.cross_entropy(logits, labels, reduction="sum") / m
        loss.backward()
        return loss.item()

    return run


def median_seconds(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved(functions, repeats):
    """Median time of each function, timed in turn, `repeats` rounds."""
    times = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def peak_memory(x, y, a0, parameters):
    tracemalloc.start()
    rnn_core.rnn_loss_and_gradients(x, y, a0, parameters)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed rounds per shape (median)")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        print(
            "PyTorch is not installed: nothing to compare against (pip install torch, CPU build)."
        )
        return
    torch.set_grad_enabled(True)
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
        f"torch {torch.__version__} ({torch.get_num_threads()} threads), numpy {np.__version__}"
    )
    print(
        f"{'shape (n_x, n_a, n_y, m, T_x)':32s} {'rnn_core':>10s} {'by steps':>10s} {'torch':>10s} "
        f"{'ratio':>7s} {'steps/torch':>11s}"
    )
    worst = 0.0
    for shape in SHAPES:
        x, y, a0, parameters = rnn_core.random_problem(*shape)
        torch_run = torch_runner(torch, x, y, a0, parameters)
        loss, _ = rnn_core.rnn_loss_and_gradients(x, y, a0, parameters)
        assert abs(loss - torch_run()) <= 1e-9 * abs(loss), "rnn_core and torch disagree"
        functions = {
            "fused": partial(rnn_core.rnn_loss_and_gradients, x, y, a0, parameters),
            "steps": partial(rnn_core.rnn_loss_and_gradients_by_steps, x, y, a0, parameters),
            "torch": torch_run,
        }
        for function in functions.values():  # warm up
            function()
        t = interleaved(functions, args.repeats)
        ratio = t["fused"] / t["torch"]
        worst = max(worst, ratio)
        print(
            f"{shape!s:32s} {t['fused'] * 1e3:8.2f}ms {t['steps'] * 1e3:8.2f}ms "
            f"{t['torch'] * 1e3:8.2f}ms {ratio:6.2f}x {t['steps'] / t['torch']:10.2f}x"
        )
    print(f"worst ratio rnn_core / torch: {worst:.2f}x (goal: at most 1.00x)")

    x, y, a0, parameters = rnn_core.random_problem(*SHAPES[-1])
    _, n_a, _, m, T_x = SHAPES[-1]
    peak = peak_memory(x, y, a0, parameters)
    kept = 8 * n_a * m * (T_x + 1)  # the hidden states a⟨0⟩ … a⟨T_x⟩ BPTT must keep, float64
    print(
        f"peak memory of rnn_loss_and_gradients at {SHAPES[-1]}: {peak / 2**20:.1f} MiB; "
        f"hidden states BPTT must keep: {kept / 2**20:.1f} MiB ({peak / kept:.1f}x)"
    )


if __name__ == "__main__":
    main()
