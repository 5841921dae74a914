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
