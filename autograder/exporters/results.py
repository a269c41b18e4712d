"""Reading a batch output folder (`OUT/<student>.json`), and what exporters report back."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
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


@dataclass
class Export:
    """What an export wrote, and what the TA should be told about."""

    rows: int
    missing: list[str] = field(default_factory=list)      # roster students with no result
    unmatched: list[str] = field(default_factory=list)    # results with no roster student
    ungraded: list[str] = field(default_factory=list)     # results that are not grades (ungradable)
    zero: bool = False                                    # --missing zero: those got 0, not nothing

    def warnings(self) -> list[str]:
        out = []
        if self.ungraded:
            what = "written as 0 (--missing zero)" if self.zero else \
                "left empty (--missing zero writes 0); look at them and grade by hand"
            out.append(f"{len(self.ungraded)} submission(s) could not be graded, {what}: "
                       + "; ".join(self.ungraded))
        if self.missing:
            out.append(f"{len(self.missing)} student(s) of the roster have no result: "
                       + ", ".join(self.missing))
        if self.unmatched:
            out.append(f"{len(self.unmatched)} result(s) match no roster student (not exported): "
                       + ", ".join(self.unmatched))
        return out


def grade_cell(result: GradeResult | None, report: Export, who: str, missing: str = "empty") -> str:
    """The grade to write for one student: the score, or "" / "0" for no result or an ungradable one.

    An ungradable result (no importable file, two files, a damaged zip) is not a grade of 0:
    it is written only when the TA asks for zeros, and always listed in `report`.
    """
    if result is not None and result.status == "graded":
        return fmt_score(result.score)
    if result is None:
        report.missing.append(who)
    else:
        report.ungraded.append(f"{who} ({reason(result)})")
    report.zero = missing == "zero"
    return "0" if missing == "zero" else ""


def reason(result: GradeResult) -> str:
    """Why a result is not a grade, in one short line."""
    return ((result.message or result.status).splitlines() or [result.status])[0][:120]


def comment(result: GradeResult) -> str:
    """A short submission comment: the score per function (no hidden test detail)."""
    if result.status != "graded":
        return f"nngrade could not grade this submission: {result.message}"
    parts = [f"{f} {fmt_score(s)}/{fmt_score(m)}" for f, (s, m) in result.by_function().items()]
    return f"nngrade: {fmt_score(result.score)}/{fmt_score(result.max_score)} — " + ", ".join(parts)
