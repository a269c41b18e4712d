"""Canvas: the gradebook import CSV, and an optional push through the REST API.

    nngrade export canvas OUT -o grades.csv --roster canvas_export.csv \\
        --assignment-title "Backprop" --assignment-id 4242

The CSV is Canvas's own gradebook layout: the columns `Student, ID, SIS User
ID, SIS Login ID, Section`, then one column `<Assignment title> (<assignment
id>)`, a "Points Possible" row, and one row per student of the roster (the
gradebook export of the course: Grades → Export → "Export Entire Gradebook").
Import it in Grades → Import. Students with no result, or whose submission
could not be graded (two files, nothing importable), keep an empty cell (Canvas
then leaves their grade alone) unless `--missing zero`; they are listed.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from autograder.exporters.results import Export, comment, fmt_score, grade_cell, load_results
from autograder.exporters.roster import Roster, read_csv
from autograder.result import GradeResult, write_atomic

FIXED_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
POINTS_ROW = "    Points Possible"


def read_roster(path: str | Path) -> Roster:
    """A Canvas gradebook export (or any CSV with its first five columns)."""
    fieldnames, rows = read_csv(path)
    lacking = [c for c in ("Student", "ID") if c not in fieldnames]
    if lacking:
        raise ValueError(f"{path} is not a Canvas roster: no column {', '.join(lacking)} "
                         "(export it from Grades → Export)")
    rows = [r for r in rows if (r.get("Student") or "").strip() not in ("", "Points Possible",
                                                                          "Student, Test")
            and (r.get("ID") or "").strip()]
    return Roster(fieldnames, rows, ("ID", "SIS User ID", "SIS Login ID"), "Student", canvas_names=True)


def gradebook_csv(results: dict[str, GradeResult], roster: Roster, title: str,
                  assignment_id: str | int, missing: str = "empty") -> tuple[str, Export]:
    """The CSV text and a summary. `missing` is "empty" or "zero"."""
    column = f"{title} ({assignment_id})"
    max_score = max(r.max_score for r in results.values())
    matched, unmatched = roster.match(list(results))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIXED_COLUMNS + [column])
    writer.writerow([POINTS_ROW, "", "", "", ""] + [fmt_score(max_score)])
    report = Export(rows=len(roster.rows), unmatched=unmatched)
    for i, row in enumerate(roster.rows):
        result = results[matched[i]] if i in matched else None
        grade = grade_cell(result, report, row["Student"], missing)
        writer.writerow([row.get(c, "") for c in FIXED_COLUMNS] + [grade])
    return buffer.getvalue(), report


def export_csv(out_dir: str | Path, output: str | Path, roster_path: str | Path, title: str,
               assignment_id: str | int, missing: str = "empty") -> Export:
    """Read the batch results in `out_dir`, write the Canvas CSV to `output`."""
    text, report = gradebook_csv(load_results(out_dir), read_roster(roster_path), title,
                                 assignment_id, missing)
    write_atomic(output, text)
    return report


def push(out_dir: str | Path, roster_path: str | Path, *, url: str, token: str, course: int,
         assignment: int, comments: bool = True, missing: str = "empty") -> Export:
    """Post the grades to Canvas in one bulk update (`canvasapi`); the roster maps ids.

    Returns the same summary as the CSV export; students without a result, and
    ungradable results, are left untouched in Canvas unless `missing` is "zero".
    """
    from canvasapi import Canvas
    results = load_results(out_dir)
    roster = read_roster(roster_path)
    matched, unmatched = roster.match(list(results))
    report = Export(rows=0, unmatched=unmatched)
    grade_data = {}
    for i, row in enumerate(roster.rows):
        result = results[matched[i]] if i in matched else None
        grade = grade_cell(result, report, row["Student"], missing)
        if not grade:
            continue
        entry = {"posted_grade": grade}
        if comments and result is not None:
            entry["text_comment"] = comment(result)
        grade_data[row["ID"].strip()] = entry
    report.rows = len(grade_data)
    canvas_assignment = Canvas(url, token).get_course(course).get_assignment(assignment)
    canvas_assignment.submissions_bulk_update(grade_data=grade_data)
    return report
