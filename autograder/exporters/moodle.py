"""Moodle: the CSV for Grades → Import → CSV file.

    nngrade export moodle OUT -o grades.csv [--identifier email] [--roster participants.csv]

Moodle's importer reads a CSV with a header row, one column identifying the
user and one column per grade item (optionally a feedback column). On the
import page you map the identifier column ("Map from") to the matching user
field ("Map to": email address, username or ID number) and the grade column
to the assignment's grade item. nngrade writes three columns:

    Email address,<Assignment title>,Feedback

The identifier is, with `--roster` (a participants or grader-report export
with columns such as "Email address", "Username", "ID number"), the matched
user's identifier; every roster user gets a row. Without a roster it is the
batch's student id, written only when the TA says which Moodle field those ids
are (`--identifier`). Users without a result, and ungradable submissions, get
an empty grade (Moodle skips it) unless `--missing zero`; they are listed.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from autograder.exporters.results import Export, comment, grade_cell, load_results
from autograder.exporters.roster import Roster, read_csv
from autograder.result import GradeResult, write_atomic

IDENTIFIERS = {"email": "Email address", "username": "Username", "idnumber": "ID number"}


def read_roster(path: str | Path) -> Roster:
    fieldnames, rows = read_csv(path)
    id_columns = tuple(c for c in IDENTIFIERS.values() if c in fieldnames)
    if not id_columns:
        raise ValueError(f"{path} has none of the columns {', '.join(IDENTIFIERS.values())}; "
                         "export the participants or the grader report from Moodle")
    return Roster(fieldnames, rows, id_columns)


def grades_csv(results: dict[str, GradeResult], title: str, identifier: str = "email",
               roster: Roster | None = None, feedback: bool = True,
               missing: str = "empty") -> tuple[str, Export]:
    """The CSV text and a summary of who is missing, unmatched or ungradable.

    Without a roster the batch's student ids are written as the identifier, so the
    caller must know they are Moodle e-mails, usernames or ID numbers (`--identifier`).
    """
    column = IDENTIFIERS[identifier]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([column, title] + (["Feedback"] if feedback else []))
    report = Export(rows=0)

    def line(ident: str, result: GradeResult | None, who: str) -> list[str]:
        grade = grade_cell(result, report, who, missing)
        return [ident, grade] + ([comment(result) if result is not None else ""] if feedback else [])

    if roster is None:
        for student, result in results.items():
            writer.writerow(line(student, result, student))
        report.rows = len(results)
        return buffer.getvalue(), report
    if column not in roster.fieldnames:
        raise ValueError(f"the roster has no column {column!r} for --identifier {identifier}")
    matched, report.unmatched = roster.match(list(results))
    report.rows = len(roster.rows)
    for i, row in enumerate(roster.rows):
        ident = (row.get(column) or "").strip()
        writer.writerow(line(ident, results[matched[i]] if i in matched else None, ident or str(row)))
    return buffer.getvalue(), report


def export_csv(out_dir: str | Path, output: str | Path, title: str, identifier: str = "email",
               roster_path: str | Path | None = None, feedback: bool = True,
               missing: str = "empty") -> Export:
    results = load_results(out_dir)
    roster = read_roster(roster_path) if roster_path else None
    text, report = grades_csv(results, title, identifier, roster, feedback, missing)
    write_atomic(output, text)
    return report
