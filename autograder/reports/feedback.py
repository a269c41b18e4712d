"""The per-function view of a result, shared by the HTML and markdown reports.

A student thinks in functions ("my softmax is wrong"), the rubric in tests;
this groups the tests of a result dict by the function they grade, decides a
state for each function and picks the hint for its failures.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from student_lib.hints import hint_for

SHOWN_VISIBILITIES = ("visible", "after_due_date", "after_published")


@dataclass
class FunctionFeedback:
    function: str
    tests: list[dict] = field(default_factory=list)
    hint: str = ""

    @property
    def score(self) -> float:
        return round(sum(t["score"] for t in self.tests), 6)

    @property
    def max_score(self) -> float:
        return round(sum(t["max_score"] for t in self.tests), 6)

    @property
    def state(self) -> str:
        """"passed", "not started" or "lost points"."""
        lost = [t for t in self.tests if t["score"] < t["max_score"]]
        if not lost:
            return "passed"
        if all(is_not_started(t) for t in lost):
            return "not started"
        return "lost points"

    def problems(self) -> list[dict]:
        return [t for t in self.tests if t["score"] < t["max_score"] and not is_not_started(t)]


def is_not_started(test: dict) -> bool:
    first = (test.get("output") or "").split("\n")[0]
    return test["status"] == "error" and " is not implemented yet" in first


def shown_tests(result: dict) -> list[dict]:
    """The tests a student may see in detail (Gradescope's `hidden` ones are summed up only)."""
    return [t for t in result.get("tests", []) if t.get("visibility", "visible") in SHOWN_VISIBILITIES]


def by_function(result: dict) -> list[FunctionFeedback]:
    groups: dict[str, FunctionFeedback] = {}
    for t in shown_tests(result):
        groups.setdefault(t["function"], FunctionFeedback(t["function"])).tests.append(t)
    for g in groups.values():
        problems = g.problems()
        if problems:
            g.hint = hint_for(result.get("assignment", ""), g.function, hint_text(problems))
    return list(groups.values())


def hint_text(tests: list[dict]) -> str:
    """What hints are matched against: test names and our messages, not the student's exceptions."""
    return " ".join(t["name"] + (" " + (t.get("output") or "") if t["status"] == "failed" else "")
                    for t in tests)


def hidden_summary(result: dict) -> tuple[int, float, float]:
    """(count, score, max_score) of the tests not shown in detail."""
    hidden = [t for t in result.get("tests", []) if t.get("visibility", "visible") not in SHOWN_VISIBILITIES]
    return len(hidden), round(sum(t["score"] for t in hidden), 6), round(sum(t["max_score"] for t in hidden), 6)


def fmt(x: float) -> str:
    """2, 2.5, 0.33: scores without float noise."""
    return f"{round(float(x), 2):g}"
