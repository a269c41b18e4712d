"""What runs inside Gradescope: grade `/autograder/submission`, write `results/results.json`.

    python -m autograder.exporters.gradescope_runtime [--root /autograder]

The root defaults to `$NNGRADE_AUTOGRADER_ROOT`, else `/autograder`. The
autograder zip's own files are in `<root>/source` (`nngrade_gradescope.json`
says which assignment and seed; `assignments/<id>/` holds the public tests).
Results follow Gradescope's specification
(https://gradescope-autograders.readthedocs.io/en/latest/specs/): top-level
`score`, `execution_time`, `output` (markdown), `tests[]` with `name`,
`score`, `max_score`, `status` (`passed`/`failed`), `output` and
`visibility` taken from each test's `grade` marker.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from autograder.result import GradeResult, write_atomic

CONFIG_NAME = "nngrade_gradescope.json"


def autograder_root(cli_root: str | None = None) -> Path:
    return Path(cli_root or os.environ.get("NNGRADE_AUTOGRADER_ROOT") or "/autograder")


def to_gradescope(result: GradeResult) -> dict:
    """The result in Gradescope's results.json format (a dict ready for json.dump)."""
    tests = [_test_entry(t) for t in result.tests]
    if result.status != "graded":
        tests = [{"name": "Your submission could not be graded", "score": 0.0,
                  "max_score": result.max_score, "status": "failed", "visibility": "visible",
                  "output": result.message, "name_format": "text", "output_format": "text"}]
    return {
        "score": result.score,
        "execution_time": round(result.execution_time, 3),
        "output": summary_markdown(result),
        "output_format": "md",
        "test_output_format": "text",
        "test_name_format": "text",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {"nngrade": {
            "assignment": result.assignment, "seed": result.seed, "status": result.status,
            "suite_version": result.suite_version, "nngrade_version": result.nngrade_version,
            "submission_sha256": result.submission_sha256, "isolation": result.isolation}},
    }


def _test_entry(test) -> dict:
    output = test.output
    if test.status in ("error", "timeout") and not output:
        output = f"This test ended with status '{test.status}'."
    return {"name": test.name, "score": test.score, "max_score": test.max_score,
            "status": "passed" if test.status == "passed" else "failed",
            "visibility": test.visibility, "output": output, "tags": [test.function],
            "name_format": "text", "output_format": "text"}


def summary_markdown(result: GradeResult) -> str:
    """The feedback shown above the tests (markdown): points per function, what to fix.

    Gradescope shows this summary at once, whatever the tests' visibility, so
    every test that is not `visible` is summarised as "not shown yet" here;
    Gradescope itself reveals it in the test list when its time comes.
    """
    from autograder.reports.markdown import render_result
    data = result.to_dict()
    data["tests"] = [t if t["visibility"] == "visible" else {**t, "visibility": "hidden"}
                     for t in data["tests"]]
    return render_result(data)


def _student(root: Path) -> str:
    """The submitter's e-mail from Gradescope's submission_metadata.json, if any."""
    try:
        meta = json.loads((root / "submission_metadata.json").read_text())
        return str(meta["users"][0].get("email") or meta["users"][0].get("name") or "")
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError):
        return ""


def use_bundled_handouts(source: Path) -> None:
    """Grade with the public tests bundled in the zip (the wheel does not carry them)."""
    bundled = source / "assignments"
    if bundled.is_dir():
        import autograder.assignments as assignments
        assignments.ASSIGNMENTS_DIR = bundled


def run(root: Path) -> int:
    """Grade the submission under `root`, write `root/results/results.json`; always exit 0."""
    start = time.monotonic()
    source = root / "source"
    config = json.loads((source / CONFIG_NAME).read_text())
    use_bundled_handouts(source)
    from autograder.grading import grade_submission
    results_path = root / "results" / "results.json"
    try:
        result = grade_submission(config["assignment"], root / "submission", seed=int(config["seed"]),
                                  student=_student(root))
        data = to_gradescope(result)
    except Exception as exc:  # noqa: BLE001 — our own failure: tell the student and the staff
        print(f"nngrade failed: {exc!r}", file=sys.stderr)
        data = {"score": 0.0, "execution_time": round(time.monotonic() - start, 3),
                "output": "The autograder itself failed on this submission; this is not your "
                          "fault. Your course staff have been shown the error.",
                "stdout_visibility": "hidden", "tests": []}
        write_atomic(results_path, json.dumps(data, indent=2) + "\n")
        return 1
    write_atomic(results_path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    print(f"{config['assignment']}: {result.score} / {result.max_score} ({result.status}) "
          f"in {result.execution_time:.1f} s; seed {result.seed}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.exporters.gradescope_runtime")
    parser.add_argument("--root", help="the autograder root (default $NNGRADE_AUTOGRADER_ROOT "
                        "or /autograder)")
    return run(autograder_root(parser.parse_args(argv).root))


if __name__ == "__main__":
    sys.exit(main())
