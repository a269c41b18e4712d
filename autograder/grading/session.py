"""A collected pytest session, kept for the life of a grading process and re-run per submission.

    session = suite_session("activations")      # collects once per suite version
    outcomes = session.run(backend, seed=3)     # every test, pytest's fixtures and hooks

Calling `pytest.main` for every submission re-parses the options, reloads the
plugins and re-collects ~130 tests each time (pytest's docs also warn that
repeated `pytest.main` calls in one process reuse the imported test modules,
so an edited suite was silently graded with its old code). Here the suite is
collected once; each submission runs the same items (through a lean copy of
pytest's runtest protocol, `_run_lean`; a test whose fixtures are all the rubric
plugin's gets them from `fast_setup.py`), with the submission's sandbox backend
and seed swapped in. The last item of a run tears every fixture down, so nothing
set up for one submission is seen by the next.

Never a stale rubric: `suite_session` hashes the suite's files
(`Assignment.suite_version`) on every call. The same version returns the same
collected session; a new version closes the old session, forgets the suite's
modules (and their bytecode) and collects again. One session per thread, as
the sandbox zygote.
"""
from __future__ import annotations

import contextlib
import importlib
import io
import os
import sys
import threading
import types
from pathlib import Path

import _pytest.fixtures
import pytest

from autograder.grading import fast_setup
from student_lib.diagnosis import RecordDiagnosis
from grading_contract.outcome import TestOutcome
from grading_contract.rubric import (BACKEND_KEY, CREDIT_KEY, IMAGES_KEY, LEAN_ARGS, RESULTS_KEY,
                                 Grade, read_grade, record_outcome)


class SuiteError(RuntimeError):
    """The suite does not collect cleanly, or has a test without a `grade` marker."""


class _Quiet:
    """Nobody reads pytest's own output or failure reports here (students read our messages)."""

    def __init__(self):
        self.collection_errors: list[str] = []

    def pytest_collectreport(self, report):
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}: {report.longreprtext.strip()[-2000:]}")

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, items):
        for item in items:    # pytest's default style re-parses the test file for every failure
            item.repr_failure = lambda excinfo: excinfo.exconly()


@contextlib.contextmanager
def _silent_and_lean():
    saved = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"     # third-party plugins could change runs
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
                _argnames_remembered():
            yield
    finally:
        if saved is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = saved


_ARGNAMES: dict[tuple, tuple[str, ...]] = {}
_argnames_users = [0]             # runs in progress (sessions may run in several threads)
_argnames_lock = threading.Lock()
_ORIGINAL_GETFUNCARGNAMES = _pytest.fixtures.getfuncargnames


def _remembered_getfuncargnames(function, *, name: str = "", cls=None):
    if cls is not None or type(function) is not types.FunctionType or hasattr(function, "__wrapped__"):
        return _ORIGINAL_GETFUNCARGNAMES(function, name=name, cls=cls)
    key = (function.__code__, len(function.__defaults__ or ()), tuple(function.__kwdefaults__ or ()))
    if key not in _ARGNAMES:
        _ARGNAMES[key] = _ORIGINAL_GETFUNCARGNAMES(function, name=name, cls=cls)
    return _ARGNAMES[key]


@contextlib.contextmanager
def _argnames_remembered():
    """pytest reads a fixture function's argument names with `inspect.signature` each time it
    makes a fixture definition, and it makes one for every fixture taking `request` on every
    use (~1 500 a submission of activations, ~40 µs each). For a plain function the names
    depend only on its code and defaults: while a grading run is in progress they are
    remembered by those (`_pytest.fixtures.getfuncargnames`, restored after the last run)."""
    with _argnames_lock:
        _argnames_users[0] += 1
        _pytest.fixtures.getfuncargnames = _remembered_getfuncargnames
    try:
        yield
    finally:
        with _argnames_lock:
            _argnames_users[0] -= 1
            if not _argnames_users[0]:
                _pytest.fixtures.getfuncargnames = _ORIGINAL_GETFUNCARGNAMES


