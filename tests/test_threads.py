"""rnn_core's BLAS thread rule (rnn_core.threads), checked in fresh interpreters.

The suite itself runs with OPENBLAS_NUM_THREADS=1 (conftest.py), which is a user's choice that
rnn_core leaves alone; so each case here starts a Python without the thread variables, with the
CPU budget set through loky's LOKY_MAX_CPU_COUNT (what joblib.cpu_count reads besides the quota
and the affinity), and reads the thread count with threadpoolctl's own `threadpool_info`.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from rnn_core.threads import THREAD_VARIABLES

PRELUDE = """
import json
from threadpoolctl import threadpool_info, threadpool_limits

def blas_threads():
    return max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")

import numpy
default = blas_threads()  # before rnn_core is imported
import rnn_core
from rnn_core.threads import LARGE_PRODUCT, threads_for
seen = {"default": default, "after_import": blas_threads()}
"""


def run(body, **variables):
    """Run PRELUDE + body in a fresh Python with only `variables` among the thread settings;
    the body fills the dict `seen`, which comes back."""
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES}
    env.pop("LOKY_MAX_CPU_COUNT", None)
    env.update(variables)
    code = PRELUDE + textwrap.dedent(body) + "\nprint(json.dumps(seen))\n"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


needs_two_threads = pytest.mark.skipif(
    (os.cpu_count() or 1) < 2, reason="OpenBLAS starts one thread on a one-core machine"
)

BLOCKS = """
with threads_for(LARGE_PRODUCT - 1):
    seen["small"] = blas_threads()
seen["after_small"] = blas_threads()
with threads_for(LARGE_PRODUCT):
    seen["large"] = blas_threads()
"""


@needs_two_threads
def test_under_a_one_cpu_budget_import_lowers_the_threads_to_one():
    seen = run(BLOCKS, LOKY_MAX_CPU_COUNT="1")
    assert seen["default"] >= 2
    assert seen["after_import"] == seen["small"] == seen["large"] == 1


@needs_two_threads
def test_with_every_cpu_allowed_small_work_gets_one_thread_and_large_work_all():
    seen = run(BLOCKS)
    assert seen["after_import"] == seen["default"] >= 2  # never changed at import
    assert seen["small"] == 1
    assert seen["after_small"] == seen["default"]  # restored after the block
    assert seen["large"] == seen["default"]


@needs_two_threads
@pytest.mark.parametrize("variable", ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"])
def test_a_thread_count_set_in_the_environment_wins(variable):
    seen = run(BLOCKS, LOKY_MAX_CPU_COUNT="1", **{variable: "2"})
    assert seen["default"] == seen["after_import"] == seen["small"] == seen["large"] == 2


@needs_two_threads
def test_a_thread_count_changed_at_run_time_wins():
    seen = run(
        """
        threadpool_limits(limits=2, user_api="blas")  # a user's setting, for good
        with threads_for(1):
            seen["small"] = blas_threads()
        threadpool_limits(limits=1, user_api="blas")
        with threads_for(LARGE_PRODUCT):
            seen["large"] = blas_threads()
        """,
        LOKY_MAX_CPU_COUNT="1",
    )
    assert (seen["after_import"], seen["small"], seen["large"]) == (1, 2, 1)


@needs_two_threads
def test_the_loss_and_gradient_functions_and_train_run_inside_the_rule():
    # Each function's inner work is wrapped to record the thread count it ran with.
    seen = run(
        """
        import rnn_core.fused, rnn_core.lstm, rnn_core.gru
        from rnn_core import training

        def recording(module, name, key):
            inner = getattr(module, name)
            def wrapped(*args, **kwargs):
                seen.setdefault(key, blas_threads())
                return inner(*args, **kwargs)
            setattr(module, name, wrapped)

        recording(rnn_core.fused, "_fused_forward", "rnn")
        recording(rnn_core.lstm, "_lstm_forward", "lstm")
        recording(rnn_core.gru, "_gru_forward", "gru")
        x, y, a0, p = rnn_core.random_problem(3, 5, 2, 4, 6)
        rnn_core.rnn_loss_and_gradients(x, y, a0, p)
        rnn_core.lstm_loss_and_gradients(
            x, y, a0, rnn_core.initialize_lstm_parameters(3, 5, 2))
        rnn_core.gru_loss_and_gradients(x, y, a0, rnn_core.initialize_gru_parameters(3, 5, 2))
        seen["rnn_call"] = seen.pop("rnn")  # train's steps record "rnn" afresh
        training.train("abcabcabd" * 20, n_a=4, T_x=5, m=2, steps=2)
        seen["train"] = seen.pop("rnn")
        seen["after"] = blas_threads()
        """
    )
    assert seen["default"] >= 2
    for key in ("rnn_call", "lstm", "gru", "train"):
        assert seen[key] == 1, (key, seen)
    assert seen["after"] == seen["default"]


def test_describe_names_the_library_the_budget_and_the_rule():
    seen = run(
        'seen["text"] = rnn_core.threads.describe()\n',
        LOKY_MAX_CPU_COUNT="1",
        OPENBLAS_NUM_THREADS="1",
    )
    assert "openblas" in seen["text"].lower() or "mkl" in seen["text"].lower(), seen
    assert "1 CPU allowed" in seen["text"]
    assert "set by the environment to 1" in seen["text"]
