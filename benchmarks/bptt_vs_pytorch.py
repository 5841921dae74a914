"""rnn_loss_and_gradients against PyTorch on the CPU, one thread each: loss + full BPTT, float64.

    OPENBLAS_NUM_THREADS=1 python benchmarks/bptt_vs_pytorch.py [--repeats 9]

For each shape (n_x, n_a, n_y, m, T_x), both sides compute the loss (cross-entropy summed over time,
averaged over the batch) and the gradients of every weight, of x and of a0. PyTorch runs nn.RNN
(tanh) + nn.Linear + cross-entropy with autograd. The two are timed in turn in one process
(interleaved, so that a busy moment of the machine hits both); the script prints the medians, the
spread (min-max) and the ratio of the medians: below 1 means rnn_core is faster. Also printed: the
step-by-step path (rnn_loss_and_gradients_by_steps) against the same PyTorch run, and the minor
page faults per call of both rnn_core paths (resource.getrusage around repeated calls: memory that
the C library handed back to the system and that comes back page by page), counted before
PyTorch is imported (loading it changes how the C library hands memory back, and hides them).

Both libraries run on one thread: OpenBLAS (OPENBLAS_NUM_THREADS=1, set here unless it is set
already) and PyTorch (torch.set_num_threads(1)). Two libraries that each start a thread per core
slow each other down unpredictably on a small machine, and any two-thread ratio is then noise.

At the largest shape the script also times a 1024 x 1024 x 1024 float64 product (np.matmul, the
same process, interleaved with the other calls) and prints which fraction of that product's FLOP
rate rnn_loss_and_gradients reaches. The FLOPs of one call are counted from the products it does,
2 * (rows) * (columns) * (inner size) for each (`flops_of_call`). The last line is one JSON
object with every figure.

Where a call goes (`--profile`), at the two larger shapes: every product of the call timed alone
at its shape (benchmarks/products.py), the time loop's own products apart from the others, and
what remains of the call's median: its elementwise work (tanh, the softmax, sums, copies) and
Python's calls. The products' FLOPs over their time bound the rate the whole call can reach.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy starts OpenBLAS's threads

import argparse
import importlib.util
import json
import platform
import resource
import statistics
import time
import tracemalloc
from functools import partial
from pathlib import Path

import numpy as np

import rnn_core
from rnn_core import fused


def sibling(name):
    """The module benchmarks/NAME.py, loaded from this file's folder: also when this file is run
    with runpy.run_path (notebook 06 does, for torch_runner), where that folder is not on sys.path
    (and is not added to it)."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


products = sibling("products")
median_seconds, product_flops, products_seconds = (
    products.median_seconds,
    products.product_flops,
    products.products_seconds,
)

SHAPES = [(3, 5, 2, 10, 4), (27, 50, 27, 1, 25), (64, 128, 64, 32, 100), (256, 512, 256, 64, 50)]
GEMM_SIZE = 1024


def flops_of_call(n_x, n_a, n_y, m, T_x):
    """The FLOPs of the products of one rnn_loss_and_gradients call, 2 m n k for an (m, k) @ (k, n)
    product, with C = T_x m columns (one per example and step):

        forward    Wax X (n_a, n_x, C)    Waa a⟨t-1⟩: T_x of (n_a, n_a, m)    Wya A (n_y, n_a, C)
        backward   dWya (n_y, C, n_a)     Wyaᵀ DLOGITS (n_a, n_y, C)
                   Waaᵀ dz⟨t⟩: T_x of (n_a, n_a, m)    dWaa (n_a, C, n_a)
                   dWax (n_a, C, n_x)     dx = Waxᵀ DZ (n_x, n_a, C)

    that is 2 C (3 n_a n_x + 3 n_a² + 3 n_y n_a) = 6 T_x m (n_a n_x + n_a² + n_y n_a): notebook
    06's formula (6). The elementwise work (tanh, the softmax) is not counted.
    """
    flops = sum(product_flops(*product) for product in products_of_call(n_x, n_a, n_y, m, T_x))
    assert flops == 6 * T_x * m * (n_a * n_x + n_a * n_a + n_y * n_a)  # the formula above
    return flops


