"""The autograder's pytest plugin: serve `student` from the sandbox, keep the outcomes.

The rubric machinery (the `grade` marker, fixtures, turning a test into an
outcome) lives in `student_lib.testing`, shared with students' local checks;
this plugin only swaps the backend and hands the outcomes back.
"""
from __future__ import annotations

import pytest

from student_lib.testing import BACKEND_KEY, collected_outcomes, read_grade


class SandboxPlugin:
    def __init__(self, backend):
        self.backend = backend
        self.outcomes = []
        self.ungraded: list[str] = []
        self.collection_errors: list[str] = []

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config):
        config.stash[BACKEND_KEY] = self.backend

    def pytest_collectreport(self, report):
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}: {report.longreprtext[-2000:]}")

    def pytest_collection_modifyitems(self, items):
        self.ungraded = [item.nodeid for item in items if read_grade(item) is None]

    def pytest_sessionfinish(self, session):
        self.outcomes = list(collected_outcomes(session.config))
