"""A pytest plugin that writes into each graded outcome what it checked and what was seen.

    run_pytest(args, [collector, RecordDiagnosis()])

`property`: from the `grade` marker's `property=` or the test's shown name
(`student_lib.properties`). `symptom`: the code carried by the failure a check
raised (`student_lib.checks.CheckFailed`), "" for other failures. Both are
computed in the process that runs the tests, i.e. the grader's, never by
student code; reports and `check` pick the headline and the hint from them.
"""
from __future__ import annotations

import pytest

from student_lib.properties import property_of
from grading_contract.rubric import collected_outcomes, read_grade


class RecordDiagnosis:
    """pytest plugin: each graded outcome gets its `property` and its failure's `symptom`."""

    def __init__(self):
        self._seen: dict[str, tuple[str, str]] = {}

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        yield
        self.record(item, call)

    def record(self, item, call) -> None:
        """The graded test's property, and its failure's symptom (the first phase's that had one)."""
        mark = item.get_closest_marker("grade")
        if mark is None:
            return
        symptom = getattr(call.excinfo.value, "symptom", "") if call.excinfo is not None else ""
        before = self._seen.get(item.nodeid, ("", ""))
        if call.when != "teardown" and not before[1]:
            self._seen[item.nodeid] = (property_of(read_grade(item).name, mark.kwargs.get("property")),
                                       symptom)

    def reset(self) -> None:
        """Forget the last run (a collected session runs its tests once per submission)."""
        self._seen.clear()

    def apply(self, outcomes) -> None:
        for outcome in outcomes:
            if outcome.nodeid in self._seen:
                outcome.property, outcome.symptom = self._seen[outcome.nodeid]

    def pytest_sessionfinish(self, session):
        self.apply(collected_outcomes(session.config))
