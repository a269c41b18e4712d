"""A class folder → {student: Python source}, read exactly as `nngrade batch` reads it.

    sources, skipped, problems = read_class("backprop", "submissions/")

Discovery (`autograder.batch.discover`) finds each student's file or folder in
any layout batch knows; the submission loader (`autograder.submission`) turns
it into one Python source (a notebook's code cells, the right file of a zip).
Nothing is run. A submission that cannot be read is listed in `skipped` with
the loader's own message, never fatal.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from autograder.assignments import get
from autograder.batch.discover import discover
from autograder.submission import SubmissionError, prepare
from student_lib.notebook import cells_of_module


def read_class(assignment_id: str, root: str | Path) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """(sources, skipped {student: why}, problems with the folder). Raises DiscoveryError."""
    student_file = get(assignment_id).student_file
    sources: dict[str, str] = {}
    skipped: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="nngrade-similarity-") as staging:
        found = discover(root, assignment_id, Path(staging) / "class")
        for entry in found.entries:
            if entry.error:
                skipped[entry.student] = entry.error
                continue
            with tempfile.TemporaryDirectory(prefix="nngrade-read-", dir=staging) as tmp:
                try:
                    prepared = prepare(entry.path, student_file, Path(tmp))
                    sources[entry.student] = code_of(prepared.path.read_text(encoding="utf-8"))
                except SubmissionError as exc:
                    skipped[entry.student] = str(exc)
                except OSError as exc:
                    skipped[entry.student] = f"{entry.origin} could not be read ({exc.strerror or exc})"
    return sources, skipped, found.problems


def code_of(source: str) -> str:
    """What the student wrote: a converted notebook's code cells joined, any other file as it is."""
    cells = cells_of_module(source)
    return source if cells is None else "\n\n".join(cell.source for cell in cells)


def baseline(assignment_id: str) -> list[str]:
    """The sources whose passages never count: the scaffold and, in a checkout, the reference solution."""
    assignment = get(assignment_id)
    paths = [assignment.scaffold, assignment.solution]
    return [p.read_text(encoding="utf-8") for p in paths if p is not None and p.exists()]
