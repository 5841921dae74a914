"""The course in three editions from one source: the learner's, the instructor's and otter's.

    python tools/editions.py check
    python tools/editions.py instructor [--out DIR] [--stop-after-last-use] [NOTEBOOK ...]
    python tools/editions.py autograder [--out DIR] [NOTEBOOK ...]
    python tools/editions.py grade [--autograder DIR | --zip ZIP] [--json FILE] [--report] NB...

One source. Every coding exercise of notebooks/NN_name.ipynb is a code cell that imports its
checker, defines one (or more) `def my_...` whose body is hint comments and one
`raise NotImplementedError("...")`, and calls the checker. The worked solution of each such
function is in solutions/NN_name.py, one file per notebook, written as a learner would write it
(numpy, the notebook's own equations and names; the learner's own earlier functions where the
notebook says "or your own"). In that file a function reads

    def my_softmax(z):
        # z: logits of shape (n_y, m). Return probabilities of the same shape;   <- the hint
        # every column sums to 1.
        # stub: raise NotImplementedError("write your softmax here")           <- the marker
        shifted = z - z.max(axis=0, keepdims=True)                              <- the solution
        ...

and the two editions of it are derived, never written twice:
- the stub = the def line, the hint, and the marker's code in place of the marker line;
- the solution = the function without the marker line (the hint stays: it reads as a comment).

The learner edition is notebooks/ itself, which its authors own: this tool never writes there.
`check` says whether every stub in it is exactly the stub derived from its solution, so that
the two cannot drift apart; `instructor` and `autograder` write into _build/ (git ignores it).
A file per notebook, rather than the solutions inside the notebooks' JSON, keeps them plain Python
that ruff checks, that imports on its own, and in which the hint and its answer sit side by side;
everything else of an exercise (its text, the import, the checker call) stays in the notebook,
the one place it is written.

- check: every exercise function of every numbered notebook has a solution, its def block in the
  notebook is exactly the derived stub, and every solution belongs to an exercise; otherwise the
  list of what differs, and exit status 1.
- instructor: every numbered notebook with its stubs replaced by the solutions, executed top to
  bottom in a fresh kernel (nbclient, from notebooks/, metadata cleaned as
  tools/execute_notebooks.py does) and written to DIR (default _build/instructor/). Then every
  checker call of every exercise must have passed, or it exits 1 naming the exercise. The verdicts
  are the CheckResult objects the checkers returned, read in the kernel: a start-up file of the
  kernel (never a cell of the notebook) wraps `Exercise.check` to note each result's `.passed`
  with the execution count of the cell that called it. --stop-after-last-use leaves out the cells
  after the last one that names an exercise's function (a dashboard may take the learner's
  function): from there on the instructor edition runs the learner edition's code, and the
  tests, which use it, need not train the models of notebooks 05 and 07 once more.
- autograder: for each notebook an otter-grader master notebook (DIR/masters/NN_name.ipynb):
  the course notebook, an assignment config cell first, and each exercise a question of 1 point,
  its solution between otter's markers and each of its checker calls a test,
  `result = check_softmax(my_softmax)` then `assert result.passed, str(result)` (a lost point
  shows the checker's explanation). `otter assign` turns it into DIR/NN_name/: the student
  notebook (checked here to have exactly the cells of notebooks/NN_name.ipynb) and the autograder
  zip DIR/NN_name/autograder/NN_name-autograder.zip. No assignment name is set, so that a
  learner's own copy of the course notebook (tools/my_notebooks.py) is a valid submission.
- grade: grade submissions with `otter run`'s non-containerised grader, in this environment, and
  print each one's score; each submission is matched to its notebook's zip by its NN_ prefix
  unless --zip is given.

Why otter-grader rather than nbgrader. nbgrader is built around a course: a course directory
with source/release/submitted/autograded folders, a gradebook database, and a formgrader server
for exchanging and grading. otter needs none of that: `otter assign` turns one master notebook
into a student notebook and a self-contained autograder zip, `otter run` grades one submission
offline in the current environment without Docker (the zip is also the one otter's Docker
grader and Gradescope take; their images would need rnn_core, which this export does not add),
and its tests are plain Python next to the solution, so a test here is the exercise's own
checker call with `.passed` asserted. Our stubs and checkers already are the
student side; otter only has to add the points.

Only `autograder` and `grade` need otter-grader (requirements-instructor.txt); `check` and
`instructor` need no more than requirements.txt.
"""

