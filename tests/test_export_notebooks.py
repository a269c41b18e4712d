"""nbgrader and otter-grader, with the real tools, graded by nngrade's suites.

Two submissions each (correct, and a bug in linear_backward that also breaks
the functions built on it): the tools' scores must be nngrade's — all or
nothing per nbgrader cell (a function) and per otter test case (an nngrade
test) — and the gradebook import must carry nngrade's exact scores.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.cli import main
from autograder.exporters.nbgrader import function_points
from autograder.grading import grade_submission
from autograder.result import GradeResult

ASSIGNMENT = "backprop"
STUDENTS = {"alice": "correct", "bob": "buggy_dw_transposed"}


@pytest.fixture
def expected(graded_examples):
    """{student: (submission path, nngrade's GradeResult)} at seed 0 (graded once, conftest.py)."""
    files = graded_examples.files(ASSIGNMENT)
    results = {}
    for s, e in STUDENTS.items():
        result = GradeResult.from_dict(graded_examples[ASSIGNMENT][e].to_dict())
        result.student = s
        results[s] = (files[e], result)
    return results


def tool(*args: str, cwd: Path) -> str:
    proc = subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


def fill(notebook: Path, code: Path, out: Path) -> None:
    """The student's version of the notebook with `code` as the solution cell."""
    nb = nbformat.read(notebook, as_version=4)
    [cell] = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("%%writefile")]
    cell.source = f"%%writefile {ASSIGNMENT}.py\n" + code.read_text()
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)


def test_nbgrader_source_notebook_shape(tmp_path):
    assert main(["export", "nbgrader", ASSIGNMENT, "-o", str(tmp_path)]) == 0
    nb = nbformat.read(tmp_path / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    [solution] = [c for c in nb.cells if c.metadata["nbgrader"]["solution"]]
    assert "### BEGIN SOLUTION" in solution.source
    tests = [c for c in nb.cells if c.metadata["nbgrader"]["grade"]]
    points = function_points(ASSIGNMENT)
    assert [c.metadata["nbgrader"]["grade_id"] for c in tests] == [f"nngrade_{f}" for f in points]
    assert [c.metadata["nbgrader"]["points"] for c in tests] == list(points.values())
    assert all("### BEGIN HIDDEN TESTS" in c.source for c in tests)
    assert (tmp_path / "nbgrader_config.py").exists()


def test_nngrade_grades_a_submitted_nbgrader_notebook_like_the_file(tmp_path, expected):
    """The gradebook route: `nngrade batch` on nbgrader's submitted/ notebooks.

    The notebook's code is the `%%writefile backprop.py` cell; nngrade must
    grade that cell's body (the hidden test cells are gone from a release).
    """
    assert main(["export", "nbgrader", ASSIGNMENT, "-o", str(tmp_path)]) == 0
    nb = nbformat.read(tmp_path / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    for cell in nb.cells:   # what generate_assignment does to the test cells
        cell.source = re.sub(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", "", cell.source,
                             flags=re.S)
    nbformat.write(nb, tmp_path / "release.ipynb")
    code, result = expected["alice"]
    fill(tmp_path / "release.ipynb", code, tmp_path / "alice" / f"{ASSIGNMENT}.ipynb")
    graded = grade_submission(ASSIGNMENT, tmp_path / "alice" / f"{ASSIGNMENT}.ipynb", seed=0)
    assert graded.status == "graded", graded.message
    assert graded.score == result.score == result.max_score


@pytest.mark.integration
def test_nbgrader_autograde_and_gradebook_import(tmp_path, expected):
    course = tmp_path / "course"
    assert main(["export", "nbgrader", ASSIGNMENT, "-o", str(course)]) == 0
    tool("nbgrader", "generate_assignment", ASSIGNMENT, "--force", cwd=course)
    release = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert "### BEGIN SOLUTION" not in release.read_text()
    assert "check_function" not in release.read_text()          # hidden tests are hidden
    for student, (code, _) in expected.items():
        fill(release, code, course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    tool("nbgrader", "autograde", ASSIGNMENT, cwd=course)

    from nbgrader.api import Gradebook

    def scores() -> dict:
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
            return {s: {g.name.removeprefix("nngrade_"): g.score
                        for g in gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, s).grades}
                    for s in expected}

    autograded = scores()
    for student, (_, result) in expected.items():
        all_or_nothing = {f: (m if s == m else 0.0) for f, (s, m) in result.by_function().items()}
        assert autograded[student] == all_or_nothing, student
    assert sum(autograded["alice"].values()) == expected["alice"][1].max_score
    assert sum(autograded["bob"].values()) < expected["bob"][1].score   # lost partial credit

    out = tmp_path / "out"
    for student, (_, result) in expected.items():
        result.write_json_atomic(out / f"{student}.json")
    assert main(["export", "nbgrader-gradebook", str(out), "--db", str(course / "gradebook.db"),
                 "--assignment", ASSIGNMENT]) == 0
    imported = scores()
    for student, (_, result) in expected.items():
        assert imported[student] == {f: s for f, (s, _) in result.by_function().items()}, student
        assert sum(imported[student].values()) == pytest.approx(result.score)


@pytest.mark.integration
def test_otter_assign_and_run_give_nngrade_scores(tmp_path, expected):
    assert main(["export", "otter", ASSIGNMENT, "-o", str(tmp_path)]) == 0
    tool("otter", "assign", str(tmp_path / f"{ASSIGNMENT}.ipynb"), str(tmp_path / "dist"), cwd=tmp_path)
    [autograder_zip] = (tmp_path / "dist" / "autograder").glob("*.zip")
    student_nb = tmp_path / "dist" / "student" / f"{ASSIGNMENT}.ipynb"
    assert "check_test" not in student_nb.read_text()            # hidden test cases stay out
    for student, (code, result) in expected.items():
        submission = tmp_path / "submissions" / student / f"{ASSIGNMENT}.ipynb"
        fill(student_nb, code, submission)
        out = tmp_path / "results" / student
        out.mkdir(parents=True)
        tool("otter", "run", "-a", str(autograder_zip), "-o", str(out), str(submission), cwd=tmp_path)
        tests = json.loads((out / "results.json").read_text())["tests"]
        otter_score = sum(t.get("score", 0.0) for t in tests)
        per_test = sum(t.max_score for t in result.tests if t.score == t.max_score)
        assert otter_score == pytest.approx(per_test), student
        if not any(0 < t.score < t.max_score for t in result.tests):
            assert otter_score == pytest.approx(result.score), student
        otter_max = sum(t.get("max_score", 0.0) for t in tests)
        assert otter_max == pytest.approx(result.max_score)
    assert otter_score < result.max_score   # bob loses points
