"""A whole class through `run_batch`: mixed honest, buggy, hostile and broken submissions.

Every honest submission gets exactly what grading it alone gives; the rest are
recorded with a status and a message; --resume regrades nothing that is current.
"""
from __future__ import annotations

import csv
import json
import shutil
import zipfile

import pytest

from autograder.batch import run_batch
from autograder.examples import materialize
from autograder.grading import grade_submission

pytestmark = pytest.mark.xdist_group("test_batch_e2e")   # its graded class is built once, on one xdist worker

ASSIGNMENT = "backprop"      # its suite is the quickest to grade of the three


def strip(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "execution_time"}


def same_grade(batch: dict, alone: dict) -> dict:
    """Equal but for timing and the isolation details."""
    assert batch["isolation"].keys() == alone["isolation"].keys()
    return {k: v for k, v in strip(batch).items() if k != "isolation"}


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    """A class folder of 7 students and the batch's output folder after one run at -j 2."""
    examples = materialize(ASSIGNMENT, tmp_path_factory.mktemp("examples"))
    root = tmp_path_factory.mktemp("class")
    shutil.copy(examples["correct"], root / "alice.py")
    (root / "bob").mkdir()
    shutil.copy(examples["buggy_db_averaged"], root / "bob" / "backprop.py")
    with zipfile.ZipFile(root / "carol.zip", "w") as z:
        z.write(examples["buggy_mse_missing_mean"], "backprop.py")
    shutil.copy(examples["hostile_exit_at_import"], root / "dan.py")
    (root / "erin.py").write_text("def linear_forward(x, W, b)\n    return x\n")       # syntax error
    (root / "fay.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    (root / "gus.py").write_text("pass\n")
    (root / "gus.ipynb").write_text("{}")                                                # duplicate id
    out = tmp_path_factory.mktemp("out")
    summary = run_batch(ASSIGNMENT, root, out, workers=2, seed=3)
    return root, out, summary


def test_every_student_gets_a_result_and_nothing_stops_the_batch(klass):
    root, out, summary = klass
    assert summary.graded == 7 and summary.reused == 0 and not summary.interrupted
    statuses = {r["student"]: r["status"] for r in summary.results}
    assert statuses == {"alice": "graded", "bob": "graded", "carol": "graded", "dan": "ungradable",
                        "erin": "ungradable", "fay": "ungradable", "gus": "ungradable"}
    by_id = {r["student"]: r for r in summary.results}
    assert "sys.exit" in by_id["dan"]["message"]
    assert "not a valid zip file" in by_id["fay"]["message"]
    assert "2 submissions were found for gus" in by_id["gus"]["message"]
    assert by_id["alice"]["score"] == by_id["alice"]["max_score"] > by_id["bob"]["score"]
    for student in statuses:
        assert json.loads((out / f"{student}.json").read_text()) == by_id[student]


def test_honest_submissions_score_exactly_as_when_graded_alone(klass, zygote):
    root, out, summary = klass
    by_id = {r["student"]: r for r in summary.results}
    for student, path in [("alice", root / "alice.py"), ("bob", root / "bob"),
                          ("carol", root / "carol.zip"), ("erin", root / "erin.py")]:
        alone = grade_submission(ASSIGNMENT, path, seed=3, student=student, sandbox=zygote)
        assert same_grade(by_id[student], alone.to_dict()) == same_grade(alone.to_dict(), by_id[student])


def test_grades_csv_and_class_report(klass):
    root, out, summary = klass
    rows = list(csv.DictReader((out / "grades.csv").open()))
    assert [r["student"] for r in rows] == ["alice", "bob", "carol", "dan", "erin", "fay", "gus"]
    by_id = {r["student"]: r for r in summary.results}
    for row in rows:
        assert float(row["score"]) == pytest.approx(by_id[row["student"]]["score"])
        tests = [c for c in rows[0] if c not in ("student", "status", "score", "max_score")]
        assert sum(float(row[c]) for c in tests) == pytest.approx(float(row["score"]))
    report = (out / "report.html").read_text()
    assert "2 submissions were found for gus" in report and "<svg" in report


def test_resume_keeps_current_results_and_regrades_a_changed_submission(klass, tmp_path):
    root, out, summary = klass
    out2 = tmp_path / "out"
    shutil.copytree(out, out2)
    before = {p.name: p.stat().st_ino for p in out2.glob("*.json")}
    (root / "bob" / "backprop.py").write_text((root / "alice.py").read_text())     # bob fixed his bug
    again = run_batch(ASSIGNMENT, root, out2, workers=2, seed=3, resume=True)
    after = {p.name: p.stat().st_ino for p in out2.glob("*.json")}
    assert {name for name in before if before[name] != after[name]} == {"bob.json"}
    assert (again.graded, again.reused) == (1, 6)
    bob = json.loads((out2 / "bob.json").read_text())
    assert bob["score"] == bob["max_score"]
    assert strip(json.loads((out2 / "alice.json").read_text())) == strip(json.loads((out / "alice.json").read_text()))
