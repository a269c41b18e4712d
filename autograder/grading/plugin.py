"""The autograder's pytest plugin: serve `student` from the sandbox, keep the outcomes.

The rubric machinery (the `grade` marker, fixtures, turning a test into an
outcome) lives in `student_lib.testing`, shared with students' local checks;
this plugin only swaps the backend and hands the outcomes back.
"""
from __future__ import annotations

import pytest

from student_lib.testing import BACKEND_KEY, OutcomeCollector, read_grade


class SandboxPlugin(OutcomeCollector):
    def __init__(self, backend):
        super().__init__()
        self.backend = backend
        self.ungraded: list[str] = []

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config):
        config.stash[BACKEND_KEY] = self.backend

    def pytest_collection_modifyitems(self, items):
        self.ungraded = [item.nodeid for item in items if read_grade(item) is None]
