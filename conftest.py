"""Test-suite set-up shared by tests/ and the notebooks that nbval runs.

One BLAS thread for the tests and for the kernels nbval starts (they inherit the environment),
unless the caller chose: the notebooks' stored outputs were made with one thread (some round-off
digits and a trained model's samples depend on it), and on a shared 2-core machine two libraries
each spinning their own threads make the suite slower, not faster. Set here, before numpy loads
OpenBLAS in this process.
"""

import os

for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")


# --- Two workers (pytest-xdist: `-n 2 --dist loadscope` in pyproject.toml's addopts) ---
# loadscope gives a worker whole files: a notebook's cells share one kernel and run in order, and a
# module's fixtures (a JupyterLab server, a built book, an edition) are built once. The slowest
# files go first, so that a long one does not start last while the other worker idles (only the
# order of scheduling changes; each file's tests keep their order).
SLOW_FIRST = [
    "tests/test_browser.py",
    "tests/test_floors.py",
    "tests/test_editions.py",
    "tests/test_binder.py",
    "notebooks/07_gated_cells_lstm_and_gru.ipynb",
    "tests/test_fuzz.py",
    "tests/test_book.py",
    "tests/test_widgets.py",
    "notebooks/06_making_bptt_fast.ipynb",
]


def pytest_collection_modifyitems(config, items):
    rank = {name: k for k, name in enumerate(SLOW_FIRST)}

    def file_rank(item):
        return rank.get(item.path.relative_to(config.rootpath).as_posix(), len(rank))

    items.sort(key=file_rank)  # a stable sort: the order within each file is kept
