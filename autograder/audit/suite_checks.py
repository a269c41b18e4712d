"""`nngrade check-suite ID`: is the rubric sound, before asking how strong it is?

    checks = check_suite("ID", seeds=20)      # [Check(name, ok, details)]

- full marks: the reference solution gets full marks on every seed;
- functions: every test names a function of the student file (`grade(function=...)`);
- points: the tests' points add up to the manifest's `points`;
- independent: each test's outcome (on the reference, and on the first bug of
  `bugs.toml` if any) is the same run in file order, in reverse order, and alone;
- public examples: every function that hidden tests grade has a public test
  (so a clean local check leaves only hidden values to fail; SPEC §5).

Everything runs the grading pytest plugin with the sandbox backend; the
reference and the bug run in sandboxed workers like any submission.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from autograder.assignments import get
from autograder.grading.runner import SUITES_DIR, collect_rubric, grade_submission


@dataclass
class Check:
    name: str
    ok: bool
    details: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"name": self.name, "ok": self.ok, "details": self.details}


class _Items:
    """Collects (file, test name) of every test; optionally reverses the run order."""

    def __init__(self, reverse: bool = False):
        self.reverse = reverse
        self.ids: list[str] = []

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items):
        if self.reverse:
            items.reverse()
        self.ids = [f"{item.path}::{item.nodeid.split('::', 1)[1]}" for item in items]


def _forget_test_modules(assignment) -> None:
    """Drop the suite's test modules from sys.modules: pytest runs in this process, and a module
    imported by an earlier run would carry its state (a global list, a cache) into the next."""
    import sys
    folders = {assignment.suite_dir.resolve(), assignment.handout_dir.resolve()}
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if path and any(f == Path(path).resolve().parent for f in folders):
            del sys.modules[name]


class SandboxPlugin:
    """For one pytest run of its own: serve `student` from `backend`, keep the outcomes.

    (Grading reuses a collected session instead, grading/session.py; these checks
    need their own order of tests: in reverse, one alone.)
    """

    def __init__(self, backend):
        self.backend, self.outcomes = backend, []

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config):
        from grading_contract.rubric import BACKEND_KEY
        config.stash[BACKEND_KEY] = self.backend

    def pytest_sessionfinish(self, session):
        from grading_contract.rubric import collected_outcomes
        self.outcomes = list(collected_outcomes(session.config))


def _outcomes(assignment, student_path: Path, args: list[str], zygote, seed: int,
              reverse: bool = False) -> tuple[dict[str, float], list[str]]:
    """{test id: score} of one pytest run over `args` (files or test ids) in the sandbox."""
    from autograder.sandbox import SandboxBackend
    from grading_contract.rubric import run_pytest

    _forget_test_modules(assignment)
    backend = SandboxBackend(zygote, student_path, budget_seconds=assignment.submission_seconds)
    plugin, items = SandboxPlugin(backend), _Items(reverse)
    try:
        run_pytest([*args, "-c", str(SUITES_DIR / "pytest.ini"), "--rootdir", str(SUITES_DIR),
                    "--nngrade-seed", str(seed)], [plugin, items])
    finally:
        backend.close()
    by_nodeid = {o.nodeid: o.score for o in plugin.outcomes}
    ordered = [o.nodeid for o in plugin.outcomes]
    return dict(zip(items.ids, (by_nodeid[n] for n in ordered))) if len(ordered) == len(items.ids) \
        else {}, items.ids


def independence(assignment, student_path: Path, zygote, seed: int = 0) -> list[str]:
    """Tests whose score changes when run in reverse order or alone."""
    files = [str(p) for p in assignment.test_files()]
    normal, ids = _outcomes(assignment, student_path, files, zygote, seed)
    reverse, _ = _outcomes(assignment, student_path, files, zygote, seed, reverse=True)
    if not ids or len(normal) != len(ids):
        return [f"the tests could not be run one by one ({len(normal)} outcomes for {len(ids)} tests)"]
    problems = [f"{t}: {normal.get(t)} in order, {reverse.get(t)} in reverse order"
                for t in ids if normal.get(t) != reverse.get(t)]
    for test_id in ids:
        alone, _ = _outcomes(assignment, student_path, [test_id], zygote, seed)
        if alone.get(test_id) != normal.get(test_id):
            problems.append(f"{test_id}: {normal.get(test_id)} in order, {alone.get(test_id)} alone")
    return problems


def check_suite(assignment_id: str, seeds: int = 20, say=lambda text: None) -> list[Check]:
    from autograder.examples import apply_bug, bugs
    from autograder.sandbox import Zygote

    assignment = get(assignment_id)
    rubric = collect_rubric(assignment.id)
    functions = set(assignment.functions)
    checks = [
        Check("every test names a function of the student file",
              all(g.function in functions for g in rubric),
              [f"{g.name}: function {g.function!r}" for g in rubric if g.function not in functions]),
    ]
    total = round(sum(g.points for g in rubric), 6)
    checks.append(Check(f"points add up to the manifest's ({assignment.points:g})"
                        if assignment.points is not None else "the manifest gives the points",
                        assignment.points is not None and abs(total - assignment.points) < 1e-6,
                        [f"the tests give {total:g} points, assignment.toml says "
                         f"{assignment.points if assignment.points is not None else 'nothing'}"]
                        if assignment.points is None or abs(total - assignment.points) >= 1e-6 else []))
    public = {g.function for g in collect_rubric_of(assignment.public_tests)} \
        if assignment.public_tests.exists() else set()
    hidden = {g.function for g in rubric} - public
    checks.append(Check("every function graded by the hidden suite has a public test", not hidden,
                        [f"{f}: hidden tests only" for f in sorted(hidden)]))
    if assignment.solution is None:
        checks.append(Check("the reference gets full marks", False, ["no reference solution"]))
        return checks
    with Zygote(packages=assignment.worker_packages) as zygote, \
            tempfile.TemporaryDirectory(prefix="nngrade-check-") as tmp:
        short = []
        for seed in range(seeds):
            say(f"grading the reference on seed {seed}")
            result = grade_submission(assignment.id, assignment.solution, seed=seed, sandbox=zygote)
            if result.status != "graded" or result.score < result.max_score:
                lost = [t.name for t in result.tests if t.score < t.max_score]
                short.append(f"seed {seed}: {result.score:g}/{result.max_score:g} "
                             f"{result.message or ''} lost: {', '.join(lost[:5])}")
        checks.append(Check(f"the reference gets full marks on {seeds} seeds", not short, short))
        subjects = [("the reference", assignment.solution)]
        found = bugs(assignment.id)
        if found:
            path = Path(tmp) / assignment.student_file
            path.write_text(apply_bug(assignment.solution.read_text(), found[0]))
            subjects.append((f"bug {found[0].name}", path))
        problems = []
        for label, path in subjects:
            say(f"running each test of {label} alone and in reverse order")
            problems += [f"{label}: {p}" for p in independence(assignment, path, zygote)]
        checks.append(Check("no test depends on another (same score alone, in order, reversed)",
                            not problems, problems))
    return checks


def collect_rubric_of(path: Path) -> list:
    """The `Grade` entries of one test file."""
    from grading_contract.rubric import read_grade, run_pytest
    grades: list = []

    class Collect:
        def pytest_collection_modifyitems(self, items):
            grades.extend(g for g in map(read_grade, items) if g is not None)

    run_pytest([str(path), "-c", str(SUITES_DIR / "pytest.ini"), "--rootdir", str(SUITES_DIR),
                "--collect-only"], [Collect()])
    return grades
