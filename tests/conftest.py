"""Shared fixtures: one sandbox zygote per test process, every bundled example graded once per run.

`python -m pytest` with no file named runs on every core (pytest-xdist); naming
files (`python -m pytest tests/test_cli.py`) runs them in this process, and
`-n N` / `-n 0` choose for yourself.

`graded_examples[assignment]` is {example name: GradeResult} for the solution,
every bug and every hostile example, graded at seed 0 in the sandbox through
the batch engine (`grade_job`, as `nngrade batch` does). An assignment's examples
are graded the first time a test asks for them, once per test run: under
pytest-xdist the results are shared between the worker processes through a
JSON file in the run's temporary folder, under a lock, so whichever worker
asks first grades them and the others read them.

`checked_examples[assignment]` is {example name: CheckRun} for the solution and
every bug (not the hostile examples: in-process, an `os._exit` would end the test
process): what `python -m student_lib check FILE` printed (run in this process,
in the handout folder, as `autograder.release.leaks.check_output` runs it) and the
public tests' outcomes it printed it from. The leak audit searches the printed
text, test_backends_agree compares the outcomes with the graded ones: the public
tests run once per example and test run, shared between xdist workers as above.
"""
from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.examples import materialize
from autograder.result import GradeResult
from budgets import HONEST_BUDGET, HOSTILE_BUDGET


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """The whole suite runs on all cores, unless -n was given or files were named."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    if hasattr(config, "workerinput"):
        # A worker parses the original command line, not the options set below: told by the
        # environment, it tags xdist_group tests with their group, as `--dist loadgroup` would.
        if os.environ.get("NNGRADE_TESTS_LOADGROUP"):
            config.option.loadgroup = True
        return
    named = [a for a in config.invocation_params.args if not str(a).startswith("-")
             and Path(str(a).split("::")[0]).exists()]
    if config.option.numprocesses is None and not named and not config.option.collectonly:
        config.option.numprocesses = len(os.sched_getaffinity(0))   # the cores we may use, not the host's
    if config.option.numprocesses and config.option.dist == "no":
        # A module whose expensive module-scoped fixture all its tests share is marked
        # xdist_group: its tests then run on one worker, and the fixture is built once, not per worker.
        config.option.dist = "loadgroup"
        os.environ["NNGRADE_TESTS_LOADGROUP"] = "1"   # for the workers (above)


@pytest.fixture(scope="session")
def zygote():
    """One sandbox zygote for the tests of this process that need one and cannot hurt it."""
    from autograder.sandbox import Zygote
    with Zygote() as z:
        yield z


class GradedExamples:
    """{assignment: {example: GradeResult}}, graded on first use; `files[assignment]` are the sources."""

    def __init__(self, shared: Path, local: Path):
        self.shared, self.local = shared, local
        self._results: dict[str, dict[str, GradeResult]] = {}

    def files(self, assignment: str) -> dict[str, Path]:
        return materialize(assignment, self.local / assignment)      # cheap, deterministic

    def __getitem__(self, assignment: str) -> dict[str, GradeResult]:
        if assignment not in self._results:
            self._results[assignment] = {name: GradeResult.from_dict(d)
                                         for name, d in self._load_or_grade(assignment).items()}
        return self._results[assignment]

    def _load_or_grade(self, assignment: str) -> dict[str, dict]:
        return once_per_run(self.shared, assignment, lambda: grade_examples(assignment, self.files(assignment)))


def once_per_run(shared: Path, key: str, make) -> dict:
    """`make()`'s JSON-able dict, computed by whichever xdist worker asks first; the others wait and read."""
    shared.mkdir(parents=True, exist_ok=True)
    store = shared / f"{key}.json"
    with open(shared / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if store.exists():
            return json.loads(store.read_text())
        made = make()
        store.write_text(json.dumps(made))
        return made


def grade_examples(assignment: str, files: dict[str, Path]) -> dict[str, dict]:
    """Every example through the batch engine's pool; {name: result dict}."""
    from autograder.batch.executors import LocalPool
    from autograder.batch.jobs import Settings, make_job
    from autograder.batch.runner import default_workers

    honest, hostile = (Settings(assignment, 0, b) for b in (HONEST_BUDGET, HOSTILE_BUDGET))
    jobs = [make_job(hostile if name.startswith("hostile_") else honest, name, path)
            for name, path in files.items()]
    jobs.sort(key=lambda job: not job["student"].startswith("hostile_"))    # the slowest first
    results: dict[str, dict] = {}
    LocalPool(default_workers()).run(jobs, lambda r: results.__setitem__(r["student"], r))
    return {name: results[name] for name in files}


@pytest.fixture(scope="session")
def graded_examples(tmp_path_factory) -> GradedExamples:
    return GradedExamples(run_folder(tmp_path_factory, "graded-examples"), tmp_path_factory.mktemp("example-files"))


def run_folder(tmp_path_factory, name: str) -> Path:
    """A folder of this test run that every xdist worker sees (their base folders share a parent)."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / name


@dataclass
class CheckRun:
    output: str           # what `python -m student_lib check FILE` printed
    outcomes: list        # [TestOutcome]: the public tests' outcomes (run_public_tests) it printed
    errors: list[str]     # the collection errors run_public_tests returned


class CheckedExamples:
    """{assignment: {example: CheckRun}} for every honest example, run by `check` on first use."""

    def __init__(self, shared: Path, local: Path):
        self.shared, self.local = shared, local
        self._runs: dict[str, dict[str, CheckRun]] = {}

    def __getitem__(self, assignment: str) -> dict[str, CheckRun]:
        from grading_contract.outcome import TestOutcome
        if assignment not in self._runs:
            self._runs[assignment] = {
                name: CheckRun(d["output"], [TestOutcome.from_dict(o) for o in d["outcomes"]], d["errors"])
                for name, d in self._load_or_check(assignment).items()}
        return self._runs[assignment]

    def _load_or_check(self, assignment: str) -> dict[str, dict]:
        return once_per_run(self.shared, assignment,
                            lambda: check_examples(assignment, materialize(assignment, self.local / assignment)))


def check_examples(assignment: str, files: dict[str, Path]) -> dict[str, dict]:
    """`check` on every honest example, recording the outcomes it got from run_public_tests."""
    from autograder.release.leaks import check_output
    from student_lib import check

    real, seen = check.run_public_tests, []

    def recording(*args, **kwargs):
        seen.append(real(*args, **kwargs))
        return seen[-1]
    runs: dict[str, dict] = {}
    for name, path in files.items():
        if name.startswith("hostile_"):
            continue
        seen.clear()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(check, "run_public_tests", recording)
            output = check_output(assignment, path)
        (outcomes, errors), = seen                  # check ran the public tests exactly once
        runs[name] = {"output": output, "outcomes": [o.to_dict() for o in outcomes], "errors": errors}
    return runs


@pytest.fixture(scope="session")
def checked_examples(tmp_path_factory) -> CheckedExamples:
    return CheckedExamples(run_folder(tmp_path_factory, "checked-examples"),
                           tmp_path_factory.mktemp("checked-example-files"))
