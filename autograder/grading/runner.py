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
from autograder.assignments import SUITES_DIR, get
from autograder.grading.session import SuiteError, suite_session
from autograder.result import GradeResult
from autograder.sandbox import Limits, SandboxBackend, Zygote
from autograder.submission import SubmissionError, prepare
from grading_contract.calls import StudentError
from student_lib.notebook import CELL_ERRORS, cells_of_module, describe_cell_errors, translate_lines
from grading_contract.rubric import run_pytest

DEFAULT_BUDGET = 120.0   # wall seconds for all of one submission's tests (the manifests' default)


class GradingError(RuntimeError):
    """The suite itself is broken (collection error, test without a grade marker)."""


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


def collect_tests(assignment_id: str) -> list:
    """(Grade, public?) for every test of the assignment, in order; public tests are in the handout."""
    from grading_contract.rubric import read_grade

    public = get(assignment_id).public_tests.resolve()

    class Collect:
        def __init__(self):
            self.items = []

        def pytest_collection_modifyitems(self, items):
            self.items = [(read_grade(i), Path(i.path).resolve() == public) for i in items]

    assignment = get(assignment_id)
    if not assignment.test_files():
        return []
    collector = Collect()
    args = [*(str(p) for p in assignment.test_files()), "-c", str(SUITES_DIR / "pytest.ini"),
            "--rootdir", str(SUITES_DIR), "--collect-only"]
    code = run_pytest(args, [collector])
    if code not in (0, 5) or any(g is None for g, _ in collector.items):
        raise GradingError(f"the {assignment_id} suite does not collect cleanly (exit {int(code)})")
    return collector.items


def _cell_failures(backend) -> list[str]:
    """What the notebook's cells raised, asked of the worker: feedback only, never points."""
    try:
        backend.start_test(5.0)
        return describe_cell_errors(backend.call(CELL_ERRORS, (), {}), "the notebook")
    except StudentError:
        return []


def grade_submission(assignment_id: str, submission: str | Path, *, seed: int = 0, student: str = "",
                     sandbox: Zygote | None = None,
                     limits: Limits | None = None, budget_seconds: float | None = None,
                     functions: tuple[str, ...] = (), images: bool = True) -> GradeResult:
    """Grade one submission in the sandbox. See the module docstring.

    `functions`: run only the tests of these functions (a mutation audit's mutant changes one
    function); the result's tests and max_score are then those of the subset.
    `images`: draw the feedback pictures (False where nobody sees them: the demo's table, an
    audit's mutants; matplotlib costs ~0.2 s a picture). Scores never depend on it.
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
        suite = _suite(assignment_id)
        backend = SandboxBackend(zygote, prepared.path, limits=limits, budget_seconds=budget_seconds)
        cells = cells_of_module(prepared.path.read_text(encoding="utf-8"))   # a notebook's cell map
        error = backend.probe()
        if error is not None:
            error = translate_lines(error, cells) if cells else error
            result = _ungradable(assignment, student, seed, start, error, prepared.sha256,
                                 backend.isolation)
            result.output = backend.output.text()
            return result
        notes = ["; ".join(prepared.notes)] + (_cell_failures(backend) if cells else [])
        tests = suite.run(backend, seed, functions=functions, images=images)
        expected = [g for g in suite.rubric if not functions or g.function in functions]
        if len(tests) != len(expected):
            raise GradingError(f"the {assignment_id} suite reported {len(tests)} outcomes for "
                               f"{len(expected)} tests")
        for t in tests if cells else ():
            t.output = translate_lines(t.output, cells)   # "line 57" of the module -> "cell 4, line 2"
        backend.close()
        top = suite.max_score if not functions else round(sum(g.points for g in expected), 6)
        return GradeResult(assignment.id, student, "graded", seed, time.monotonic() - start, tests,
                           top, output=backend.output.text(),
                           message="\n".join(filter(None, notes)), isolation=backend.isolation,
                           submission_sha256=prepared.sha256,
                           suite_version=suite.version, nngrade_version=__version__)
    finally:
        if backend is not None:
            backend.close()
        if own_zygote:
            zygote.close()
        shutil.rmtree(workdir, ignore_errors=True)
