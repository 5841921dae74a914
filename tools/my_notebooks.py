"""Your own copy of the notebooks, so that running them never conflicts with an update.

    python tools/my_notebooks.py

JupyterLab saves a notebook with its outputs every time you run it. If you ran the notebooks in
notebooks/ themselves, the next `git pull` that brings a new version of one of them would stop with
"your local changes would be overwritten". So you work in my_notebooks/ instead (git ignores it):

- a notebook that is not in my_notebooks/ yet is copied there (the first time: all of them; after an
  update: the new ones);
- a notebook that is already there is never touched: it is yours, with your code and your outputs;
- when the original of one of your copies has changed since it was copied (an update brought a new
  version), this script says so; to take the new version, rename or delete your copy and run this
  script again (your copy is kept until you do).

Run it again after every `git pull`; the open command in the README runs it for you.
"""

import hashlib
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORIGINALS = ROOT / "notebooks"
COPIES = ROOT / "my_notebooks"
RECORD = COPIES / ".copied-from.json"  # the digest of each original when it was copied


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def update(originals=ORIGINALS, copies=COPIES):
    """Copy the new notebooks; return (copied, changed): the names copied now, and the names of
    copies whose original differs from the one they were copied from."""
    copies.mkdir(exist_ok=True)
    record_path = copies / RECORD.name
    record = json.loads(record_path.read_text()) if record_path.exists() else {}
    copied, changed = [], []
    for original in sorted(originals.glob("[0-9][0-9]_*.ipynb")):
        copy = copies / original.name
        if not copy.exists():
            shutil.copy2(original, copy)
            record[original.name] = digest(original)
            copied.append(original.name)
        elif record.get(original.name) not in (None, digest(original)):
            changed.append(original.name)
    record_path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    return copied, changed


def main():
    copied, changed = update()
    where = COPIES.relative_to(ROOT)
    if copied:
        print(f"copied into {where}/: {', '.join(copied)}")
    else:
        print(f"{where}/ has every notebook already; nothing copied")
    for name in changed:
        print(
            f"notebooks/{name} has a new version since you copied it. Your {where}/{name} is "
            "kept; to take the new version, rename or delete it and run this script again."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