def products_of_call(n_x, n_a, n_y, m, T_x):
    """The products of one call as (left shape, right shape, count), the time loop's first."""
    C = T_x * m
    return [
        ((n_a, n_a), (n_a, m), 2 * T_x),  # Waa a⟨t-1⟩ forward, Waaᵀ dz⟨t⟩ backward: in the loops
        ((n_a, n_x), (n_x, C), 1),  # Wax X
        ((n_y, n_a), (n_a, C), 1),  # Wya A
        ((n_y, C), (C, n_a), 1),  # dWya
        ((n_a, n_y), (n_y, C), 1),  # Wyaᵀ DLOGITS
        ((n_a, C), (C, n_a), 1),  # dWaa
        ((n_a, C), (C, n_x), 1),  # dWax
        ((n_x, n_a), (n_a, C), 1),  # dx = Waxᵀ DZ
    ]


def print_profile(shape, call_seconds, gemm_rate, repeats):
    """Where one call's median time goes: the loop's products, the others, the rest (a dict)."""
    products = products_of_call(*shape)
    seconds = products_seconds(products, repeats)
    loop, others = seconds[0], sum(seconds[1:])
    loop_flops = product_flops(*products[0])
    other_flops = sum(product_flops(*product) for product in products[1:])
    rest = call_seconds - loop - others
    print(f"  where a call goes at {shape}, ms (each product timed alone, median):")
    rows = [
        (
            f"in the time loops: {products[0][2]} of {products[0][0]} @ {products[0][1]}",
            loop,
            loop_flops,
        ),
        ("the other 7 products, one each", others, other_flops),
    ]
    for name, t, flops in rows:
        print(
            f"    {name:48s} {t * 1e3:8.2f}  {flops / t / 1e9:5.1f} GFLOP/s "
            f"({flops / t / gemm_rate:.2f} of the {GEMM_SIZE}³ product's)"
        )
    print(f"    {'the rest (elementwise work, copies, checks)':48s} {rest * 1e3:8.2f}")
    bound = (loop_flops + other_flops) / (loop + others) / gemm_rate
    print(
        f"    the call {call_seconds * 1e3:.2f}; with these products alone it would reach "
        f"{bound:.2f} of the {GEMM_SIZE}³ product's rate"
    )
    return {"loop_products_s": loop, "other_products_s": others, "rest_s": rest}


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


def interleaved(functions, repeats):
    """The times of each function, timed in turn, `repeats` rounds: {name: [seconds, ...]}."""
    times = {name: [] for name in functions}
    for _ in range(repeats):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return times


def faults_per_call(function, calls=5):
    """Minor page faults per call, after two calls that fill every cache."""
    function()
    function()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(calls):
        function()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / calls


