"""grade_submission: one submission in, one `GradeResult` out.

    submission ──prepare──▶ <tmp>/<id>.py ──probe import──▶ pytest(public + hidden suite)
                                                 │                    │ student.f(x)
                                                 ▼                    ▼
                                           ungradable         sandboxed worker

The grading process runs the suites; student code runs only in workers.
A bad submission never raises here: it becomes an `ungradable` result or
failed tests. A broken *suite* raises `GradingError` (that is our bug).
"""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pytest

from autograder import __version__
from autograder.assignments import ROOT, SOLUTIONS_DIR, SUITES_DIR, get
from autograder.grading.plugin import SandboxPlugin
from autograder.result import GradeResult
from autograder.sandbox import Limits, SandboxBackend, Zygote
from autograder.submission import SubmissionError, prepare
from student_lib.testing import run_pytest

DEFAULT_BUDGET = 120.0   # wall seconds for all of one submission's tests (the manifests' default)


class GradingError(RuntimeError):
    """The suite itself is broken (collection error, test without a grade marker)."""


def _ungradable(assignment, student, seed, start, message, sha="", isolation=None) -> GradeResult:
    return GradeResult(assignment.id, student, "ungradable", seed, time.monotonic() - start, [],
                       max_score(assignment.id), message=message, isolation=isolation or {},
                       submission_sha256=sha, suite_version=assignment.suite_version(),
                       nngrade_version=__version__)


_MAX_SCORES: dict[str, float] = {}


def max_score(assignment_id: str) -> float:
    """The assignment's max score, from collecting its tests (no student code involved)."""
    if assignment_id not in _MAX_SCORES:
        _MAX_SCORES[assignment_id] = sum(g.points for g in collect_rubric(assignment_id))
    return _MAX_SCORES[assignment_id]


def collect_rubric(assignment_id: str) -> list:
    """The `Grade` entries of every test of the assignment, in order."""
    from student_lib.testing import read_grade

    class Collect:
        def __init__(self):
            self.items = []

        def pytest_collection_modifyitems(self, items):
            self.items = [read_grade(i) for i in items]

    assignment = get(assignment_id)
    if not assignment.test_files():
        return []
    collector = Collect()
    code = run_pytest(_pytest_args(get(assignment_id), 0) + ["--collect-only"], [collector])
    if code not in (0, 5) or any(g is None for g in collector.items):
        raise GradingError(f"the {assignment_id} suite does not collect cleanly (exit {int(code)})")
    return collector.items


class OnlyFunctions:
    """Deselects the tests of other functions."""

    def __init__(self, functions):
        self.functions = set(functions)

    def pytest_collection_modifyitems(self, config, items):
        from student_lib.testing import read_grade
        grades = [read_grade(item) for item in items]
        keep = [i for i, g in zip(items, grades) if g is None or g.function in self.functions]
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep


def _pytest_args(assignment, seed: int) -> list[str]:
    return [*(str(p) for p in assignment.test_files()), "-c", str(SUITES_DIR / "pytest.ini"),
            "--rootdir", str(SUITES_DIR), "--nngrade-seed", str(seed)]


def grade_submission(assignment_id: str, submission: str | Path, *, seed: int = 0, student: str = "",
                     sandbox: Zygote | None = None,
                     limits: Limits | None = None, budget_seconds: float | None = None,
                     functions: tuple[str, ...] = ()) -> GradeResult:
    """Grade one submission in the sandbox. See the module docstring.

    `functions`: run only the tests of these functions (a mutation audit's mutant changes one
    function); the result's tests and max_score are then those of the subset.
    """
    start = time.monotonic()
    assignment = get(assignment_id)
    budget_seconds = budget_seconds or assignment.submission_seconds
    submission = Path(submission)
    workdir = Path(tempfile.mkdtemp(prefix="nngrade-sub-"))
    own_zygote = sandbox is None
    zygote = sandbox or Zygote(packages=assignment.worker_packages)   # the manifest's allow-list
    backend = None
    try:
        try:
            prepared = prepare(submission, assignment.student_file, workdir)
        except SubmissionError as exc:
            return _ungradable(assignment, student, seed, start, str(exc))
        zygote.start()
        backend = SandboxBackend(zygote, prepared.path, limits=limits, budget_seconds=budget_seconds)
        error = backend.probe()
        if error is not None:
            result = _ungradable(assignment, student, seed, start, error, prepared.sha256,
                                 backend.isolation)
            result.output = backend.output.text()
            return result
        if not assignment.test_files():
            raise GradingError(f"the {assignment_id} assignment has no tests")
        plugin = SandboxPlugin(backend)
        code = run_pytest(_pytest_args(assignment, seed),
                          [plugin] + ([OnlyFunctions(functions)] if functions else []))
        if plugin.collection_errors or plugin.ungraded or code in (pytest.ExitCode.INTERNAL_ERROR,
                                                                   pytest.ExitCode.USAGE_ERROR):
            raise GradingError(f"the {assignment_id} suite is broken (pytest exit {int(code)}): "
                               + "; ".join(plugin.collection_errors + plugin.ungraded)[:4000])
        tests = plugin.outcomes
        backend.close()
        return GradeResult(assignment.id, student, "graded", seed, time.monotonic() - start, tests,
                           round(sum(t.max_score for t in tests), 6), output=backend.output.text(),
                           message="; ".join(prepared.notes), isolation=backend.isolation,
                           submission_sha256=prepared.sha256,
                           suite_version=assignment.suite_version(), nngrade_version=__version__)
    finally:
        if backend is not None:
            backend.close()
        if own_zygote:
            zygote.close()
        shutil.rmtree(workdir, ignore_errors=True)
