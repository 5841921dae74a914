"""The editions of the course from one source: tools/editions.py and solutions/.

1. The stubs in notebooks/ are exactly the ones derived from the solutions (`editions.py check`).
2. The learner edition holds no solution: no line of code of a solution's body is a line of a cell
   of any notebook (its code cells, and the code blocks of its Markdown answers), unless rnn_core's
   source has it too (the notebooks print rnn_core's version after each exercise). Every solution
   has lines of its own, so that a leak of any of them would show.
3. The instructor edition builds and every checker passes in it (`editions.py instructor
   --stop-after-last-use`): every cell up to the last one that uses an exercise's function runs,
   the training and timing cells after it do not (about 35 s here, against 2 minutes for the
   whole notebooks).
4. otter-grader grades the instructor edition at full marks and the learner's stubs (notebooks/)
   at zero, for every notebook: notebook 01 as whole notebooks, both editions; the others as
   reduced submissions, the set-up cell and the exercise cells of each edition (a few seconds
   each, where otter takes minutes on the whole of notebooks 05 to 07). Skipped without
   otter-grader (requirements-instructor.txt), unless RNN_CORE_REQUIRE_OTTER=1 (CI), which makes
   a missing otter a failure.
"""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "editions.py"
SPEC = importlib.util.spec_from_file_location("editions", TOOL)
editions = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(editions)

NOTEBOOKS = editions.numbered_notebooks()
FIRST = NOTEBOOKS[0]  # graded as whole notebooks, in both editions


