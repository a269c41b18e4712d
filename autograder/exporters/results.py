"""Reading a batch output folder: `OUT/<student>.json`, one nngrade result each."""
from __future__ import annotations

import json
from pathlib import Path

from autograder.result import SCHEMA, GradeResult


class ResultsError(Exception):
    """The folder holds no nngrade results, or results of more than one assignment."""


def load_results(out_dir: str | Path, assignment_id: str | None = None) -> dict[str, GradeResult]:
    """{student: result} for every `*.json` in `out_dir` that is an nngrade result.

    Inputs:
    - out_dir: a folder written by `nngrade batch` (other JSON files are ignored).
    - assignment_id: if given, every result must be of this assignment.
    Returns: the results keyed by student id (the result's `student`, else the file stem),
    sorted by student.
    """
    folder = Path(out_dir)
    if not folder.is_dir():
        raise ResultsError(f"{folder} is not a folder of results (run `nngrade batch` first)")
    results: dict[str, GradeResult] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            continue
        result = GradeResult.from_dict(data)
        results[result.student or path.stem] = result
    if not results:
        raise ResultsError(f"no nngrade results (*.json) in {folder}")
    assignments = {r.assignment for r in results.values()}
    if assignment_id is not None and assignments != {assignment_id}:
        raise ResultsError(f"{folder} holds results of {sorted(assignments)}, not {assignment_id!r}")
    if len(assignments) > 1:
        raise ResultsError(f"{folder} mixes assignments {sorted(assignments)}; export one at a time")
    return dict(sorted(results.items()))


def fmt_score(value: float) -> str:
    """2.0 -> '2', 2.5 -> '2.5', 1/3 -> '0.3333': what a gradebook expects in a CSV cell."""
    return format(round(float(value), 4), "f").rstrip("0").rstrip(".") or "0"