class SuiteSession:
    """One assignment's tests, collected once; `run` grades one submission with them.

    `files`: the test files in rubric order; `rootdir`, `inifile`: pytest's
    settings for grading runs. `version` is the suite version that was collected.
    """

    def __init__(self, files: list[Path], rootdir: Path, inifile: Path, version: str = ""):
        from _pytest.config import _prepareconfig   # pytest.main without its session loop
        from _pytest.main import Session

        self.files, self.version = [Path(f) for f in files], version
        self._quiet = _Quiet()
        self._diagnosis = RecordDiagnosis()    # each outcome's property and symptom
        self._open = False
        args = [*(str(f) for f in self.files), "-c", str(inifile), "--rootdir", str(rootdir), *LEAN_ARGS]
        with _silent_and_lean():
            self.config = _prepareconfig(args, [self._quiet, self._diagnosis])
            try:
                self.config._do_configure()
                self._open = True
                self.session = Session.from_config(self.config)
                self.config.hook.pytest_sessionstart(session=self.session)
                self.config.hook.pytest_collection(session=self.session)
            except BaseException:
                self.config._ensure_unconfigure()
                raise
        self.items: list[pytest.Item] = list(self.session.items)
        grades = [read_grade(item) for item in self.items]
        ungraded = [item.nodeid for item, g in zip(self.items, grades) if g is None]
        if self._quiet.collection_errors or ungraded:
            self.close()
            raise SuiteError("; ".join(self._quiet.collection_errors
                                       + [f"{n}: no grade marker" for n in ungraded])[:4000])
        self.rubric: list[Grade] = grades
        self._lean = {item.nodeid: not any(any(item.iter_markers(m)) for m in ("skip", "skipif", "xfail"))
                      for item in self.items}   # marks only pytest's own protocol evaluates
        self.filled = {item.nodeid for item in self.items     # set up by fast_setup.fill, not by pytest
                       if self._lean[item.nodeid] and fast_setup.can_fill(item)}

    @property
    def max_score(self) -> float:
        return round(sum(g.points for g in self.rubric), 6)

    def run(self, backend, seed: int = 0, functions: tuple[str, ...] = (),
            images: bool = True) -> list[TestOutcome]:
        """Run every collected test (or those of `functions`) against `backend`; their outcomes.

        `images`: let tests draw their feedback pictures (the `attach` fixture's `enabled`).
        """
        items = [item for item, grade in zip(self.items, self.rubric)
                 if not functions or grade.function in functions]
        config = self.config
        config.stash[BACKEND_KEY] = backend
        config.stash[RESULTS_KEY] = []
        config.option.nngrade_seed = int(seed)
        config.option.nngrade_no_images = not images
        self._diagnosis.reset()
        for item in self.items:           # partial credit and pictures are per submission
            for key in (CREDIT_KEY, IMAGES_KEY):
                if key in item.stash:
                    del item.stash[key]
        try:
            with _silent_and_lean():
                for i, item in enumerate(items):
                    nextitem = items[i + 1] if i + 1 < len(items) else None
                    if self._lean[item.nodeid]:
                        _run_lean(item, nextitem, self._record if item.nodeid in self.filled else None)
                    else:
                        item.ihook.pytest_runtest_protocol(item=item, nextitem=nextitem)
        finally:
            self.session._setupstate.teardown_exact(None)    # even after Ctrl-C: a clean slate
            del config.stash[BACKEND_KEY]
        outcomes = list(config.stash[RESULTS_KEY])
        self._diagnosis.apply(outcomes)
        return outcomes

    def _record(self, item: pytest.Item, call: pytest.CallInfo) -> None:
        """What the makereport hooks record for a test set up by `fast_setup.fill`: its outcome and
        its diagnosis (pytest's report itself is read by nobody; such a test has no skip/xfail mark)."""
        self._diagnosis.record(item, call)
        record_outcome(item, call, call.excinfo is None)

    def close(self) -> None:
        if self._open:
            self._open = False
            with _silent_and_lean(), contextlib.suppress(Exception):
                self.config.hook.pytest_sessionfinish(session=self.session, exitstatus=0)
            with _silent_and_lean(), contextlib.suppress(Exception):
                self.config._ensure_unconfigure()


