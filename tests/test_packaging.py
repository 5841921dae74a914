"""What an adopter gets: the package as built by `python -m build`, its licences and citation.

The build runs in an isolated environment (setuptools from the package index, as for any user), so
this test reads the same warnings a maintainer would see. The source distribution is the package
alone, on purpose (MANIFEST.in): the tests need the whole repository.
"""

import json
import os
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_FILES = sorted(
    p.relative_to(ROOT).as_posix()
    for p in (ROOT / "rnn_core").rglob("*")
    if p.suffix in (".py", ".txt") and "__pycache__" not in p.parts
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    # PYTHONDONTWRITEBYTECODE (set on some machines) makes setuptools warn that it skips
    # byte-compiling: a warning of the environment, not of the project
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    result = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    return out, log


def test_the_build_prints_no_warning(built):
    _, log = built
    warnings = [line for line in log.splitlines() if "warn" in line.lower()]
    assert not warnings, "\n".join(warnings)


def test_the_wheel_holds_every_module_the_corpora_and_the_licence(built):
    out, _ = built
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        fields = Parser().parsestr(archive.read(metadata).decode())
    assert set(PACKAGE_FILES) <= names, sorted(set(PACKAGE_FILES) - names)
    assert "rnn_core/checkers/engine.py" in names and "rnn_core/data/coriolanus.txt" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert fields["License-Expression"] == "MIT"
    assert fields["Author"] == "The rnn-core course authors"
    assert "numpy>=1.24" in fields.get_all("Requires-Dist")


def test_the_sdist_is_the_package_alone(built):
    out, _ = built
    (sdist,) = out.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = [name.split("/", 1)[1] for name in archive.getnames() if "/" in name]
    assert not [n for n in names if n.startswith(("tests/", "notebooks/", "tools/"))]
    assert {"LICENSE", "README.md", "pyproject.toml", *PACKAGE_FILES} <= set(names)


def test_the_citation_file_validates_against_the_citation_file_format_schema():
    # The schema of Citation File Format 1.2.0 (CC BY 4.0, the citation-file-format project),
    # kept in tests/data so that the test runs offline.
    schema = json.loads((ROOT / "tests/data/citation-file-format-1.2.0.schema.json").read_text())
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(citation)
    assert citation["license"] == ["MIT", "CC-BY-4.0"]


def test_the_readme_names_both_licences_and_their_files():
    readme = (ROOT / "README.md").read_text()
    for phrase in ("MIT", "CC BY 4.0", "(LICENSE)", "(LICENSE-CC-BY-4.0.txt)", "CITATION.cff"):
        assert phrase in readme
    assert (
        "Attribution 4.0 International Public License"
        in (ROOT / "LICENSE-CC-BY-4.0.txt").read_text()
    )
