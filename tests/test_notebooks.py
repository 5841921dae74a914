"""How the notebooks teach, checked on their files: exercise before answer, an answer for every
question, a time estimate, a length a learner can finish, code that fits the column, prose that
speaks to the learner, and dashboards that leave a picture for a page without a kernel.

These read the .ipynb files only (nbval runs them; tests/test_browser.py opens them in JupyterLab).
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MOST_PROSE_WORDS = 4500  # Markdown outside the closed answers (<details>)
WIDEST_CODE_LINE = 88  # characters: fits the notebook column at 1024 px without scrolling
DETAILS = re.compile(r"<details>.*?</details>", re.DOTALL)
EXERCISE = re.compile(r"\*\*Exercise\b")


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def text(cell):
    return "".join(cell["source"])


@pytest.fixture(params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def notebook(request):
    return request.param


def test_it_opens_with_how_long_it_takes_and_what_it_assumes(notebook):
    first = text(cells(notebook)[0])
    assert re.search(r"About \d+(–\d+)? minutes", first), first[:300]
    assert "Assumes" in first or "assumes" in first, first[:300]


def test_its_prose_outside_the_closed_answers_is_at_most_4500_words(notebook):
    prose = " ".join(text(c) for c in cells(notebook) if c["cell_type"] == "markdown")
    words = len(DETAILS.sub(" ", prose).split())
    assert words <= MOST_PROSE_WORDS, f"{words} words"


def test_no_code_line_needs_horizontal_scrolling(notebook):
    long = [
        (i, line)
        for i, cell in enumerate(cells(notebook))
        if cell["cell_type"] == "code"
        for line in text(cell).splitlines()
        if len(line) > WIDEST_CODE_LINE
    ]
    assert not long, "\n".join(f"cell {i}: {line}" for i, line in long)


HARNESS = re.compile(r"nbval|NBVAL|tests/|test suite|stored output|notebook tests", re.IGNORECASE)


def test_the_page_speaks_to_the_learner_not_to_the_test_set_up(notebook):
    for i, cell in enumerate(cells(notebook)):
        found = HARNESS.search(text(cell))
        assert not found, f"cell {i} mentions {found.group()!r}"


def test_every_coding_exercise_comes_before_rnn_cores_code_for_it(notebook):
    """No cell before `check_<name>(...)` prints the source of rnn_core's `<name>`."""
    shown = {}  # function name -> the first cell that prints its source
    for i, cell in enumerate(cells(notebook)):
        if cell["cell_type"] != "code":
            continue
        source = text(cell)
        for name in re.findall(r"\bcheck_(\w+)\(", source):
            assert name not in shown, (
                f"cell {i} asks for {name}, whose source cell {shown[name]} already printed"
            )
        for line in source.splitlines():
            if "getsource(" in line:
                for name in re.findall(r"(?<![A-Za-z0-9])_?([a-z][a-z0-9_]*)\b", line):
                    shown.setdefault(name.lstrip("_"), i)


def test_every_question_that_is_not_a_coding_exercise_has_a_closed_answer(notebook):
    """An exercise without a checker in the cell after it is answered in a <details> block, in
    its own cell or in the cells that follow it, before the next exercise or section."""
    notebook_cells = cells(notebook)
    for i, cell in enumerate(notebook_cells):
        if cell["cell_type"] != "markdown" or not EXERCISE.search(text(cell)):
            continue
        following = notebook_cells[i + 1 : i + 2]
        if following and following[0]["cell_type"] == "code" and "check_" in text(following[0]):
            continue  # a coding exercise: its checker is its answer
        answer = "<details>" in text(cell).split("**Exercise", 1)[1]
        for later in notebook_cells[i + 1 :]:
            body = text(later)
            heading = later["cell_type"] == "markdown" and re.match(r"#+ ", body)
            if answer or EXERCISE.search(body) or heading:
                break
            answer = later["cell_type"] == "markdown" and "<details>" in body
        assert answer, f"cell {i} asks a question with no closed answer after it"


def test_every_closed_answer_renders_its_markdown(notebook):
    """<details><summary>…</summary>, a blank line, the answer, a blank line, </details>."""
    for i, cell in enumerate(cells(notebook)):
        if cell["cell_type"] != "markdown":
            continue
        body = text(cell)
        assert body.count("<details>") == body.count("</details>"), f"cell {i}"
        for block in DETAILS.findall(body):
            assert re.match(r"<details>\s*<summary>.+?</summary>\n\n", block, re.DOTALL), (
                f"cell {i}: the summary must be followed by a blank line: {block[:80]!r}"
            )
            assert block.endswith("\n\n</details>"), f"cell {i}: a blank line before </details>"


def test_a_saved_dashboard_shows_a_picture_where_no_kernel_runs(notebook):
    for i, cell in enumerate(cells(notebook)):
        for output in cell.get("outputs", []):
            plain = "".join(output.get("data", {}).get("text/plain", ""))
            if re.match(r"\w+Dashboard: ", plain):
                assert "image/png" in output["data"], f"cell {i}: a dashboard with no picture"
            assert not plain.startswith("VBox("), f"cell {i} shows a widget as text"


def test_no_code_cell_is_empty(notebook):
    """JupyterLab's Run All skips an empty cell, which then stays unrun: give it a comment."""
    for i, cell in enumerate(cells(notebook)):
        if cell["cell_type"] == "code":
            assert text(cell).strip(), f"cell {i} is an empty code cell"


# A float printed to all its digits (Python's repr: 16 or 17 significant digits) shows round-off
# that depends on the processor and the BLAS library: nbval would compare it on another machine
# and fail. Round-off-sized numbers (1e-07 and below) are masked by tests/nbval_sanitize.cfg.
FULL_REPR_FLOAT = re.compile(r"\d\.\d{14,}(?!\d*e-(0[7-9]|[1-9]\d))")


def test_no_stored_output_prints_a_float_to_its_last_round_off_digit(notebook):
    for i, cell in enumerate(cells(notebook)):
        for output in cell.get("outputs", []):
            shown = "".join(output.get("text", "")) + "".join(
                output.get("data", {}).get("text/plain", "")
            )
            found = FULL_REPR_FLOAT.search(shown)
            assert not found, (
                f"cell {i} prints {found and found.group()}: round to the digits that hold "
                "on any machine (np.printoptions does not reach a scalar's f-string)"
            )
