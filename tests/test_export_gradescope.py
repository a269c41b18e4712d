"""The Gradescope autograder zip, end to end, and its results.json format.

The end-to-end test does what Gradescope does: unpack the zip into a root
standing in for /autograder, run setup.sh (into a venv that sees this
machine's numpy and pytest, so no network), put a submission in
`submission/`, run `run_autograder`, read `results/results.json`.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from autograder.examples import materialize
from autograder.exporters.gradescope import build_zip
from autograder.exporters.github_classroom import summary
from autograder.exporters.gradescope_runtime import to_gradescope
from autograder.grading import grade_submission
from autograder.grading.runner import collect_rubric
from autograder.result import GradeResult, TestResult
from venvs import make_venv

ASSIGNMENT = "backprop"
GS_STATUSES = {"passed", "failed"}
GS_VISIBILITIES = {"visible", "hidden", "after_due_date", "after_published"}


def fake_result(status="graded") -> GradeResult:
    tests = [TestResult("relu: values", "relu", 2.0, 2.0, "passed", "visible"),
             TestResult("relu: float32", "relu", 0.5, 1.0, "failed", "after_due_date", "loses float32"),
             TestResult("relu_grad: at zero", "relu_grad", 0.0, 3.0, "timeout", "hidden"),
             TestResult("relu_grad: values", "relu_grad", 0.0, 1.0, "error", "after_published", "boom")]
    return GradeResult("activations", "ada", status, 7, 1.25, tests if status == "graded" else [],
                       7.0, output="debug ``` print", message="" if status == "graded" else "SyntaxError")


def test_results_json_follows_gradescope_spec():
    data = to_gradescope(fake_result())
    assert data["score"] == 2.5 and data["execution_time"] == 1.25
    assert data["output_format"] == "md" and data["stdout_visibility"] == "hidden"
    assert [t["visibility"] for t in data["tests"]] == ["visible", "after_due_date", "hidden",
                                                        "after_published"]
    assert [t["status"] for t in data["tests"]] == ["passed", "failed", "failed", "failed"]
    assert [t["score"] for t in data["tests"]] == [2.0, 0.5, 0.0, 0.0]
    assert [t["max_score"] for t in data["tests"]] == [2.0, 1.0, 3.0, 1.0]
    assert "timeout" in data["tests"][2]["output"]
    assert data["extra_data"]["nngrade"]["seed"] == 7
    json.dumps(data)


def test_summary_does_not_reveal_tests_students_cannot_see_yet():
    output = to_gradescope(fake_result())["output"]
    assert output.startswith("## activations: 2.5 / 7")
    assert "`relu`" in output and "relu_grad" not in output
    for secret in ("float32", "boom", "at zero"):        # names and outputs of tests not shown yet
        assert secret not in output
    assert "3 tests not shown yet (0.5 / 5 points)" in output
    assert "````text\ndebug ``` print\n````" in output   # student output cannot break the fence


def test_ungradable_submission_shows_why_and_scores_zero():
    data = to_gradescope(fake_result("ungradable"))
    assert data["score"] == 0
    [test] = data["tests"]
    assert test["score"] == 0 and test["max_score"] == 7.0 and "SyntaxError" in test["output"]


# ------------------------------------------------------------------ end to end
@pytest.fixture(scope="module")
def gradescope_env(tmp_path_factory):
    """The zip unpacked as Gradescope would, set up in a venv; (root, python)."""
    tmp = tmp_path_factory.mktemp("gradescope")
    zip_path = build_zip(ASSIGNMENT, tmp / "autograder.zip", seed=3)
    root = tmp / "autograder"
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
        zf.extractall(root / "source")
    assert {"setup.sh", "run_autograder"} <= set(names)
    assert any(n.startswith("wheels/nngrade-") and n.endswith(".whl") for n in names)
    assert not any("solutions" in n for n in names)
    [wheel] = (root / "source" / "wheels").glob("nngrade-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        packed = zf.namelist()
    assert any(n.startswith(f"autograder/suites/{ASSIGNMENT}/test_") for n in packed)
    assert not any(n.startswith(("solutions/", "tests/")) for n in packed)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    for name in ("setup.sh", "run_autograder"):
        (root / "source" / name).chmod(0o755)
    (root / "run_autograder").chmod(0o755)
    env_dir = tmp / "venv"   # outside the root, as Gradescope's Python is
    python = make_venv(env_dir, with_pip=False)    # sees this environment's packages, even from a venv
    env = {**os.environ, "NNGRADE_PYTHON": str(python)}
    proc = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env, cwd=root,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    where = subprocess.run([str(python), "-c", "import autograder; print(autograder.__file__)"],
                           cwd=root, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(env_dir)), f"nngrade not installed from the wheel: {where}"
    return root, python


def run_autograder(root: Path, python: Path, submission: Path) -> dict:
    shutil.rmtree(root / "submission", ignore_errors=True)
    shutil.rmtree(root / "results", ignore_errors=True)
    (root / "submission").mkdir()
    (root / "results").mkdir()
    shutil.copy(submission, root / "submission" / f"{ASSIGNMENT}.py")
    env = {**os.environ, "NNGRADE_AUTOGRADER_ROOT": str(root), "NNGRADE_PYTHON": str(python)}
    proc = subprocess.run([str(root / "run_autograder")], env=env, cwd=root,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads((root / "results" / "results.json").read_text())


@pytest.mark.integration
def test_zip_grades_like_nngrade_grade(gradescope_env, tmp_path, zygote):
    root, python = gradescope_env
    examples = materialize(ASSIGNMENT, tmp_path)
    rubric = collect_rubric(ASSIGNMENT)
    for name in ("correct", "buggy_dw_transposed", "hostile_write_results"):
        data = run_autograder(root, python, examples[name])
        expected = grade_submission(ASSIGNMENT, examples[name], seed=3, sandbox=zygote)
        assert data["score"] == pytest.approx(expected.score), name
        assert [t["name"] for t in data["tests"]] == [t.name for t in expected.tests], name
        assert {t["status"] for t in data["tests"]} <= GS_STATUSES
        assert [t["visibility"] for t in data["tests"]] == [g.visibility for g in rubric]
        assert {t["visibility"] for t in data["tests"]} <= GS_VISIBILITIES
        assert "after_due_date" in {t["visibility"] for t in data["tests"]}   # the contract tests
        assert data["extra_data"]["nngrade"]["seed"] == 3
        # what GitHub Classroom's reporter gets from the same results.json
        assert sum(t["score"] for t in summary(data)["tests"]) == pytest.approx(data["score"])
        if name == "correct":
            assert data["score"] == expected.max_score > 0
        else:
            assert data["score"] < expected.max_score
    assert data["extra_data"]["nngrade"]["status"] == "graded"   # ours, not the hostile's fake one
