"""The pytest plugin shared by public tests and hidden suites.

A test is a plain pytest function with a `grade` marker:

    @pytest.mark.grade(points=2, function="relu")
    def test_relu_values(student, rng):
        '''relu gives wrong values on random inputs.'''
        x = rng.normal(size=(4, 5))
        checks.assert_close(student.relu(x), np.maximum(x, 0), what="relu(x)")

Marker arguments: `points` (max score), `function` (the student function it
grades), and optionally `name` (shown in results; default
"<function>: <rest of the test's name>"), `visibility` ("visible", "hidden",
"after_due_date", "after_published") and `timeout` (wall seconds for all the
student calls of the test, default 1; tests that train declare more).

The first line of the docstring is what a student reads when the test fails,
followed by the assertion's message. Fixtures:

- `student`: the submission's functions. Locally the real module; at grade
  time proxies to a sandboxed worker. Either way the student's function gets
  copies of the arguments. `student.last_call` describes the last call:
  `mutated` and `seconds` (CPU) are observed by the caller and may be graded;
  `warnings` and `lines` are reported by the student's process: hints only.
- `seed`: the seed of this grading run (recorded in the result).
- `rng`: a numpy Generator seeded from `seed` and the test's name.
- `credit`: `credit(fraction, message)` gives partial credit; a test that ends
  without an exception scores `fraction * points`.
- `attach`: `attach(title, png_bytes)` shows a picture with the feedback
  (visible cases only); draw it only `if attach.enabled`.

Which backend serves `student` is chosen by whoever runs pytest: the
in-process backend by default (for students), the sandbox when the
autograder registers its plugin.
"""
from __future__ import annotations

import base64
import contextlib
import functools
import importlib.util
import io
import os
import signal
import sys
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from grading_contract.calls import (CallInfo, Handle, NotStarted, StudentError,
                               StudentTimeout, call_student, copy_arguments, import_error,
                               mutated_arguments, not_run_again, out_of_time, plain_result)
from grading_contract.outcome import TestOutcome

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
DEFAULT_TIMEOUT = 1.0   # wall seconds of student calls per test: a default test's calls take <= 0.1 s
BACKEND_KEY = pytest.StashKey["object"]()
RESULTS_KEY = pytest.StashKey[list]()
CREDIT_KEY = pytest.StashKey[list]()
IMAGES_KEY = pytest.StashKey[list]()
GRADE_KEY = pytest.StashKey["Grade | None"]()   # read_grade's answer, per collected item


# ---------------------------------------------------------------- the marker
@dataclass(frozen=True)
class Grade:
    """The rubric entry of one test, read from its `grade` marker."""

    points: float
    function: str
    name: str
    visibility: str = "visible"
    timeout: float = DEFAULT_TIMEOUT


def read_grade(item: pytest.Item) -> Grade | None:
    """The item's rubric entry; remembered on the item (asked ~3 times a test on every run)."""
    if GRADE_KEY in item.stash:
        return item.stash[GRADE_KEY]
    grade = _read_grade(item)
    item.stash[GRADE_KEY] = grade
    return grade


def _read_grade(item: pytest.Item) -> Grade | None:
    mark = item.get_closest_marker("grade")
    if mark is None:
        return None
    kw = dict(mark.kwargs)
    if mark.args:
        kw.setdefault("points", mark.args[0])
    points, function = float(kw["points"]), str(kw["function"])
    visibility = kw.get("visibility", "visible")
    if visibility not in VISIBILITIES:
        raise pytest.UsageError(f"{item.nodeid}: visibility must be one of {VISIBILITIES}")
    name = kw.get("name") or default_name(item, function)
    return Grade(points, function, name, visibility, float(kw.get("timeout", DEFAULT_TIMEOUT)))


def default_name(item: pytest.Item, function: str) -> str:
    """test_relu_grad_at_zero[float32] for relu_grad -> 'relu_grad: at zero [float32]'."""
    base = getattr(item, "originalname", None) or item.name.split("[")[0]
    rest = base.removeprefix("test_")
    rest = rest.removeprefix(function).strip("_") if rest.startswith(function) else rest
    label = f"{function}: {rest.replace('_', ' ') or 'values'}"
    if "[" in item.name:
        label += " [" + item.name.split("[", 1)[1]
    return label