def run_tool(*arguments):
    """Run tools/editions.py in a process of its own; (exit status, stdout, stderr)."""
    done = subprocess.run(
        [sys.executable, str(TOOL), *map(str, arguments)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
        timeout=1200,
    )
    return done.returncode, done.stdout, done.stderr


def exercises_of(path):
    return editions.find_exercises(path, nbformat.read(path, as_version=4))


# --- 1. one source ---


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stubs_are_derived_from_the_solutions(path):
    _, exercises, solutions = editions.load(path)
    assert exercises, f"{path.name} has no exercise"
    assert editions.problems_of(path, exercises, solutions) == []


def test_check_command_passes_and_lists_every_exercise():
    status, out, err = run_tool("check")
    assert status == 0, err
    count = sum(len(exercises_of(path)) for path in NOTEBOOKS)
    assert f"{count} exercises in {len(NOTEBOOKS)} notebooks" in out


def test_every_solution_file_belongs_to_a_notebook():
    stems = {path.stem for path in NOTEBOOKS}
    assert {path.stem for path in editions.SOLUTIONS.glob("*.py")} <= stems


# --- 2. no solution in the learner edition ---


def notebook_code_lines(path):
    """The lines of code of a notebook's cells: code cells and fenced blocks in Markdown."""
    lines = set()
    for cell in nbformat.read(path, as_version=4).cells:
        source = cell.source.splitlines()
        if cell.cell_type == "markdown":
            fenced, inside = [], False
            for line in source:
                if line.strip().startswith("```"):
                    inside = not inside
                elif inside:
                    fenced.append(line)
            source = fenced
        lines.update(editions.code_without_comments(source))
    return lines


def rnn_core_lines():
    lines = set()
    for module in (ROOT / "rnn_core").rglob("*.py"):
        lines.update(editions.code_without_comments(module.read_text().splitlines()))
    return lines


def own_lines(solution, public):
    """The solution's lines of code that rnn_core does not have, bracket-only lines left out."""
    return [
        line
        for line in solution.code_lines()
        if line not in public and any(c.isalnum() for c in line)
    ]


def all_solutions():
    for path in NOTEBOOKS:
        for solution in editions.read_solutions(editions.solutions_path(path)).values():
            yield path, solution


def test_no_solution_line_is_in_any_notebook():
    public = rnn_core_lines()
    in_notebooks = {path.name: notebook_code_lines(path) for path in NOTEBOOKS}
    leaks = [
        f"{solution.where} {solution.name}: {line!r} is in {name}"
        for _, solution in all_solutions()
        for line in own_lines(solution, public)
        for name, lines in in_notebooks.items()
        if line in lines
    ]
    assert leaks == []


def test_every_solution_has_lines_of_its_own():
    public = rnn_core_lines()
    assert [s.where for _, s in all_solutions() if not own_lines(s, public)] == []


# --- 3. the instructor edition ---


@pytest.fixture(scope="module")
def instructor_edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("instructor")
    status, stdout, stderr = run_tool("instructor", "--stop-after-last-use", "--out", out)
    return out, status, stdout, stderr


def test_instructor_edition_builds_and_every_checker_passes(instructor_edition):
    out, status, stdout, stderr = instructor_edition
    assert status == 0, stdout + stderr
    for path in NOTEBOOKS:
        built = nbformat.read(out / path.name, as_version=4)
        _, exercises, solutions = editions.load(path)
        assert f"{path.name}: executed" in stdout
        for exercise in exercises:
            cell = built.cells[exercise.index]
            for function in exercise.functions:
                assert solutions[function.name].solution in cell.source
            assert editions.STUB_CALL not in cell.source
            (result,) = [o for o in cell.outputs if o.output_type == "execute_result"]
            assert "matches rnn_core" in result.data["text/plain"], exercise.label()
        for cell in built.cells:
            assert all(o.output_type != "error" for o in cell.get("outputs", []))
    passed = stdout.count(": passed: ")
    assert passed == sum(len(e.checks) for path in NOTEBOOKS for e in exercises_of(path))


# --- 4. otter-grader ---


@pytest.fixture(scope="module")
def otter_build(tmp_path_factory):
    missing = importlib.util.find_spec("otter") is None
    if missing and not os.environ.get("RNN_CORE_REQUIRE_OTTER"):
        pytest.skip("otter-grader is not installed: pip install -r requirements-instructor.txt")
    out = tmp_path_factory.mktemp("autograder")
    status, stdout, stderr = run_tool("autograder", "--out", out)
    assert status == 0, stdout + stderr
    return out


def reduced(notebook, exercises):
    """A submission of the set-up cell (the first code cell) and the exercise cells, unrun."""
    first = next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code")
    keep = [first, *(exercise.index for exercise in exercises)]
    cells = [nbformat.v4.new_code_cell(notebook.cells[i].source) for i in keep]
    return nbformat.v4.new_notebook(cells=cells, metadata=notebook.metadata)


def test_otter_grades_solutions_full_and_stubs_zero(otter_build, instructor_edition, tmp_path):
    out = instructor_edition[0]
    status, stdout, stderr = run_tool("instructor", "--out", tmp_path / "whole", FIRST)
    assert status == 0, stdout + stderr
    submissions = {}  # path -> (notebook, edition)
    for edition in ("instructor", "learner"):
        whole = tmp_path / "whole" / FIRST.name if edition == "instructor" else FIRST
        folder = (tmp_path / edition).resolve()
        folder.mkdir()
        submissions[folder / FIRST.name] = (FIRST, edition)
        nbformat.write(nbformat.read(whole, as_version=4), folder / FIRST.name)
        for path in NOTEBOOKS[1:]:
            source = out / path.name if edition == "instructor" else path
            notebook = nbformat.read(source, as_version=4)
            nbformat.write(reduced(notebook, exercises_of(path)), folder / path.name)
            submissions[folder / path.name] = (path, edition)
    scores = tmp_path / "scores.json"
    status, stdout, stderr = run_tool(
        "grade", "--autograder", otter_build, "--json", scores, *submissions
    )
    assert status == 0, stdout + stderr
    for row in json.loads(scores.read_text()):
        path, edition = submissions[Path(row["submission"])]
        names = sorted(exercise.name for exercise in exercises_of(path))
        assert sorted(row["questions"]) == names, row
        assert row["possible"] == len(names), row
        expected = len(names) if edition == "instructor" else 0
        assert row["score"] == expected, (edition, row)
