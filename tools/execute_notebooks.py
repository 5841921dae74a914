"""Re-execute every notebook in notebooks/ in a fresh kernel and clean its metadata.

    python tools/execute_notebooks.py              # all notebooks
    python tools/execute_notebooks.py notebooks/02_backpropagation_through_time.ipynb

Run it after editing a notebook, then commit the notebook with its new outputs: the test suite
(nbval) compares every stored output with a fresh run. What it does to each notebook:
- runs all cells top to bottom in a new python3 kernel, from the notebooks/ folder, so execution
  counts are 1..n;
- keeps only the kernelspec and language_info of the notebook metadata and only the tags of each
  cell's metadata (no timings, no ids of this machine);
- drops the saved widget state (`metadata.widgets`) and the widget views in cell outputs, whose
  random ids would change on every run and which point to no saved state: a dashboard cell keeps
  its text form, and widgets appear when the learner runs the cells.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
KEEP_NOTEBOOK_METADATA = ("kernelspec", "language_info")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def run_and_clean(notebook, path, extra_arguments=()):
    """Execute `notebook` in a fresh python3 kernel from the folder of `path`, then clean it: only
    the kernelspec and language_info of its metadata, only the tags of each cell's, no widget
    views in the outputs (a saved view without its widget state shows as nothing). Validated."""
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": str(path.parent)}},
        extra_arguments=list(extra_arguments),
    )
    client.execute()
    notebook.metadata = {k: v for k, v in notebook.metadata.items() if k in KEEP_NOTEBOOK_METADATA}
    for cell in notebook.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k == "tags"}
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)
    nbformat.validate(notebook)


def execute(path):
    notebook = nbformat.read(path, as_version=4)
    run_and_clean(notebook, path)
    nbformat.write(notebook, path)


def main(arguments):
    paths = [Path(a).resolve() for a in arguments] or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    total = time.perf_counter()
    for path in paths:
        start = time.perf_counter()
        execute(path)
        print(f"{path.relative_to(ROOT)}: executed in {time.perf_counter() - start:.1f} s")
    print(f"{len(paths)} notebooks in {time.perf_counter() - total:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
