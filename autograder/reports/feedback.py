"""The per-function view of a result, shared by the terminal, HTML and markdown reports.

A student thinks in functions ("my softmax is wrong"), the rubric in tests.
The grouping, the one headline failure per function, its consequences, the
hint and the blame on a wrong callee all come from `student_lib.feedback`,
the same code `python -m student_lib check` uses; the hints are the
assignment's `assignments/<id>/hints.toml`.
"""
from __future__ import annotations

from student_lib.feedback import FunctionFeedback, is_not_started
from student_lib.feedback import by_function as group
from student_lib.hints import HINTS_FILE, Hints

SHOWN_VISIBILITIES = ("visible", "after_due_date", "after_published")
__all__ = ["FunctionFeedback", "by_function", "hints_for", "is_not_started", "shown_tests",
           "hidden_summary", "fmt"]


def hints_for(assignment_id: str) -> Hints:
    """The assignment's hints (none for an unknown assignment or a missing file)."""
    from autograder.assignments import UnknownAssignment, get
    try:
        return Hints.load(get(assignment_id).handout_dir / HINTS_FILE)
    except UnknownAssignment:
        return Hints()


def shown_tests(result: dict) -> list[dict]:
    """The tests a student may see in detail (Gradescope's `hidden` ones are summed up only)."""
    return [t for t in result.get("tests", []) if t.get("visibility", "visible") in SHOWN_VISIBILITIES]


def by_function(result: dict) -> list[FunctionFeedback]:
    """One FunctionFeedback per function of the shown tests, in rubric order."""
    return group(shown_tests(result), hints_for(result.get("assignment", "")))


def hidden_summary(result: dict) -> tuple[int, float, float]:
    """(count, score, max_score) of the tests not shown in detail."""
    hidden = [t for t in result.get("tests", []) if t.get("visibility", "visible") not in SHOWN_VISIBILITIES]
    return len(hidden), round(sum(t["score"] for t in hidden), 6), round(sum(t["max_score"] for t in hidden), 6)


def fmt(x: float) -> str:
    """2, 2.5, 0.33: scores without float noise."""
    return f"{round(float(x), 2):g}"
