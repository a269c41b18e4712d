"""The batch's output folder: one JSON per student, grades.csv, report.html.

    OUT/<student>.json    the result (SPEC §4), written atomically as soon as it arrives
    OUT/<student>.html    the student's feedback page (when the HTML report is installed)
    OUT/grades.csv        student, status, score, max_score, one column per test
    OUT/report.html       the TA's class summary

Everything but the JSON files is rebuilt from them, so a batch that was
killed and resumed writes the same summary as one that ran straight through.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from autograder.reports.class_report import keyed_tests, render_class_report
from autograder.result import write_atomic


def result_path(out: Path, student: str) -> Path:
    return out / f"{student}.json"


def load(out: Path, student: str) -> dict | None:
    """The stored result of `student`, or None when there is none or it is unreadable."""
    try:
        data = json.loads(result_path(out, student).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("schema") == "nngrade.result/1" else None


def is_current(stored: dict | None, job: dict, suite_version: str) -> bool:
    """Whether `--resume` may keep `stored` for `job`: same submission, suite and seed."""
    if stored is None:
        return False
    same = (stored.get("assignment") == job["assignment"] and stored.get("seed") == job["seed"]
            and stored.get("suite_version") == suite_version
            and stored.get("submission_sha256", "") == job["sha256"])
    if job["source"] is None:    # never read: only the loader's message tells it apart
        same = same and stored.get("message") == job["error"]
    return same


def save(out: Path, result: dict) -> None:
    write_atomic(result_path(out, result["student"]),
                 json.dumps(result, indent=2, ensure_ascii=False) + "\n")


def save_html(out: Path, result: dict) -> bool:
    """The student's feedback page, if `autograder.reports.html` is installed."""
    try:
        from autograder.reports.html import render_result
    except ImportError:
        return False
    try:
        page = render_result(result)
    except Exception:  # noqa: BLE001 - a feedback page must never cost a student their grade
        return False
    write_atomic(out / f"{result['student']}.html", page)
    return True


def test_columns(results: list[dict]) -> list[str]:
    """One column per test, in rubric order (the first result's order, then any others)."""
    columns: dict[str, None] = {}
    for result in results:
        for key, _ in keyed_tests(result.get("tests", [])):
            columns.setdefault(key, None)
    return list(columns)


def grades_csv(results: list[dict]) -> str:
    columns = test_columns(results)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", "status", "score", "max_score", *columns])
    for result in sorted(results, key=lambda r: r["student"]):
        scores = {key: t["score"] for key, t in keyed_tests(result.get("tests", []))}
        writer.writerow([result["student"], result["status"], _number(result["score"]),
                         _number(result["max_score"]), *(_number(scores.get(c, 0.0)) for c in columns)])
    return buffer.getvalue()


def _number(x: float) -> str:
    return f"{float(x):.6g}"


def write_summary(out: Path, results: list[dict], problems: list[str], title: str, extra_html: str = "") -> None:
    write_atomic(out / "grades.csv", grades_csv(results))
    write_atomic(out / "report.html", render_class_report(results, problems, title=title, extra_html=extra_html))