# ------------------------------------------------------- the student facade
class Student:
    """`student.relu(x)` calls the submission's `relu` through a backend."""

    def __init__(self, backend, keep: tuple = ()):
        self._backend = backend
        self._keep = keep

    def with_handles(self, *positions: int) -> "Student":
        """Calls through the result keep these tuple positions in the worker as handles.

        `out, cache = student.with_handles(1).linear_forward(x, W, b)`: the cache
        never leaves the student's process, whatever it is.
        """
        return Student(self._backend, tuple(positions))

    @property
    def last_call(self) -> CallInfo | None:
        return self._backend.last_call

    def measured_costs(self, name: str) -> list[float]:
        """The CPU costs per element of `name` that this submission's tests measured so far.

        Shared by every test that times the same function (checks.assert_vectorised),
        so a function is timed once per submission, not once per test.
        """
        return self._backend.measured_costs.setdefault(name, [])

    def has(self, name: str) -> bool:
        return self._backend.has(name)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)

        def call(*args, **kwargs):
            return self._backend.call(name, args, kwargs, self._keep)
        call.__name__ = name
        return call


class _OutOfTime(BaseException):
    """The local check's timer going off in student code (not an Exception: `except Exception`
    in the student's loop cannot swallow it; it rings again every 0.1 s until it gets out)."""


@contextlib.contextmanager
def _time_limit(deadline: float):
    """Raise _OutOfTime in this (main) thread at `deadline` (time.monotonic); elsewhere, no limit."""
    if deadline == float("inf") or threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        yield
        return

    def ring(signum, frame):
        raise _OutOfTime
    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, max(deadline - time.monotonic(), 1e-3), 0.1)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class InProcessBackend:
    """Runs the student's module in this process (local checks only).

    A test's calls share its timeout, as in the sandbox, and a function that ran out of time is
    not called again (its later tests fail at once): a loop in the student's code ends the test
    with the message grading gives, instead of hanging the check.
    """

    sandboxed = False

    def __init__(self, path: str | Path):
        self.path = str(Path(path).resolve())
        self.last_call: CallInfo | None = None
        self.measured_costs: dict[str, list[float]] = {}   # Student.measured_costs
        self._module = None
        self._handles: dict[int, object] = {}
        self.deadline = float("inf")
        self.timed_out: set[str] = set()

    def module(self):
        if self._module is None:
            name = "student_submission_" + Path(self.path).stem
            spec = importlib.util.spec_from_file_location(name, self.path)
            if spec is None or not os.path.exists(self.path):
                raise StudentError(f"could not find {Path(self.path).name}")
            module = importlib.util.module_from_spec(spec)
            sys.path.insert(0, str(Path(self.path).parent))
            try:
                spec.loader.exec_module(module)
            except (Exception, SystemExit) as exc:  # noqa: BLE001
                raise import_error(exc, self.path) from None
            finally:
                sys.path.pop(0)
            self._module = module
        return self._module

    def has(self, name: str) -> bool:
        return callable(getattr(self.module(), name, None))

    def start_test(self, timeout: float) -> None:
        self.last_call = None
        self.deadline = time.monotonic() + timeout

    def call(self, name: str, args: tuple, kwargs: dict, keep: tuple = ()):
        """As the sandbox does: the student gets copies, in-place writes are seen by comparing."""
        if name in self.timed_out:
            raise not_run_again(name)
        fn = getattr(self.module(), name, None)
        if not callable(fn):
            raise StudentError(f"{Path(self.path).name} has no function `{name}`; "
                               f"define it with exactly this name", name)
        args = tuple(self._unwrap(a) for a in args)
        kwargs = {k: self._unwrap(v) for k, v in kwargs.items()}
        passed = copy_arguments([*args, *kwargs.values()])
        cpu, wall = time.thread_time(), time.perf_counter()
        try:
            with _time_limit(self.deadline):
                value, report = call_student(fn, name, tuple(passed[:len(args)]),
                                             dict(zip(kwargs, passed[len(args):])), self.path)
        except _OutOfTime:
            self.timed_out.add(name)
            raise out_of_time(f"running {name}", name) from None
        info = CallInfo(name, report.warnings, seconds=time.thread_time() - cpu, lines=report.lines,
                        wall_seconds=time.perf_counter() - wall)
        info.mutated = mutated_arguments(report.names, [*args, *kwargs.values()], passed)
        self.last_call = info
        return plain_result(value, lambda v: self._handle(v, name), keep)

    def _handle(self, value, function: str) -> Handle:
        handle = Handle(len(self._handles) + 1, type(value).__name__, function)
        self._handles[handle.id] = value
        return handle

    def _unwrap(self, value):
        if isinstance(value, Handle):
            return self._handles[value.id]
        if type(value) in (list, tuple):
            return type(value)(self._unwrap(v) for v in value)
        if type(value) is dict:
            return {k: self._unwrap(v) for k, v in value.items()}
        return value

    def close(self) -> None:
        self._handles.clear()


