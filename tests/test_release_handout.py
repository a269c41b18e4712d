"""`nngrade release ID -o DIR`: what is in the handout, and what never is."""
from __future__ import annotations

import ast
import json
import sys
import types

import pytest

from autograder.assignments import all_assignments, get
from autograder.cli import main as nngrade
from autograder.release import leaks
from autograder.release.handout import ReleaseError, build_handout, scan_for_leaks
from student_lib.submit import expected_signatures

IDS = [a.id for a in all_assignments()]


class Handouts(dict):
    """Each assignment's handout, built the first time a test asks for it."""

    def __init__(self, root):
        super().__init__()
        self.root = root

    def __missing__(self, assignment):
        self[assignment] = (build_handout(assignment, self.root / assignment), self.root / assignment)
        return self[assignment]


@pytest.fixture(scope="module")
def handouts(tmp_path_factory):
    return Handouts(tmp_path_factory.mktemp("handouts"))


@pytest.mark.parametrize("assignment", IDS)
def test_handout_holds_what_a_student_needs(handouts, assignment):
    _, folder = handouts[assignment]
    names = {p.name for p in folder.iterdir()}
    assert names >= {f"{assignment}.py", f"test_{assignment}.py", "README.md", "conftest.py", "student_lib",
                     "handout.json", "HOW_TO_WORK.md", "pyproject.toml", "requirements.txt"}
    assert 'pytest_plugins = ["grading_contract.rubric"]' in (folder / "conftest.py").read_text()
    scaffold = (folder / f"{assignment}.py").read_text()
    assert "NotImplementedError" in scaffold and "BEGIN SOLUTION" not in scaffold
    assert "edit the solution" not in scaffold            # the staff-only header is gone
    manifest = json.loads((folder / "handout.json").read_text())
    assert manifest["assignment"] == assignment
    assert manifest["functions"] == expected_signatures(scaffold)
    assert list(manifest["functions"]) == get(assignment).functions
    how = (folder / "HOW_TO_WORK.md").read_text()
    assert len(how.splitlines()) <= 60 and "python -m student_lib check" in how and "{id}" not in how
    assert set((folder / "requirements.txt").read_text().split()) >= {"numpy>=1.24", "pytest>=7.4", "rich>=13"}


@pytest.mark.parametrize("assignment", IDS)
def test_no_solution_or_hidden_line_in_the_handout(handouts, assignment):
    files, folder = handouts[assignment]
    secrets = leaks.solution_secrets() | leaks.hidden_secrets()
    assert len(leaks.solution_secrets()) > 20 and len(leaks.hidden_secrets()) > 50   # the scan has teeth
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert leaks.find_leaks(text, secrets) == [], path
    assert not list(folder.rglob("suites")) and not list(folder.rglob("solutions"))


@pytest.mark.parametrize("assignment", IDS)
def test_student_lib_copy_never_imports_the_autograder(handouts, assignment):
    _, folder = handouts[assignment]
    for path in (folder / "student_lib").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.split(".")[0] == "autograder" for n in names), path
    assert not list((folder / "student_lib").rglob("__pycache__"))


def test_scanner_finds_a_planted_solution_line(handouts, tmp_path):
    _, folder = handouts["backprop"]
    secret = sorted(leaks.solution_secrets())[0]
    (folder / "notes.md").write_text(f"my notes\n    {secret}\n")
    try:
        assert any(secret in hit for hit in scan_for_leaks(folder))
    finally:
        (folder / "notes.md").unlink()
    assert scan_for_leaks(folder) == []


def test_a_leaking_release_is_aborted_and_removed(tmp_path, monkeypatch):
    readme_line = next(line.strip() for line in get("backprop").readme.read_text().splitlines()
                       if len(line.strip()) > 20)
    monkeypatch.setattr(leaks, "hidden_secrets", lambda: {readme_line})
    with pytest.raises(ReleaseError, match="secret lines"):
        build_handout("backprop", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_release_command(tmp_path, capsys, monkeypatch):
    calls = []
    fake = types.ModuleType("autograder.exporters.github_classroom")
    fake.add_workflow = lambda out, assignment_id: calls.append((out, assignment_id))
    monkeypatch.setitem(sys.modules, "autograder.exporters.github_classroom", fake)
    assert nngrade(["release", "backprop", "-o", str(tmp_path / "h"), "--github-classroom"]) == 0
    assert calls == [(tmp_path / "h", "backprop")]
    assert "no hidden test and no solution line" in capsys.readouterr().out
    assert nngrade(["release", "backprop", "-o", str(tmp_path / "h")]) == 2          # not empty
    assert "not an empty folder" in capsys.readouterr().err
    assert nngrade(["release", "nope", "-o", str(tmp_path / "x")]) == 2