import argparse
import ast
import difflib
import io
import json
import os
import shutil
import sys
import tempfile
import time
import tokenize
from dataclasses import dataclass
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/, also when imported by a test
from execute_notebooks import run_and_clean

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOLUTIONS = ROOT / "solutions"
BUILD = ROOT / "_build"
MARKER = "# stub: "
STUB_CALL = "raise NotImplementedError("
# No cell of otter's in the student notebook (it stays the course notebook: the learner has the
# checkers), and no run of the tests at assign time (`instructor` verifies the solutions).
ASSIGNMENT_CONFIG = """\
# ASSIGNMENT CONFIG
init_cell: false
check_all_cell: false
export_cell: false
run_tests: false
generate: true
"""
# The lines otter assign would rewrite in any cell; a solution must not end a line with them.
OTTER_SUFFIXES = ("# SOLUTION", "# SOLUTION NO PROMPT", "# SEED", "# IGNORE", "# END IGNORE")


class EditionError(Exception):
    """A problem in the solutions or the notebooks that stops a command (the message says which)."""


# --- the solutions ---


@dataclass
class Solution:
    """One function of solutions/NN_name.py, split into the parts the two editions share."""

    name: str
    header: list  # the def line (or lines, for a long signature)
    hint: list  # the comment lines the learner sees
    stub_line: str  # the marker's code, indented like the body
    body: list  # the solution's lines after the marker
    where: str  # file:line, for messages

    @property
    def stub(self):
        return "\n".join([*self.header, *self.hint, self.stub_line])

    @property
    def solution(self):
        return "\n".join([*self.header, *self.hint, *self.body])

    def code_lines(self):
        """The body's lines of code without their comments, stripped (blank lines left out)."""
        return code_without_comments(self.body)


def header_length(lines):
    """How many of `lines` (a function's source) its def header takes: up to the `:` that ends
    the signature, outside any brackets."""
    depth = 0
    tokens = tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline)
    for token in tokens:
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
        elif token.type == tokenize.OP and token.string == ":" and depth == 0:
            return token.end[0]
    raise EditionError(f"no end of the def line in {lines[0]!r}")


def read_solutions(path):
    """{function name: Solution} of a solutions file; EditionError if one is malformed."""
    text = path.read_text()
    lines = text.splitlines()
    solutions = {}
    for node in ast.parse(text, filename=str(path)).body:
        if not (isinstance(node, ast.FunctionDef) and node.name.startswith("my_")):
            continue
        where = f"{path.relative_to(ROOT)}:{node.lineno}"
        function = lines[node.lineno - 1 : node.end_lineno]
        n = header_length(function)
        header, rest = function[:n], function[n:]
        k = 0
        while k < len(rest) and rest[k].strip().startswith("#") and MARKER not in rest[k]:
            k += 1
        if k == len(rest) or not rest[k].strip().startswith(MARKER):
            raise EditionError(
                f"{where}: {node.name} has no marker line `{MARKER}...` right after its hint "
                "comments"
            )
        marker = rest[k]
        indent = marker[: len(marker) - len(marker.lstrip())]
        solutions[node.name] = Solution(
            node.name,
            header,
            rest[:k],
            indent + marker.strip()[len(MARKER) :],
            rest[k + 1 :],
            where,
        )
    return solutions


def code_without_comments(lines):
    """Each line of code in `lines` with its comment removed, stripped; blank lines left out."""
    found = []
    for line in lines:
        code = line
        try:
            for token in tokenize.generate_tokens(io.StringIO(line.strip() + "\n").readline):
                if token.type == tokenize.COMMENT:
                    code = line.strip()[: token.start[1]]
                    break
        except (tokenize.TokenError, IndentationError, SyntaxError):
            pass  # a line of a longer statement: compared as it is
        if code.strip():
            found.append(code.strip())
    return found


# --- the exercises in the notebooks ---


@dataclass
class Function:
    """One `def my_...` of an exercise cell: its lines [start, end) in the cell, and its text."""

    name: str
    start: int
    end: int
    text: str