def peak_memory(x, y, a0, parameters):
    """The peak of what one call allocates, its kept work arrays included (the cache is emptied)."""
    fused._kept_array.cache_clear()
    tracemalloc.start()
    rnn_core.rnn_loss_and_gradients(x, y, a0, parameters)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="timed rounds per shape")
    parser.add_argument(
        "--profile", action="store_true", help="also time each product at the two larger shapes"
    )
    args = parser.parse_args()
    faults = {}  # before torch is imported: see the docstring
    for shape in SHAPES:
        problem = rnn_core.random_problem(*shape)
        faults[shape] = {
            "fused": faults_per_call(partial(rnn_core.rnn_loss_and_gradients, *problem)),
            "steps": faults_per_call(partial(rnn_core.rnn_loss_and_gradients_by_steps, *problem)),
        }
    try:
        import torch
    except ImportError:
        print(
            "PyTorch is not installed: nothing to compare against (pip install torch, CPU build)."
        )
        return
    torch.set_num_threads(1)
    torch.set_grad_enabled(True)
    threads = os.environ["OPENBLAS_NUM_THREADS"]
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, {os.cpu_count()} CPUs; "
        f"numpy {np.__version__} with OPENBLAS_NUM_THREADS={threads}, torch {torch.__version__} "
        f"with torch.set_num_threads(1): one thread each"
    )
    print(f"median (min-max) of {args.repeats} interleaved rounds; faults: minor page faults/call")
    print(
        f"{'shape (n_x, n_a, n_y, m, T_x)':30s} {'rnn_core ms':>22s} {'by steps ms':>22s} "
        f"{'torch ms':>22s} {'ratio':>6s} {'steps/torch':>11s} {'faults':>7s} {'steps':>7s}"
    )
    figures = {"openblas_threads": threads, "torch_threads": 1, "repeats": args.repeats}
    figures["shapes"] = []
    A, B = np.random.default_rng(0).standard_normal((2, GEMM_SIZE, GEMM_SIZE))
    C = np.empty((GEMM_SIZE, GEMM_SIZE))
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
        if shape == SHAPES[-1]:
            functions["gemm"] = partial(np.matmul, A, B, out=C)
        for function in functions.values():  # warm up
            function()
        times = interleaved(functions, args.repeats)
        t = {name: statistics.median(values) for name, values in times.items()}
        ratio = t["fused"] / t["torch"]

        def cell(values):
            low, high = min(values) * 1e3, max(values) * 1e3
            return f"{statistics.median(values) * 1e3:.2f} ({low:.2f}-{high:.2f})"

        print(
            f"{shape!s:30s} {cell(times['fused']):>22s} {cell(times['steps']):>22s} "
            f"{cell(times['torch']):>22s} {ratio:5.2f}x {t['steps'] / t['torch']:10.2f}x "
            f"{faults[shape]['fused']:7.1f} {faults[shape]['steps']:7.1f}"
        )
        record = {
            "shape": list(shape),
            **{f"{name}_s": summary(values) for name, values in times.items()},
            "ratio_rnn_core_torch": ratio,
            "ratio_steps_torch": t["steps"] / t["torch"],
            "faults_per_call_rnn_core": faults[shape]["fused"],
            "faults_per_call_steps": faults[shape]["steps"],
        }
        if shape == SHAPES[-1]:
            gemm_rate = 2 * GEMM_SIZE**3 / t["gemm"]
            flops = flops_of_call(*shape)
            rates = [flops / s for s in times["fused"]]
            fraction = flops / t["fused"] / gemm_rate
            print(
                f"at {shape}: {flops / 1e9:.2f} GFLOP per call (6 T_x m (n_a n_x + n_a² + "
                f"n_y n_a)), {flops / t['fused'] / 1e9:.1f} GFLOP/s "
                f"({min(rates) / 1e9:.1f}-{max(rates) / 1e9:.1f}); a {GEMM_SIZE}³ product "
                f"{gemm_rate / 1e9:.1f} GFLOP/s: fraction {fraction:.2f} (goal: at least 0.90)"
            )
            record.update(flops_per_call=flops, gemm_flops_per_s=gemm_rate, gemm_fraction=fraction)
        if args.profile and shape in SHAPES[2:]:
            if "gemm" not in t:  # the 1024³ rate, for the profile of the smaller shape too
                t["gemm"] = median_seconds(partial(np.matmul, A, B, out=C), 1, args.repeats)
            record["profile"] = print_profile(
                shape, t["fused"], 2 * GEMM_SIZE**3 / t["gemm"], args.repeats
            )
        figures["shapes"].append(record)
    smaller = [record["ratio_rnn_core_torch"] for record in figures["shapes"][:-1]]
    print(
        f"worst ratio rnn_core / torch on the three smaller shapes: {max(smaller):.2f}x "
        "(goal: at most 0.50x)"
    )

    x, y, a0, parameters = rnn_core.random_problem(*SHAPES[-1])
    _, n_a, _, m, T_x = SHAPES[-1]
    peak = peak_memory(x, y, a0, parameters)
    kept = 8 * n_a * m * (T_x + 1)  # the hidden states a⟨0⟩ … a⟨T_x⟩ BPTT must keep, float64
    print(
        f"peak memory of rnn_loss_and_gradients at {SHAPES[-1]}: {peak / 2**20:.1f} MiB "
        f"(its work arrays included); hidden states BPTT must keep: {kept / 2**20:.1f} MiB "
        f"({peak / kept:.1f}x)"
    )
    figures.update(peak_memory_bytes=peak, kept_states_bytes=kept)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
