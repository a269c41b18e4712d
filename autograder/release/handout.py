"""Build the student handout for one assignment.

    DIR/
      <id>.py            the scaffold (solutions stripped)
      README.md          the exercise text
      assignment.toml    the manifest (title, points, plots; nothing secret)
      test_<id>.py       the public tests
      conftest.py        lets plain `pytest` find the grading fixtures
      student_lib/       local checks, gradient check, plots, submit (a copy)
      grading_contract/  what a call and a graded test mean, as at grade time (a copy)
      handout.json       the required functions and their signatures (for submit)
      HOW_TO_WORK.md     one screen: install, check, submit
      pyproject.toml, requirements.txt, .gitignore

Nothing from `autograder/` is copied. After building, every file is scanned
for solution and hidden-test lines (`leaks.py`); a hit aborts the release.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import grading_contract
import student_lib
from autograder.assignments import get
from student_lib.hints import HINTS_FILE
from autograder.release import leaks
from autograder.scaffold import CONFTEST, HEADER, strip_solutions
from student_lib.submit import HANDOUT_MANIFEST, expected_signatures

TEMPLATES = Path(__file__).resolve().parent / "templates"
PACKAGES = (student_lib, grading_contract)   # the code a handout ships (students see it anyway)
REQUIREMENTS = ["numpy>=1.24", "pytest>=7.4", "rich>=13", "tomli>=2; python_version < '3.11'"]  # tomli: hints.toml
PLOT_REQUIREMENTS = ["matplotlib>=3.7"]
GITIGNORE = "__pycache__/\n.venv/\n*.egg-info/\nsubmission.zip\nsubmission.previous.zip\n.pytest_cache/\n"


class ReleaseError(RuntimeError):
    """The handout cannot be built (missing files) or would leak something."""


def scaffold_text(assignment) -> str:
    """The student's starting file: the committed scaffold, else generated from the solution."""
    if assignment.scaffold.exists():
        text = assignment.scaffold.read_text(encoding="utf-8")
    elif assignment.solution is not None:
        text = strip_solutions(assignment.solution.read_text(encoding="utf-8"), str(assignment.solution))
    else:
        raise ReleaseError(f"{assignment.id}: neither {assignment.scaffold} nor a solution exists")
    return text.removeprefix(HEADER)   # the "generated, do not edit" note is for staff, not students


def pyproject_text(assignment_id: str) -> str:
    deps = ", ".join(f'"{r}"' for r in REQUIREMENTS)
    plots = ", ".join(f'"{r}"' for r in PLOT_REQUIREMENTS)
    packages = ", ".join(f'"{p.__name__}"' for p in PACKAGES)
    return f'''[build-system]
requires = ["setuptools>=61", "wheel"]
build-backend = "setuptools.build_meta"

[project]
name = "nngrade-handout-{assignment_id.replace("_", "-")}"
version = "{student_lib.__version__}"
description = "Handout: {assignment_id}"
requires-python = ">=3.10"
dependencies = [{deps}]

[project.optional-dependencies]
plots = [{plots}]

[tool.setuptools]
packages = [{packages}]
py-modules = []

[tool.setuptools.package-data]
student_lib = ["*.md"]

[tool.pytest.ini_options]
addopts = "-p no:cacheprovider"
'''


def manifest_text(assignment, scaffold: str) -> str:
    """handout.json: what `submit` compares against; one line per function."""
    head = {"assignment": assignment.id, "title": assignment.title,
            "student_file": assignment.student_file, "nngrade_version": student_lib.__version__}
    lines = [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items()]
    functions = [f"    {json.dumps(name)}: {json.dumps(params)}"
                 for name, params in expected_signatures(scaffold).items()]
    text = "{\n" + "\n".join(lines) + '\n  "functions": {\n' + ",\n".join(functions) + "\n  }\n}\n"
    json.loads(text)   # stays valid JSON
    return text


def how_to_work(assignment) -> str:
    text = (TEMPLATES / "HOW_TO_WORK.md").read_text(encoding="utf-8")
    return text.replace("{id}", assignment.id).replace("{title}", assignment.title)


def copy_packages(out: Path) -> None:
    """`student_lib` and the `grading_contract` it stands on (PACKAGES), into `out`."""
    for package in PACKAGES:
        source = Path(package.__file__).resolve().parent
        shutil.copytree(source, out / source.name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))


def build_handout(assignment_id: str, out_dir: str | Path, *, github_classroom: bool = False) -> list[Path]:
    """Write the handout into `out_dir` (created; must be empty if it exists). Returns its files.

    With `github_classroom`, also the autograding workflow (public tests) in `.github/workflows/`.
    """
    assignment = get(assignment_id)
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()):
        raise ReleaseError(f"{out} is not empty; choose a new folder")
    for required in (assignment.public_tests, assignment.readme):
        if not required.exists():
            raise ReleaseError(f"{assignment.id}: {required} is missing")
    out.mkdir(parents=True, exist_ok=True)
    scaffold = scaffold_text(assignment)
    files = {
        assignment.student_file: scaffold,
        "README.md": assignment.readme.read_text(encoding="utf-8"),
        assignment.public_tests.name: assignment.public_tests.read_text(encoding="utf-8"),
        "assignment.toml": assignment.manifest_path.read_text(encoding="utf-8"),
        "conftest.py": CONFTEST,
        HANDOUT_MANIFEST: manifest_text(assignment, scaffold),
        "HOW_TO_WORK.md": how_to_work(assignment),
        "pyproject.toml": pyproject_text(assignment.id),
        "requirements.txt": "\n".join(REQUIREMENTS + PLOT_REQUIREMENTS) + "\n",
        ".gitignore": GITIGNORE,
    }
    hints = assignment.handout_dir / HINTS_FILE       # what `check` picks its hints from
    if hints.exists():
        files[HINTS_FILE] = hints.read_text(encoding="utf-8")
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    copy_packages(out)
    if github_classroom:
        from autograder.exporters.github_classroom import add_workflow
        add_workflow(out, assignment.id)
    leaked = scan_for_leaks(out)
    if leaked:
        shutil.rmtree(out)
        raise ReleaseError("the handout would contain secret lines, release aborted:\n  "
                           + "\n  ".join(leaked[:10]))
    return sorted(p for p in out.rglob("*") if p.is_file())


def scan_for_leaks(folder: Path) -> list[str]:
    """'<file>: <line>' for every solution or hidden-test line found in the folder."""
    secrets = leaks.solution_secrets() | leaks.hidden_secrets()
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".md", ".json", ".toml", ".txt", ".ipynb", ".yml", ".yaml"):
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [f"{path.relative_to(folder)}: {s}" for s in leaks.find_leaks(text, secrets)]
    return found
