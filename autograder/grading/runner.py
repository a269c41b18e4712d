"""grade_submission: one submission in, one `GradeResult` out.

    submission ──prepare──▶ <tmp>/<id>.py ──probe import──▶ pytest(public + hidden suite)
                                                 │                    │ student.f(x)
                                                 ▼                    ▼
                                           ungradable         sandboxed worker

The grading process runs the suites; student code runs only in workers. The
suite is collected once per process and suite version (`session.py`); every
submission runs the collected tests again, and an edited suite is collected
anew before the next submission.
A bad submission never raises here: it becomes an `ungradable` result or
failed tests. A broken *suite* raises `GradingError` (that is our bug).
"""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from autograder import __version__
from autograder.assignments import ROOT, SOLUTIONS_DIR, SUITES_DIR, get
from autograder.grading.session import SuiteError, suite_session
from autograder.result import GradeResult
from autograder.sandbox import Limits, SandboxBackend, Zygote
from autograder.submission import SubmissionError, prepare

DEFAULT_BUDGET = 120.0   # wall seconds for all of one submission's tests


class GradingError(RuntimeError):
    """The suite itself is broken (collection error, test without a grade marker)."""


def folders_to_hide(extra: list[Path]) -> list[Path]:
    """What a worker must never read: suites, solutions, the repo's history and tests, results."""
    fixed = [SUITES_DIR, SOLUTIONS_DIR, ROOT / "tests", ROOT / ".git", ROOT / "benchmarks",
             ROOT / "autograder" / "examples"]
    return [p for p in fixed + [Path(e) for e in extra] if p.exists()]


def folders_to_keep() -> list[Path]:
    """What a worker needs: Python, numpy, student_lib (never hidden, even if nested)."""
    import sys

    import numpy

    import student_lib
    paths = [Path(sys.prefix), Path(sys.base_prefix), Path(numpy.__file__).parent,
             Path(student_lib.__file__).parent, Path(tempfile.gettempdir())]
    return [p.resolve() for p in paths]


def _suite(assignment_id: str):
    try:
        return suite_session(assignment_id)    # the current suite, collected once per version
    except SuiteError as exc:
        raise GradingError(f"the {assignment_id} suite is broken: {exc}") from None


def _ungradable(assignment, student, seed, start, message, sha="", isolation=None) -> GradeResult:
    suite = _suite(assignment.id)
    return GradeResult(assignment.id, student, "ungradable", seed, time.monotonic() - start, [],
                       suite.max_score, message=message, isolation=isolation or {},
                       submission_sha256=sha, suite_version=suite.version,
                       nngrade_version=__version__)


def max_score(assignment_id: str) -> float:
    """The assignment's max score, from its current suite (no student code involved)."""
    return sum(g.points for g in collect_rubric(assignment_id))


def collect_rubric(assignment_id: str) -> list:
    """The `Grade` entries of every test of the assignment's current suite, in order."""
    if not get(assignment_id).test_files():
        return []
    return list(_suite(assignment_id).rubric)


def grade_submission(assignment_id: str, submission: str | Path, *, seed: int = 0, student: str = "",
                     sandbox: Zygote | None = None, hide: list[Path] = (),
                     limits: Limits | None = None, budget_seconds: float = DEFAULT_BUDGET) -> GradeResult:
    """Grade one submission in the sandbox. See the module docstring."""
    start = time.monotonic()
    assignment = get(assignment_id)
    submission = Path(submission)
    workdir = Path(tempfile.mkdtemp(prefix="nngrade-sub-"))
    own_zygote = sandbox is None
    zygote = sandbox or Zygote()
    backend = None
    try:
        try:
            prepared = prepare(submission, assignment.student_file, workdir)
        except SubmissionError as exc:
            return _ungradable(assignment, student, seed, start, str(exc))
        zygote.start()                 # a new zygote starts up while the suite is collected here
        suite = _suite(assignment_id)
        backend = SandboxBackend(zygote, prepared.path, limits=limits, budget_seconds=budget_seconds,
                                 hide=folders_to_hide([submission.resolve().parent, *hide]),
                                 keep=folders_to_keep())
        error = backend.probe()
        if error is not None:
            result = _ungradable(assignment, student, seed, start, error, prepared.sha256,
                                 backend.isolation)
            result.output = backend.output.text()
            return result
        tests = suite.run(backend, seed)
        if len(tests) != len(suite.rubric):
            raise GradingError(f"the {assignment_id} suite reported {len(tests)} outcomes for "
                               f"{len(suite.rubric)} tests")
        backend.close()
        return GradeResult(assignment.id, student, "graded", seed, time.monotonic() - start, tests,
                           suite.max_score, output=backend.output.text(),
                           message="; ".join(prepared.notes), isolation=backend.isolation,
                           submission_sha256=prepared.sha256,
                           suite_version=suite.version, nngrade_version=__version__)
    finally:
        if backend is not None:
            backend.close()
        if own_zygote:
            zygote.close()
        shutil.rmtree(workdir, ignore_errors=True)