@dataclass
class Exercise:
    """One exercise cell of a notebook."""

    notebook: Path
    index: int  # the cell's index in the notebook
    functions: list  # Function, in the order of the cell
    checks: list  # the source of each checker call, as written in the cell
    imports: list  # the cell's `from rnn_core.checkers import ...` lines

    @property
    def name(self):
        return "__".join(f.name for f in self.functions)

    def label(self):
        return f"{self.notebook.name} cell {self.index} ({', '.join(self.function_names)})"

    @property
    def function_names(self):
        return [f.name for f in self.functions]


def numbered_notebooks(selected=()):
    """The numbered notebooks of notebooks/, or those given on the command line."""
    if selected:
        paths = [Path(p).resolve() for p in selected]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise EditionError(f"no such notebook: {', '.join(missing)}")
        return paths
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def find_exercises(path, notebook):
    """Every exercise cell of the notebook (cells containing `raise NotImplementedError(`)."""
    exercises = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or STUB_CALL not in cell.source:
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError as error:
            raise EditionError(f"{path.name} cell {index}: not Python ({error})") from None
        lines = cell.source.splitlines()
        functions, checks, imports = [], [], []
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("my_"):
                text = "\n".join(lines[node.lineno - 1 : node.end_lineno])
                functions.append(Function(node.name, node.lineno - 1, node.end_lineno, text))
            elif isinstance(node, (ast.Expr, ast.Assign)) and is_checker_call(node.value):
                checks.append(ast.get_source_segment(cell.source, node.value))
            elif isinstance(node, ast.ImportFrom) and node.module == "rnn_core.checkers":
                imports.append(ast.get_source_segment(cell.source, node))
        if not functions:
            raise EditionError(f"{path.name} cell {index}: a stub without a `def my_...`")
        if not checks:
            raise EditionError(f"{path.name} cell {index}: an exercise without a checker call")
        exercises.append(Exercise(path, index, functions, checks, imports))
    return exercises


def is_checker_call(node):
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id.startswith("check_")
    )


def solutions_path(notebook_path):
    return SOLUTIONS / f"{notebook_path.stem}.py"


def load(path):
    """(notebook, its exercises, its solutions): solutions {} when the notebook has no file."""
    notebook = nbformat.read(path, as_version=4)
    exercises = find_exercises(path, notebook)
    source = solutions_path(path)
    solutions = read_solutions(source) if source.exists() else {}
    return notebook, exercises, solutions


def problems_of(path, exercises, solutions):
    """What keeps the notebook's stubs from being the ones derived from its solutions."""
    source = solutions_path(path).relative_to(ROOT)
    problems, used = [], set()
    if exercises and not solutions:
        problems.append(f"{path.name}: {len(exercises)} exercises, and no {source}")
        return problems
    for exercise in exercises:
        for function in exercise.functions:
            solution = solutions.get(function.name)
            if solution is None:
                problems.append(f"{exercise.label()}: {function.name} has no solution in {source}")
                continue
            used.add(function.name)
            if function.text != solution.stub:
                diff = difflib.unified_diff(
                    function.text.splitlines(),
                    solution.stub.splitlines(),
                    f"{path.name} cell {exercise.index}",
                    f"the stub derived from {solution.where}",
                    lineterm="",
                )
                problems.append(
                    f"{exercise.label()}: {function.name} differs from its derived stub:\n"
                    + "\n".join("    " + line for line in diff)
                )
            for line in solution.body:
                if line.rstrip().endswith(OTTER_SUFFIXES):
                    problems.append(f"{solution.where}: a line ends with an otter marker: {line}")
    for name in sorted(set(solutions) - used):
        problems.append(f"{solutions[name].where}: {name} is no exercise of {path.name}")
    return problems


def command_check(arguments):
    paths = numbered_notebooks(arguments.notebooks)
    problems, count = [], 0
    for path in paths:
        _, exercises, solutions = load(path)
        problems += problems_of(path, exercises, solutions)
        for exercise in exercises:
            count += 1
            print(f"{exercise.label()}: {'; '.join(exercise.checks)}")
    stale = {p.stem for p in SOLUTIONS.glob("[0-9][0-9]_*.py")} - {p.stem for p in paths}
    if not arguments.notebooks:
        problems += [f"solutions/{stem}.py: no notebook notebooks/{stem}.ipynb" for stem in stale]
    if problems:
        print(f"\n{len(problems)} problems:", file=sys.stderr)
        for problem in problems:
            print(f"- {problem}", file=sys.stderr)
        return 1
    print(f"{count} exercises in {len(paths)} notebooks: every stub is derived from its solution")
    return 0