# ----------------------------------------------------------------- fixtures
def pytest_addoption(parser):
    group = parser.getgroup("nngrade")
    group.addoption("--student-file", default=None,
                    help="the student's file (default: <ASSIGNMENT>.py next to the tests)")
    group.addoption("--nngrade-seed", type=int, default=0, help="seed of this run")
    group.addoption("--nngrade-no-images", action="store_true",
                    help="skip drawing pictures for feedback (local checks never show them)")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "grade(points, function, name=None, visibility='visible', timeout=1): "
        "rubric entry of a graded test")
    config.stash[RESULTS_KEY] = []


def _backend(request):
    config = request.config
    if BACKEND_KEY not in config.stash:
        path = config.getoption("--student-file")
        if path is None:
            assignment = getattr(request.module, "ASSIGNMENT", None)
            if assignment is None:
                raise pytest.UsageError("set ASSIGNMENT in the test module or pass --student-file")
            path = Path(request.module.__file__).parent / f"{assignment}.py"
        config.stash[BACKEND_KEY] = InProcessBackend(path)
    return config.stash[BACKEND_KEY]


@pytest.fixture
def student(request) -> Student:
    return start_student(_backend(request), request.node)


@pytest.fixture(scope="session")   # once per run: grading sets the option before each submission's run,
def seed(pytestconfig) -> int:      # and the run's last test tears every fixture down
    return run_seed(pytestconfig)


@pytest.fixture
def rng(request, seed) -> np.random.Generator:
    return seeded_rng(seed, request.node.name)


@pytest.fixture
def credit(request):
    """credit(fraction, message): partial credit for this test."""
    return credit_giver(request.node)


@pytest.fixture
def attach(request):
    """attach(title, png_bytes): a picture shown with this test's feedback.

    Only for visible cases: never draw a hidden target.
    """
    return picture_attacher(request.node, request.config)


# What the fixtures above give, for a test run without pytest's fixture machinery
# (autograder/grading/fast_setup.py): one definition for both ways.
def start_student(backend, item: pytest.Item) -> Student:
    """The `student` of a test: its calls share the test's timeout (its grade marker's)."""
    grade = read_grade(item)
    backend.start_test(grade.timeout if grade else DEFAULT_TIMEOUT)
    return Student(backend)


def run_seed(config: pytest.Config) -> int:
    return int(config.getoption("--nngrade-seed"))


def seeded_rng(seed: int, test_name: str) -> np.random.Generator:
    """np.random.default_rng([seed, crc32(test_name)]): the same stream, from a remembered seed
    sequence (building one costs 20 of default_rng's ~30 µs; each graded test asks once per run)."""
    return np.random.Generator(np.random.PCG64(_seed_sequence(seed, test_name)))


@functools.lru_cache(maxsize=4096)
def _seed_sequence(seed: int, test_name: str) -> np.random.SeedSequence:
    return np.random.SeedSequence([seed, zlib.crc32(test_name.encode())])   # never changed by use


def credit_giver(item: pytest.Item):
    store = item.stash.setdefault(CREDIT_KEY, [])

    def give(fraction: float, message: str = "") -> None:
        store[:] = [min(1.0, max(0.0, float(fraction))), message]
    return give


def picture_attacher(item: pytest.Item, config: pytest.Config):
    store = item.stash.setdefault(IMAGES_KEY, [])

    def add(title: str, png: bytes) -> None:
        store.append({"title": str(title), "png_base64": base64.b64encode(png).decode("ascii")})
    add.enabled = not config.getoption("--nngrade-no-images")   # draw only when True
    return add


