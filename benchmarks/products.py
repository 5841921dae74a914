"""Timing the matrix products of a loop one by one: a profile for the other benchmarks.

A product here is (left shape, right shape, count): `count` calls of np.matmul of a (rows, k)
by a (k, columns) array. Each is timed alone, on contiguous float64 arrays of those shapes (the
loops pass some operands as transposed views, which BLAS reads as well), and its median time is
counted `count` times. The sum is the time a loop's products take, whatever else it does: what
neither its elementwise work nor its Python calls can bring down.
"""

import statistics
import time
from functools import partial

import numpy as np


def median_seconds(function, calls, repeats):
    """The median over `repeats` of the time of one call, each repeat timing `calls` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        times.append((time.perf_counter() - start) / calls)
    return statistics.median(times)


def product_flops(left, right, count):
    """2 rows k columns for each of the `count` products."""
    return 2 * left[0] * left[1] * right[1] * count


def products_seconds(products, repeats, budget=0.05):
    """The seconds of each (left, right, count) product, count times its median (a list), each
    product timed in rounds of about `budget` seconds."""
    rng = np.random.default_rng(0)
    seconds = []
    for left, right, count in products:
        a, b = rng.standard_normal(left), rng.standard_normal(right)
        product = partial(np.matmul, a, b, out=np.empty((left[0], right[1])))
        once = median_seconds(product, 1, 3)  # to size the rounds
        calls = max(1, min(1000, round(budget / max(once, 1e-7))))
        seconds.append(count * median_seconds(product, calls, repeats))
    return seconds