# --- the instructor edition ---


def with_solutions(notebook, exercises, solutions, *, marked=False):
    """A copy of the notebook with each stub replaced by its solution (or, marked, by the
    solution between otter's markers, whose student version is the stub again)."""
    notebook = nbformat.from_dict(json.loads(json.dumps(notebook)))
    for exercise in exercises:
        cell = notebook.cells[exercise.index]
        lines = cell.source.splitlines()
        for function in reversed(exercise.functions):  # from the bottom: the indices hold
            solution = solutions[function.name]
            text = otter_marked(solution) if marked else solution.solution
            lines[function.start : function.end] = text.splitlines()
        cell.source = "\n".join(lines) + ("\n" if cell.source.endswith("\n") else "")
    return notebook


def otter_marked(solution):
    """The function as otter assign reads it: the stub's last line as the prompt (inside a string,
    so the solution never runs it), and the body between the solution markers."""
    indent = solution.stub_line[: len(solution.stub_line) - len(solution.stub_line.lstrip())]
    return "\n".join(
        [
            *solution.header,
            *solution.hint,
            f'{indent}""" # BEGIN PROMPT',
            solution.stub_line,
            f'{indent}""" # END PROMPT',
            f"{indent}# BEGIN SOLUTION NO PROMPT",
            *solution.body,
            f"{indent}# END SOLUTION",
        ]
    )


RECORDER = """\
def _editions_recorder(path):
    # tools/editions.py: note the verdict of every checker call, with its cell's execution count.
    import functools
    import json

    from IPython import get_ipython
    from rnn_core.checkers import engine

    check, pending = engine.Exercise.check, []

    @functools.wraps(check)
    def noted(self, *args, **kwargs):
        result = check(self, *args, **kwargs)
        passed = bool(result.passed)
        pending.append({"name": result.name, "passed": passed, "message": result.message})
        return result

    def write(outcome):
        with open(path, "a") as file:
            for verdict in pending:
                verdict = {"execution_count": outcome.execution_count, **verdict}
                file.write(json.dumps(verdict) + "\\n")
        pending.clear()

    engine.Exercise.check = noted
    get_ipython().events.register("post_run_cell", write)
"""


def execute(notebook, path, verdicts_file):
    """Run the notebook in a fresh kernel from the folder of `path`, with the recorder started in
    the kernel; cleaned as tools/execute_notebooks.py cleans the course's notebooks."""
    startup = verdicts_file.with_suffix(".startup.py")
    call = f"_editions_recorder({str(verdicts_file)!r})\ndel _editions_recorder\n"
    startup.write_text(f"{RECORDER}\n\n{call}")
    run_and_clean(notebook, path, [f"--IPKernelApp.exec_files={startup}"])


def verdict_problems(notebook, exercises, verdicts):
    """What is wrong with the checkers' verdicts of an executed instructor notebook."""
    problems = []
    by_count = {}
    for verdict in verdicts:
        by_count.setdefault(verdict["execution_count"], []).append(verdict)
    exercise_counts = set()
    for exercise in exercises:
        count = notebook.cells[exercise.index].execution_count
        exercise_counts.add(count)
        found = by_count.get(count, [])
        if len(found) != len(exercise.checks):
            problems.append(
                f"{exercise.label()}: {len(exercise.checks)} checker calls, "
                f"{len(found)} verdicts noted"
            )
        for verdict in found:
            if not verdict["passed"]:
                problems.append(f"{exercise.label()}: did not pass: {one_line(verdict)}")
    for count, found in by_count.items():
        for verdict in found:
            if count not in exercise_counts and not verdict["passed"]:
                problems.append(f"cell [{count}]: a checker did not pass: {one_line(verdict)}")
    return problems


def last_use(notebook, exercises):
    """The index of the last code cell that names one of the exercises' functions: after it, the
    instructor edition runs the learner edition's code."""
    names = {name for exercise in exercises for name in exercise.function_names}
    uses = [
        index
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and names & set(identifiers(cell.source))
    ]
    return max(uses)


def identifiers(source):
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return source.split()
    return [token.string for token in tokens if token.type == tokenize.NAME]


def one_line(verdict):
    return " ".join(verdict["message"].split())


