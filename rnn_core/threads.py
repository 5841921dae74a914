"""How many threads the BLAS library (OpenBLAS, MKL, ...) under numpy uses for rnn_core's work.

numpy hands every matrix product to a BLAS library, which by default starts one thread per core
it sees. Two cases where that is wrong for this course:

- A container with a CPU quota (Binder, a course's JupyterHub: about one CPU per learner) sees
  every core of its host. Sixteen threads then share one CPU's time and wait for each other at
  every product: `training.train` ran 2.7 times slower under a one-CPU quota on a 2-core machine
  with the default threads than with one (benchmarks/threads.py measures it).
- Small products, which is all of this course's notebooks, finish before a second thread helps:
  the second thread burns CPU time and saves none.

So rnn_core, unless the thread count was chosen by the user:

- at import, lowers the BLAS thread count to the number of CPUs this process may use (the CPU
  quota and the CPU affinity, as `joblib.cpu_count` reads them); it never raises it;
- in each call of its sequence functions, uses one thread when the products are small and that
  number of CPUs when they are large (`threads_for`).

The user's choice wins: a thread count set in the environment before Python started
(OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, MKL_NUM_THREADS, ...), or a change made at run time (with
threadpoolctl, for example) after rnn_core was imported, is left as it is.
"""

import contextlib
import os

from joblib import cpu_count
from threadpoolctl import ThreadpoolController

# Environment variables that set a BLAS or OpenMP thread count (threadpoolctl's list of the
# libraries it controls, plus Apple's Accelerate).
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "GOTO_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
)

# A call uses more than one thread only when the products it repeats at every time step reach
# this many multiply-adds (`step_work`). Below it, a second thread made no call faster on the
# machine where this was measured (benchmarks/threads.py prints the one- and two-thread times
# of each shape, to check it on yours).
LARGE_PRODUCT = 2**24  # 16.8 million: the RNN at n_x = n_a = 512, m = 32, or n_a = 362, m = 64


class _BlasThreads:
    """The BLAS libraries numpy loaded, the CPUs this process may use, and what rnn_core set."""

    def __init__(self):
        self.controller = ThreadpoolController().select(user_api="blas")
        self.cpus = cpu_count()  # CPUs this process may use: quota and affinity
        self.chosen_by_user = any(os.environ.get(name) for name in THREAD_VARIABLES)
        self.default = self.current()
        if not self.chosen_by_user and self.default > self.cpus:
            self.set(self.cpus)  # under a quota: never more threads than CPUs
        self.expected = self.current()  # what a user change at run time would differ from

    def current(self):
        """The BLAS thread count now (the largest over the loaded libraries; 1 if none)."""
        return max((library.num_threads for library in self.controller.lib_controllers), default=1)

    def set(self, threads):
        for library in self.controller.lib_controllers:
            library.set_num_threads(threads)

    def user_chose(self):
        return self.chosen_by_user or self.current() != self.expected


_blas = _BlasThreads()


def cpu_budget():
    """The number of threads rnn_core uses for large products: the BLAS thread count after
    import (the default, lowered to the CPUs this process may use), or the user's choice."""
    return _blas.current() if _blas.user_chose() else _blas.expected


def step_work(n_x, n_a, m, gates=1):
    """Multiply-adds of the products at one time step: `gates` weight matrices of (n_a, n_a + n_x)
    (1 for the RNN's Waa and Wax, 3 for the GRU, 4 for the LSTM) times m columns."""
    return gates * n_a * (n_a + n_x) * m


@contextlib.contextmanager
def threads_for(multiply_adds):
    """Inside this block, the BLAS libraries use 1 thread if `multiply_adds` (the work of one time
    step, `step_work`) is below LARGE_PRODUCT, and `cpu_budget()` threads otherwise; the count
    before the block is restored after it. Does nothing when the user chose the thread count."""
    if _blas.user_chose():
        yield
        return
    threads = 1 if multiply_adds < LARGE_PRODUCT else _blas.expected
    before = _blas.current()
    if threads == before:
        yield
        return
    _blas.set(threads)
    try:
        yield
    finally:
        _blas.set(before)


def describe():
    """One line on the BLAS threads: libraries, default count, CPUs allowed, rnn_core's choice."""
    libraries = ", ".join(
        f"{info['internal_api']} {info.get('version') or ''}".strip()
        for info in _blas.controller.info()
    )
    if _blas.chosen_by_user:
        rule = f"set by the environment to {_blas.current()}: rnn_core leaves it"
    elif _blas.user_chose():
        rule = f"changed at run time to {_blas.current()}: rnn_core leaves it"
    else:
        rule = (
            f"rnn_core uses 1 thread for small products and {_blas.expected} where one time "
            f"step's products reach {LARGE_PRODUCT:,} multiply-adds"
        )
    return (
        f"BLAS: {libraries or 'none found'}; {_blas.default} threads by default, "
        f"{_blas.cpus} CPU{'s' if _blas.cpus != 1 else ''} allowed for this process; {rule}"
    )