# --------------------------------------------------------- collecting results
def describe_failure(item: pytest.Item, exc: BaseException) -> tuple[str, str]:
    """(status, message for the student) for an exception that ended a test."""
    doc = (item.function.__doc__ or "").strip().splitlines()
    headline = doc[0].strip() if doc else ""
    if isinstance(exc, StudentError):
        return exc.status, str(exc)
    if isinstance(exc, AssertionError):
        detail = str(exc).strip()
        return "failed", "\n".join(p for p in (headline, detail) if p)
    if isinstance(exc, (pytest.skip.Exception, pytest.fail.Exception)):
        return "failed", "\n".join(p for p in (headline, str(exc.msg)) if p)
    text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return "error", "\n".join(p for p in (
        headline, f"The grader could not use what your function returned ({type(exc).__name__}"
        + (f": {text}" if text else "") + ").") if p)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    record_outcome(item, call, report.passed)


def record_outcome(item: pytest.Item, call: pytest.CallInfo, passed: bool) -> None:
    """The test's `TestOutcome`, once: from its setup if that did not pass, else from its call.

    `passed`: the phase's report passed (for a setup, no exception; a teardown is never graded).
    """
    grade = read_grade(item)
    if grade is None or call.when == "teardown" or (call.when == "setup" and passed):
        return
    results = item.config.stash[RESULTS_KEY]
    if results and results[-1].nodeid == item.nodeid:
        return
    fraction, message = 1.0, ""
    if call.excinfo is not None:
        status, message = describe_failure(item, call.excinfo.value)
        fraction = 0.0
    else:
        fraction, message = (item.stash.get(CREDIT_KEY, None) or [1.0, ""])
        status = "passed" if fraction >= 1.0 else "failed"
        if status == "failed" and not message:
            doc = (item.function.__doc__ or "").strip().splitlines()
            message = doc[0] if doc else "partial credit"
    results.append(TestOutcome(grade.name, grade.function, round(fraction * grade.points, 6),
                               grade.points, status, grade.visibility, message,
                               item.stash.get(IMAGES_KEY, []), item.nodeid))


def collected_outcomes(config) -> list[TestOutcome]:
    return config.stash[RESULTS_KEY]


class OutcomeCollector:
    """A pytest plugin object: the run's outcomes and its collection errors, once it ends."""

    def __init__(self):
        self.outcomes: list[TestOutcome] = []
        self.collection_errors: list[str] = []

    def pytest_collectreport(self, report):
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}: {report.longreprtext.strip()[-2000:]}")

    def pytest_sessionfinish(self, session):
        self.outcomes = list(collected_outcomes(session.config))


# ------------------------------------------------------------ running pytest
LEAN_ARGS = ["-p", "grading_contract.rubric", "-p", "no:cacheprovider", "-p", "no:terminal",
             "-p", "no:warnings", "-p", "no:doctest", "-p", "no:junitxml", "-p", "no:pastebin",
             "-p", "no:logging", "-p", "no:faulthandler", "-p", "no:stepwise", "-p", "no:debugging",
             "-p", "no:unraisableexception", "-p", "no:threadexception", "-p", "no:setuponly",
             "-p", "no:setupplan", "-p", "no:legacypath", "--noconftest", "--assert=plain",
             "--capture=no"]


class _Lean:
    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, items):
        # Nobody reads pytest's own failure report (students read our messages), and its
        # default style re-parses the test file for every failure: seconds per run.
        for item in items:
            item.repr_failure = lambda excinfo: excinfo.exconly()


def run_pytest(args: list[str], plugins: list) -> int:
    """pytest.main for graded runs: only the plugins grading needs, nothing printed.

    Third-party plugins are not loaded (they cost start-up time and could change
    how tests run); pytest's own output goes nowhere.
    """
    saved = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            return pytest.main(list(args) + LEAN_ARGS, plugins=[_Lean(), *plugins])
    finally:
        if saved is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = saved


def outcomes_in_process(test_files, student_file, *args: str, seed: int = 0,
                        plugins: list = ()) -> list[TestOutcome]:
    """Run tests on a student's file in this process (the local backend); their outcomes.

    `args` are extra pytest arguments, e.g. "-k", "not train_mlp".
    """
    collector = OutcomeCollector()
    run_pytest([*(str(p) for p in test_files), "--student-file", str(student_file),
                "--nngrade-seed", str(seed), *args], [collector, *plugins])
    return collector.outcomes


__all__ = ["Grade", "Handle", "InProcessBackend", "NotStarted", "Student", "StudentError",
           "StudentTimeout", "TestOutcome", "OutcomeCollector", "read_grade", "collected_outcomes",
           "outcomes_in_process", "run_pytest"]
