"""The README's promises to a new user, tried: the open command, and updates that never conflict.

The open command is read from the README (the block after <!-- open command -->), as CI reads the
test command. Its set-up part (venv, pip) is what the test suite's own environment already did, so
the test runs the rest, in a copy of the repository: the script that makes the learner's copy of
the notebooks, then JupyterLab, and asks the server what it serves and what it opens.
"""

import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from test_binder import repository_files, run
from test_browser import free_port

ROOT = Path(__file__).resolve().parent.parent


def readme_command(marker):
    lines = (ROOT / "README.md").read_text().splitlines()
    start = lines.index(f"<!-- {marker} -->")
    assert lines[start + 1] == "```", f"a fenced block must follow <!-- {marker} -->"
    end = lines.index("```", start + 2)
    return " ".join(lines[start + 2 : end])


def copy_of_repository(target):
    for name in repository_files():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    return target


def test_the_open_command_sets_up_then_opens_notebook_01_from_the_learners_copy():
    steps = [step.strip() for step in readme_command("open command").split("&&")]
    assert steps[:3] == [
        "python3 -m venv .venv",
        ". .venv/bin/activate",
        "pip install -r requirements.txt",
    ]
    assert steps[3:] == [
        "python tools/my_notebooks.py",
        "jupyter lab --ServerApp.root_dir=. my_notebooks/01_forward_pass.ipynb",
    ]


def test_jupyterlab_serves_the_repository_root_and_opens_notebook_01(tmp_path):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("the repository is copied with git")
    repo = copy_of_repository(tmp_path / "repo")
    steps = [step.strip() for step in readme_command("open command").split("&&")][3:]
    bin_dir = Path(sys.executable).parent  # the environment the set-up steps made
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON"))}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    runtime = tmp_path / "runtime"
    env.update(JUPYTER_RUNTIME_DIR=str(runtime), JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    copy_step = shlex.split(steps[0])
    printed = run([bin_dir / "python", *copy_step[1:]], cwd=repo, env=env).stdout
    assert "copied into my_notebooks/: 01_forward_pass.ipynb" in printed
    port, token = free_port(), secrets.token_hex(16)
    command = [bin_dir / "jupyter", *shlex.split(steps[1])[1:], "--no-browser",
               f"--port={port}", f"--IdentityProvider.token={token}"]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # the README's note for root
    with open(tmp_path / "server.log", "w") as log:
        server = subprocess.Popen(command, cwd=repo, env=env, stdout=log, stderr=log)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/api/contents?token={token}") as r:
                        listing = json.load(r)
                    break
                except OSError:
                    assert server.poll() is None and time.monotonic() < deadline, (
                        tmp_path / "server.log"
                    ).read_text()
                    time.sleep(0.3)
            names = {item["name"] for item in listing["content"]}
            assert {"rnn_core", "notebooks", "my_notebooks", "README.md"} <= names
            opened = "".join(p.read_text() for p in runtime.glob("jpserver-file-to-run-*.html"))
            assert re.search(r"/lab/tree/my_notebooks/01_forward_pass\.ipynb\?token=", opened)
        finally:
            server.terminate()
            server.wait(timeout=20)


def git(*args, cwd):
    return run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=cwd)


def test_a_learners_runs_never_conflict_with_an_update(tmp_path):
    """Upstream changes notebook 01 and adds a new notebook while the learner has run (and so
    saved) their copy of 01: the pull succeeds, the learner's 01 is kept, and the script copies the
    new notebook and says that 01 has a new version."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("the round trip needs git")
    upstream = copy_of_repository(tmp_path / "upstream")
    git("init", "-q", "-b", "main", cwd=upstream)
    git("add", "-A", cwd=upstream)
    git("commit", "-q", "-m", "the course", cwd=upstream)
    learner = tmp_path / "learner"
    git("clone", "-q", str(upstream), str(learner), cwd=tmp_path)
    script = [sys.executable, "tools/my_notebooks.py"]
    run(script, cwd=learner)
    mine = learner / "my_notebooks" / "01_forward_pass.ipynb"
    notebook = json.loads(mine.read_text())
    notebook["cells"][0]["source"] = ["my notes, and outputs JupyterLab saved"]
    mine.write_text(json.dumps(notebook))  # what running and saving the copy does

    first = upstream / "notebooks" / "01_forward_pass.ipynb"
    first.write_text(first.read_text().replace("forward", "forward (revised)", 1))
    shutil.copy2(first, upstream / "notebooks" / "99_new_material.ipynb")
    git("add", "-A", cwd=upstream)
    git("commit", "-q", "-m", "an update", cwd=upstream)

    git("pull", "-q", "--ff-only", cwd=learner)  # fails if the learner's runs touched tracked files
    assert git("status", "--porcelain", cwd=learner).stdout == ""
    printed = run(script, cwd=learner).stdout
    assert "copied into my_notebooks/: 99_new_material.ipynb" in printed
    assert "notebooks/01_forward_pass.ipynb has a new version" in printed
    assert json.loads(mine.read_text())["cells"][0]["source"] == [
        "my notes, and outputs JupyterLab saved"
    ]
    mine.unlink()  # the learner takes the new version
    assert "copied into my_notebooks/: 01_forward_pass.ipynb" in run(script, cwd=learner).stdout
    assert "forward (revised)" in mine.read_text()
