"""A course hub's round trip with nbgitpuller: pull, a student's run, an update, pull again.

Hubs hand material to a class with an nbgitpuller link: the first click clones the repository into
the student's home, later clicks merge the updates and keep what the student changed. Here a
JupyterLab with nbgitpuller (in requirements-dev.txt) pulls from a local git repository standing in
for the course's: the student's saved notebook must survive the update, and the update's new
notebook must arrive.
"""

import json
import shutil
import urllib.parse
import urllib.request

import pytest
from test_browser import jupyter_lab
from test_readme import copy_of_repository, git

FIRST = "notebooks/01_forward_pass.ipynb"


def pull(lab, upstream):
    """What the link does: GET /git-pull/api (an event stream) until it finishes."""
    query = urllib.parse.urlencode(
        {"repo": str(upstream), "branch": "main", "targetpath": "course", "token": lab["token"]}
    )
    events = []
    with urllib.request.urlopen(f"{lab['base']}/git-pull/api?{query}", timeout=120) as stream:
        for raw in stream:
            line = raw.decode().strip()
            if line.startswith("data: "):
                events.append(json.loads(line[len("data: ") :]))
                if events[-1].get("phase") in ("finished", "error"):
                    break
    assert events and events[-1]["phase"] == "finished", events[-3:]


def contents(lab, path, model=None):
    """The notebook through JupyterLab's contents API: read it, or save it as the editor does."""
    url = f"{lab['base']}/api/contents/{path}?token={lab['token']}"
    if model is None:
        with urllib.request.urlopen(url) as response:
            return json.load(response)
    body = json.dumps({"type": "notebook", "format": "json", "content": model}).encode()
    request = urllib.request.Request(url, data=body, method="PUT")
    request.add_header("Content-Type", "application/json")
    urllib.request.urlopen(request).close()
    return None


def test_an_update_pulled_by_nbgitpuller_keeps_the_students_work_and_brings_new_material(
    tmp_path,
):
    if shutil.which("git") is None:
        pytest.skip("nbgitpuller needs git")
    upstream = copy_of_repository(tmp_path / "upstream")
    git("init", "-q", "-b", "main", cwd=upstream)
    git("add", "-A", cwd=upstream)
    git("commit", "-q", "-m", "the course", cwd=upstream)
    home = tmp_path / "student"
    home.mkdir()
    with jupyter_lab(tmp_path / "lab", root=home) as lab:
        pull(lab, upstream)  # the first click: a clone
        assert (home / "course" / FIRST).is_file()

        notebook = contents(lab, f"course/{FIRST}")["content"]  # the student runs and saves
        code = next(cell for cell in notebook["cells"] if cell["cell_type"] == "code")
        code["source"] = "# my own note\n" + code["source"]
        code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "my run\n"}]
        contents(lab, f"course/{FIRST}", notebook)

        first = upstream / FIRST  # the instructor's update: notebook 01 changed, one added
        first.write_text(first.read_text().replace("forward pass", "forward pass (revised)", 1))
        shutil.copy2(first, upstream / "notebooks" / "99_new_material.ipynb")
        git("add", "-A", cwd=upstream)
        git("commit", "-q", "-m", "an update", cwd=upstream)

        pull(lab, upstream)  # the second click: a merge
        assert (home / "course" / "notebooks" / "99_new_material.ipynb").is_file()
        mine = json.loads((home / "course" / FIRST).read_text())
        code = next(cell for cell in mine["cells"] if cell["cell_type"] == "code")
        assert "".join(code["source"]).startswith("# my own note\n")
        assert "".join(code["outputs"][0]["text"]) == "my run\n"
        # the instructor's change to another cell of the same notebook is merged in beside it
        assert "forward pass (revised)" in (home / "course" / FIRST).read_text()