_RERAISE = (pytest.exit.Exception, KeyboardInterrupt)


def _run_lean(item: pytest.Item, nextitem: pytest.Item | None, record=None) -> None:
    """pytest's runtest protocol for one test, less what nobody reads when grading.

    Same setup, call and teardown of fixtures as `pytest_runtest_protocol`, and the same
    `pytest_runtest_makereport` hooks, which record the outcome (grading_contract.rubric);
    left out: the log hooks, the setup and teardown reports, the PYTEST_CURRENT_TEST
    variable and the debugger hooks: a third of pytest's cost per test (1.0 -> 0.7 ms,
    `benchmarks/pytest_overhead.py`). A test with a
    skip/skipif/xfail mark goes through the whole protocol instead (see `SuiteSession.run`).
    `record(item, call)`: the test needs only fixtures that `fast_setup.fill` gives, without
    pytest's fixture machinery, and `record` notes its outcome in place of the makereport hooks
    (its teardown still closes what earlier tests set up through pytest).
    """
    if record is not None:
        setup = pytest.CallInfo.from_call(lambda: fast_setup.fill(item), "setup", reraise=_RERAISE)
    else:
        if hasattr(item, "_request") and not item._request:
            item._initrequest()    # the last run of this item dropped its fixture request
        setup = pytest.CallInfo.from_call(lambda: item.session._setupstate.setup(item), "setup",
                                          reraise=_RERAISE)
    call = setup if setup.excinfo is not None else \
        pytest.CallInfo.from_call(item.runtest, "call", reraise=_RERAISE)
    try:
        if record is not None:
            record(item, call)
        else:
            item.ihook.pytest_runtest_makereport(item=item, call=call)
    finally:
        pytest.CallInfo.from_call(lambda: item.session._setupstate.teardown_exact(nextitem), "teardown",
                                  reraise=_RERAISE)    # a teardown error changes no outcome
        if hasattr(item, "_request"):
            item._request = False
            item.funcargs = None


def forget_modules(folders: list[Path], files: list[Path], bytecode: bool = False) -> None:
    """Drop imported modules defined under `folders` or in `files` (and, if asked, their bytecode).

    Python checks bytecode by mtime and size only: after an edit within the same
    second that keeps the size, the old bytecode would be imported.
    """
    folders = [f.resolve() for f in folders]
    files = {f.resolve() for f in files}
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if not path:
            continue
        path = Path(path).resolve()
        if path in files or any(path.is_relative_to(f) for f in folders):
            del sys.modules[name]
            cached = getattr(module, "__cached__", None)
            if bytecode and cached:
                with contextlib.suppress(OSError):
                    os.remove(cached)
    importlib.invalidate_caches()


_local = threading.local()


def suite_session(assignment_id: str) -> SuiteSession:
    """This thread's collected session of the assignment's current suite (see module docstring)."""
    from autograder.assignments import SUITES_DIR, get

    assignment = get(assignment_id)
    sessions: dict = _local.__dict__.setdefault("sessions", {})
    current = sessions.get(assignment_id)
    version = assignment.suite_version()
    if current is not None and current.version == version:
        return current
    stale = current is not None
    sessions.pop(assignment_id, None)
    for _ in range(5):                   # a suite being edited right now: collect until it holds still
        if current is not None:
            current.close()
        # modules imported earlier (by an older session, or by anyone) may hold older code
        forget_modules([assignment.suite_dir], assignment.test_files(), bytecode=stale)
        files = assignment.test_files()
        if not files:
            raise SuiteError(f"the {assignment_id} assignment has no tests")
        current = SuiteSession(files, SUITES_DIR, SUITES_DIR / "pytest.ini", version)
        now = assignment.suite_version()
        if now == version:
            sessions[assignment_id] = current
            return current
        version, stale = now, True
    current.close()
    raise SuiteError(f"the {assignment_id} suite kept changing while it was being collected")


def close_sessions() -> None:
    for session in _local.__dict__.pop("sessions", {}).values():
        session.close()
