"""The Binder configuration: repo2docker's own build plan, and that build simulated.

`repo2docker --no-build` (repo2docker is in requirements-dev.txt) prints the Dockerfile it would
build for this repository without building it; the first test asserts that plan. The simulated
build below then runs the plan's Python steps in a fresh virtual environment, imports there every
module the notebooks import and executes the first notebook, which the plan alone cannot show (that
the install works and the notebooks run on what it installs; nbval runs every notebook, in the
test environment).

repo2docker, for a repository with a `binder/` folder (which makes it ignore configuration at the
root, including our pyproject.toml), does this for the Python buildpack:
1. a Python of the version in binder/runtime.txt;
2. from the repository's root: `pip install --no-cache-dir -r "binder/requirements.txt"` (after
   copying the whole repository in, because the file has local references: `-r`, `-e .`);
3. `./binder/postBuild`, from the root, as the notebook user;
4. JupyterLab on the notebooks.

This test repeats 1-3 in a fresh virtual environment, on a copy of the repository's files, with the
Python of runtime.txt if it is installed here (otherwise the Python running the tests, the nearest
one here), then imports every module any notebook imports with that environment's Python and
executes notebook 01 (the one the Binder link opens) in its own kernel.

What it does not cover: no Docker image is built (no Docker engine runs here), so not repo2docker's
own base environment (its conda Python, its pinned JupyterLab and notebook server, the jovyan user
without root), not BinderHub's launch and the `urlpath` redirect, and not the network at build time.
"""

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"


