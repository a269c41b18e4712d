"""grades.csv, --resume's decision and the TA's class report, from hand-made result dicts."""
from __future__ import annotations

import csv
import io

from autograder.batch import store
from autograder.reports.class_report import (histogram_counts, per_function_stats, per_test_stats,
                                             render_class_report)


def result(student, tests, status="graded", message="", seconds=1.0):
    return {"schema": "nngrade.result/1", "assignment": "activations", "student": student,
            "status": status, "score": sum(t[1] for t in tests), "max_score": 3.0, "seed": 0,
            "execution_time": seconds, "message": message, "submission_sha256": "abc",
            "suite_version": "v1",
            "tests": [{"name": n, "function": n.split(":")[0], "score": s, "max_score": m,
                       "status": "passed" if s == m else "failed", "visibility": "visible", "output": ""}
                      for n, s, m in tests]}


CLASS = [
    result("bob", [("relu: values", 1.0, 1.0), ("sigmoid: stable", 0.0, 2.0)], seconds=3.5),
    result("alice", [("relu: values", 1.0, 1.0), ("sigmoid: stable", 2.0, 2.0)]),
    result("carl", [("relu: values", 0.0, 1.0), ("sigmoid: stable", 0.5, 2.0)]),
    result("<script>x</script>", [], status="ungradable", message="syntax error on line 3 <b>"),
]


def test_grades_csv_has_a_column_per_test_and_a_row_per_student():
    rows = list(csv.reader(io.StringIO(store.grades_csv(CLASS))))
    assert rows[0] == ["student", "status", "score", "max_score", "relu: values", "sigmoid: stable"]
    assert rows[1:] == [["<script>x</script>", "ungradable", "0", "3", "0", "0"],
                        ["alice", "graded", "3", "3", "1", "2"],
                        ["bob", "graded", "1", "3", "1", "0"],
                        ["carl", "graded", "0.5", "3", "0", "0.5"]]


def test_resume_keeps_only_a_result_for_the_same_submission_suite_and_seed():
    job = {"assignment": "activations", "seed": 0, "sha256": "abc", "source": "...", "error": ""}
    stored = CLASS[1]
    assert store.is_current(stored, job, "v1")
    assert not store.is_current(stored, job, "v2")                      # the suite changed
    assert not store.is_current(stored, {**job, "seed": 1}, "v1")
    assert not store.is_current(stored, {**job, "sha256": "abd"}, "v1")  # the student resubmitted
    assert not store.is_current(None, job, "v1")


def test_stored_results_round_trip_and_broken_files_are_regraded(tmp_path):
    store.save(tmp_path, CLASS[1])
    assert store.load(tmp_path, "alice") == CLASS[1]
    (tmp_path / "bob.json").write_text('{"schema": "nngrade.result/1", "stud')   # torn by a crash
    assert store.load(tmp_path, "bob") is None


def test_histogram_puts_full_marks_in_the_top_band():
    # carl 0.5/3, bob 1/3, alice 3/3 (full marks: top band, not an eleventh); ungradable not counted
    assert histogram_counts(CLASS, bins=3) == [1, 1, 1]
    assert histogram_counts(CLASS, bins=10) == [0, 1, 0, 1, 0, 0, 0, 0, 0, 1]


def test_tests_are_sorted_worst_first():
    stats = per_test_stats(CLASS)
    assert [s["name"] for s in stats] == ["sigmoid: stable", "relu: values"]
    assert stats[0]["passed"] == 1 and stats[0]["n"] == 3
    assert abs(stats[0]["mean_fraction"] - 2.5 / 6) < 1e-12


def test_class_report_escapes_and_lists_what_needs_a_human():
    html = render_class_report(CLASS, ["ignored notes.txt: not a .py, .ipynb or .zip file"], title="activations")
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html
    assert "syntax error on line 3 &lt;b&gt;" in html
    assert html.index("sigmoid: stable") < html.index("relu: values")
    assert "ignored notes.txt" in html and "<svg" in html
    assert "<b>4</b> submissions" in html and "<b>1</b> ungradable" in html


def test_a_name_shared_by_a_public_and_a_hidden_test_gets_two_columns():
    twice = [result("ann", [("relu_grad: at zero", 1.0, 1.0), ("relu_grad: at zero", 0.0, 1.0)])]
    rows = list(csv.reader(io.StringIO(store.grades_csv(twice))))
    assert rows == [["student", "status", "score", "max_score", "relu_grad: at zero", "relu_grad: at zero (2)"],
                    ["ann", "graded", "1", "3", "1", "0"]]
    assert [s["name"] for s in per_test_stats(twice)] == ["relu_grad: at zero (2)", "relu_grad: at zero"]


def test_functions_are_sorted_worst_first():
    rows = per_function_stats(CLASS)
    assert [f for f, _, _ in rows] == ["sigmoid", "relu"]
    assert rows[0][1] == (0 + 1 + 0.25) / 3 and rows[0][2] == 1      # sigmoid: only alice has it all
    assert rows[1][2] == 2