def command_instructor(arguments):
    out = Path(arguments.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    failed, total = [], time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        for path in numbered_notebooks(arguments.notebooks):
            notebook, exercises, solutions = load(path)
            problems = problems_of(path, exercises, solutions)
            if problems:
                raise EditionError("run `check` first:\n" + "\n".join(problems))
            solved = with_solutions(notebook, exercises, solutions)
            if arguments.stop_after_last_use and exercises:
                solved.cells = solved.cells[: last_use(notebook, exercises) + 1]
            verdicts_file = Path(scratch) / f"{path.stem}.jsonl"
            start = time.perf_counter()
            execute(solved, path, verdicts_file)
            text = verdicts_file.read_text() if verdicts_file.exists() else ""
            verdicts = [json.loads(line) for line in text.splitlines()]
            nbformat.write(solved, out / path.name)
            problems = verdict_problems(solved, exercises, verdicts)
            seconds = time.perf_counter() - start
            print(
                f"{path.name}: executed in {seconds:.1f} s, {len(solved.cells)} cells, "
                f"{len(exercises)} exercises, {len(verdicts)} checker verdicts"
            )
            for exercise in exercises:
                count = solved.cells[exercise.index].execution_count
                for verdict in verdicts:
                    if verdict["execution_count"] == count:
                        mark = "passed" if verdict["passed"] else "FAILED"
                        names = ", ".join(exercise.function_names)
                        print(f"    {names}: {mark}: {one_line(verdict)}")
            failed += problems
    print(f"written to {out} in {time.perf_counter() - total:.1f} s")
    if failed:
        print(f"\n{len(failed)} exercises did not pass:", file=sys.stderr)
        for problem in failed:
            print(f"- {problem}", file=sys.stderr)
        return 1
    return 0


# --- the otter-grader export ---


def master_notebook(notebook, exercises, solutions):
    """The otter assign master notebook of a course notebook: the config cell, then the
    notebook's cells, each exercise cell inside a question block with its tests."""
    marked = with_solutions(notebook, exercises, solutions, marked=True)
    raw = nbformat.v4.new_raw_cell
    by_index = {exercise.index: exercise for exercise in exercises}
    cells = [raw(ASSIGNMENT_CONFIG)]
    for index, cell in enumerate(marked.cells):
        exercise = by_index.get(index)
        if exercise is None:
            cells.append(cell)
            continue
        tests = [
            nbformat.v4.new_code_cell("\n".join([*exercise.imports, "", *test_lines(check)]))
            for check in exercise.checks
        ]
        cells += [
            raw(f"# BEGIN QUESTION\nname: {exercise.name}\npoints: 1\ncheck_cell: false"),
            raw("# BEGIN SOLUTION"),
            cell,
            raw("# END SOLUTION"),
            raw("# BEGIN TESTS"),
            *tests,
            raw("# END TESTS"),
            raw("# END QUESTION"),
        ]
    marked.cells = cells
    return marked


def test_lines(check):
    """An otter test of one checker call: the call, and its verdict asserted (which, when it
    fails, shows the checker's explanation in otter's report)."""
    return [f"result = {check}", "assert result.passed, str(result)"]


def same_cells(a, b):
    """The cells of `a` that differ from those of `b` in type or source, as messages."""
    if len(a.cells) != len(b.cells):
        return [f"{len(a.cells)} cells instead of {len(b.cells)}"]
    return [
        f"cell {i} differs"
        for i, (x, y) in enumerate(zip(a.cells, b.cells))
        if x.cell_type != y.cell_type or x.source != y.source
    ]


def command_autograder(arguments):
    import otter.assign

    out = Path(arguments.out).resolve()
    masters = out / "masters"
    masters.mkdir(parents=True, exist_ok=True)
    problems, total = [], time.perf_counter()
    for path in numbered_notebooks(arguments.notebooks):
        notebook, exercises, solutions = load(path)
        found = problems_of(path, exercises, solutions)
        if found:
            raise EditionError("run `check` first:\n" + "\n".join(found))
        if not exercises:
            continue
        start = time.perf_counter()
        master = masters / path.name
        nbformat.write(master_notebook(notebook, exercises, solutions), master)
        result = out / path.stem
        shutil.rmtree(result, ignore_errors=True)
        otter.assign.main(str(master), str(result), no_pdfs=True, no_run_tests=True)
        (made,) = (result / "autograder").glob(f"{path.stem}-autograder_*.zip")
        made.rename(result / "autograder" / f"{path.stem}-autograder.zip")
        student = nbformat.read(result / "student" / path.name, as_version=4)
        differences = same_cells(student, notebook)
        problems += [f"{path.name}: otter's student notebook: {d}" for d in differences]
        print(
            f"{path.name}: {len(exercises)} questions, 1 point each; "
            f"{result.relative_to(out)}/autograder/{path.stem}-autograder.zip "
            f"in {time.perf_counter() - start:.1f} s"
        )
    print(f"written to {out} in {time.perf_counter() - total:.1f} s")
    if problems:
        print("\n".join(f"- {p}" for p in problems), file=sys.stderr)
        return 1
    return 0


def autograder_zip(submission, arguments):
    if arguments.zip:
        return Path(arguments.zip).resolve()
    number = submission.name[:3]
    found = sorted(Path(arguments.autograder).resolve().glob(f"{number}*/autograder/*.zip"))
    if len(found) != 1 or not number[:2].isdigit():
        raise EditionError(
            f"{submission.name}: no autograder zip for its number in {arguments.autograder} "
            "(name the submission NN_..., or pass --zip)"
        )
    return found[0]


def failure(test_file):
    """Why a question lost points: the checker's explanation from the failed assert, in one line
    (or otter's own message when something else failed)."""
    texts = []
    for case in test_file.test_case_results:
        if case.passed:
            continue
        message = case.message or ""
        start = message.find("AssertionError: ")
        text = message[start + len("AssertionError: ") :] if start >= 0 else message
        texts.append(" ".join(text.split()))
    return "; ".join(texts)


def command_grade(arguments):
    from otter.api import grade_submission

    rows = []
    for submission in (Path(s).resolve() for s in arguments.submissions):
        start = time.perf_counter()
        ag_zip = autograder_zip(submission, arguments)
        results = grade_submission(str(submission), str(ag_zip), quiet=not arguments.report)
        seconds = time.perf_counter() - start
        if results.catastrophic_error:
            raise EditionError(f"{submission}: grading failed: {results.catastrophic_error}")
        scores = {name: results.get_score(name) for name in results.test_files}
        why = {name: failure(results.get_result(name)) for name in results.test_files}
        rows.append(
            {
                "submission": str(submission),
                "score": results.total,
                "possible": results.possible,
                "questions": scores,
                "failures": {name: text for name, text in why.items() if text},
                "seconds": round(seconds, 1),
            }
        )
        print(f"{submission.name}: {results.total:g} / {results.possible:g} in {seconds:.1f} s")
        for name, score in scores.items():
            print(f"    {name}: {score:g}" + (f"  ({why[name]})" if why[name] else ""))
    if arguments.json:
        Path(arguments.json).write_text(json.dumps(rows, indent=1) + "\n")
    return 0


def parser():
    main = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = main.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="the stubs in notebooks/ are the derived ones")
    check.add_argument("notebooks", nargs="*", help="notebooks (default: every numbered one)")
    check.set_defaults(run=command_check)
    instructor = commands.add_parser("instructor", help="build and verify the instructor edition")
    instructor.add_argument("--out", default=str(BUILD / "instructor"))
    instructor.add_argument(
        "--stop-after-last-use",
        action="store_true",
        help="leave out the cells after the last one that uses an exercise's function",
    )
    instructor.add_argument("notebooks", nargs="*")
    instructor.set_defaults(run=command_instructor)
    autograder = commands.add_parser("autograder", help="otter-grader master notebooks and zips")
    autograder.add_argument("--out", default=str(BUILD / "autograder"))
    autograder.add_argument("notebooks", nargs="*")
    autograder.set_defaults(run=command_autograder)
    grade = commands.add_parser("grade", help="grade submissions with otter, without Docker")
    grade.add_argument("--autograder", default=str(BUILD / "autograder"))
    grade.add_argument("--zip", help="the autograder zip (default: by the submission's NN_)")
    grade.add_argument("--json", help="also write the scores to this file")
    grade.add_argument("--report", action="store_true", help="print otter's own report too")
    grade.add_argument("submissions", nargs="+")
    grade.set_defaults(run=command_grade)
    return main


def main(argv):
    arguments = parser().parse_args(argv)
    try:
        return arguments.run(arguments)
    except EditionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