def runtime_version():
    text = (BINDER / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(\d+)\.(\d+)", text)
    assert match, f"binder/runtime.txt reads {text!r}; repo2docker expects python-X.Y"
    return int(match.group(1)), int(match.group(2))


def test_binder_files_follow_repo2docker():
    assert runtime_version() >= (3, 10)
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable"
    commands = [
        line.strip()
        for line in post_build.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert commands[0] == "set -e", (
        "repo2docker ignores failures in postBuild unless it starts with set -e"
    )
    requirements = (BINDER / "requirements.txt").read_text()
    assert "-r ../requirements.txt" in requirements.splitlines()
    assert "-e ." in (ROOT / "requirements.txt").read_text()


def test_repo2docker_plans_the_build_this_repository_expects(tmp_path):
    """The Python of runtime.txt, the repository copied in before binder/requirements.txt is
    installed from its root (the file has local references, -r and -e .), then postBuild."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("repo2docker's plan is read from a copy of the repository's files")
    repo = tmp_path / "repo"  # what a clone holds: no .venv, no build outputs
    for name in repository_files():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, repo / name)
    repo2docker = Path(sys.executable).parent / "repo2docker"
    plan = run(
        [repo2docker, "--no-build", "--debug", "--user-id", "1000", "--user-name", "jovyan",
         str(repo)],
        cwd=tmp_path,
    )  # fmt: skip
    lines = (plan.stdout + plan.stderr).splitlines()
    major, minor = runtime_version()
    assert any(f"python={major}.{minor}" in line for line in lines), "\n".join(lines[:10])

    def first(pattern):
        found = [i for i, line in enumerate(lines) if re.search(pattern, line)]
        assert found, f"no line of the plan matches {pattern!r}"
        return found[0]

    copy_all = first(r"^COPY .*\bsrc/ \$\{REPO_DIR\}/")
    install = first(r'^RUN .*pip install --no-cache-dir -r "binder/requirements\.txt"')
    post_build = first(r"^RUN \./binder/postBuild")
    assert copy_all < install < post_build
    # the root's requirements.txt and pyproject.toml are not read on their own: binder/ wins
    assert not [line for line in lines if re.search(r'-r "requirements\.txt"', line)]


def test_readme_binder_link_opens_the_first_notebook():
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"https://mybinder\.org/v2/gh/[^)\s]+", readme)
    assert links, "the README has no Binder link"
    for link in links:
        if "urlpath=" in link:
            path = link.split("urlpath=lab/tree/", 1)[1]
            assert (ROOT / path).is_file(), f"the Binder link opens {path}, which does not exist"


def repository_files():
    """The files a clone would have: tracked, plus untracked files that git does not ignore."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def find_python(version):
    candidate = shutil.which(f"python{version[0]}.{version[1]}")
    return candidate or sys.executable


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, (
        f"{' '.join(map(str, command))} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result


def test_simulated_binder_build_imports_what_the_notebooks_import_and_runs_the_first(tmp_path):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("the simulated Binder build copies the repository's files with git")
    repo = tmp_path / "repo"
    for name in repository_files():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, repo / name)

    python = find_python(runtime_version())
    env_dir = tmp_path / "env"
    run([python, "-m", "venv", str(env_dir)])
    bin_dir = env_dir / "bin"
    isolated = tmp_path / "home"
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON", "MPL"))},
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(env_dir),
        "JUPYTER_CONFIG_DIR": str(isolated / "jupyter_config"),
        "JUPYTER_DATA_DIR": str(isolated / "jupyter_data"),
        "JUPYTER_RUNTIME_DIR": str(isolated / "jupyter_runtime"),
        "IPYTHONDIR": str(isolated / "ipython"),
        "MPLCONFIGDIR": str(isolated / "matplotlib"),
    }
    # repo2docker's step 2, from the root of the repository
    run(
        [bin_dir / "pip", "install", "-q", "-r", "binder/requirements.txt"],
        cwd=repo,
        env=environment,
    )
    # step 3
    run(["./binder/postBuild"], cwd=repo, env=environment)

    # rnn_core is importable, from the copy (the `-e .`), with no sys.path tricks
    where = run(
        [
            bin_dir / "python",
            "-c",
            "import rnn_core, os; print(os.path.dirname(rnn_core.__file__))",
        ],
        cwd=repo / "notebooks",
        env=environment,
    ).stdout.strip()
    assert Path(where) == repo / "rnn_core"

    # Every module any notebook imports imports there (nbval runs the notebooks themselves in the
    # test environment, which has more packages: this is what could differ on Binder) ...
    notebooks = sorted((repo / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert notebooks
    modules = sorted(set().union(*(notebook_imports(notebook) for notebook in notebooks)))
    assert {"numpy", "rnn_core", "rnn_core.plots", "rnn_core.widgets"} <= set(modules), modules
    optional = {"torch"}  # notebook 06 compares with PyTorch only where it is installed
    importing = "\n".join(f"import {name}" for name in modules if name not in optional)
    run([bin_dir / "python", "-c", importing], cwd=repo / "notebooks", env=environment)
    # ... and the notebook Binder opens runs there from top to bottom, in that environment's kernel.
    first = notebooks[0]
    out = tmp_path / "executed"
    run(
        [bin_dir / "jupyter", "nbconvert", "--to", "notebook", "--execute",
         "--ExecutePreprocessor.kernel_name=python3", "--ExecutePreprocessor.timeout=600",
         "--output-dir", str(out), str(first)],
        cwd=repo / "notebooks",
        env=environment,
    )  # fmt: skip
    executed = json.loads((out / first.name).read_text())
    for i, cell in enumerate(executed["cells"]):
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", f"{first.name} cell {i}: {output}"
            assert output.get("name") != "stderr", f"{first.name} cell {i}: {output['text']}"


def notebook_imports(path):
    """The modules a notebook's code cells import (`import a.b`, `from a.b import c`: a.b), and
    for `from a import b` also a.b when a.b is a module of rnn_core (rnn_core.plots, ...)."""
    names = set()
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                if node.module == "rnn_core":
                    names.update(
                        f"rnn_core.{alias.name}"
                        for alias in node.names
                        if (ROOT / "rnn_core" / f"{alias.name}.py").exists()
                        or (ROOT / "rnn_core" / alias.name).is_dir()
                    )
    return names
