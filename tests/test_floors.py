"""The lowest versions requirements.txt allows, under the suite's own rule: warnings are errors.

A fresh virtual environment gets exactly the floor of every package rnn_core imports (numpy,
threadpoolctl, joblib, matplotlib, ipywidgets, pillow: `name>=X.Y` becomes `name==X.Y.*`, the
oldest release series the file promises to work with), rnn_core itself without its
dependencies, and the test tools; then
the kernel-side tests run there with pyproject.toml's `filterwarnings = error`. JupyterLab's floor
is not installed here (the browser test needs the whole server; it runs on current versions).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOORED = ("numpy", "threadpoolctl", "joblib", "matplotlib", "ipywidgets", "pillow")
XDIST = ["-n", "2"]  # pytest-xdist, as the suite itself runs
TESTS = [
    "tests/test_activations.py",
    "tests/test_gradients.py",
    "tests/test_lstm.py",
    "tests/test_gru.py",
    "tests/test_gated_training.py",
    "tests/test_training.py",
    "tests/test_widgets.py",
    "tests/test_checkers.py",
    "tests/test_checkers_lstm.py",
    "tests/test_validation.py",
    "tests/test_dynamics.py",
    "tests/test_threads.py",
    "tests/test_embedding.py",
]


def floors():
    """{name: floor} from requirements.txt's `name>=X.Y` lines."""
    found = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        match = re.match(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", line.split("#")[0].strip())
        if match:
            found[match.group(1).lower()] = match.group(2)
    return found


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, timeout=1200, **kwargs)
    assert result.returncode == 0, f"{command}:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result


def test_every_package_rnn_core_imports_has_a_floor():
    assert set(FLOORED) <= set(floors()), floors()


def test_the_kernel_side_tests_pass_at_the_floor_versions_with_warnings_as_errors(tmp_path):
    env_dir = tmp_path / "floor"
    run([sys.executable, "-m", "venv", str(env_dir)])
    python = env_dir / "bin" / "python"
    pins = [f"{name}=={version}.*" for name, version in floors().items() if name in FLOORED]
    run([python, "-m", "pip", "install", "-q", *pins, "pytest", "pytest-xdist", "hypothesis"])
    run([python, "-m", "pip", "install", "-q", "--no-deps", "-e", str(ROOT)])
    installed = run([python, "-m", "pip", "list", "--format=freeze"]).stdout.lower()
    for pin in pins:  # the floor, not a newer release
        name, series = pin.split("==")
        assert re.search(rf"^{name}=={re.escape(series[:-1])}", installed, re.M), installed
    # torch is not one of the floors: its cross-checks skip here even where CI requires them
    env = {k: v for k, v in os.environ.items() if k != "RNN_CORE_REQUIRE_TORCH"}
    result = run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", *XDIST, *TESTS],
        cwd=ROOT,
        env=env,
    )
    assert " passed" in result.stdout.splitlines()[-1]
