"""The suite is collected once per process and suite version, and an edited suite is never stale.

- same suite version -> the same collected session (the speed-up), the same rubric;
- an edit of the suite -> the next grade in the same process uses the new rubric;
- `nngrade batch` running on a copy of the project picks a suite edit up from the
  next submission on, and every result's rubric matches the suite version it records.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import autograder.assignments as assignments
from autograder.assignments import get
from autograder.grading import grade_submission
from autograder.grading.runner import collect_rubric, max_score
from autograder.grading.session import close_sessions, forget_modules, suite_session

REPO = Path(__file__).resolve().parents[1]
SOLUTION = get("activations").solution

TINY = '''import numpy as np
import pytest


@pytest.mark.grade(points=1, function="relu")
def test_relu_values(student):
    """relu gives wrong values."""
    assert np.array_equal(student.relu(np.array([-1.0, 2.0])), [0.0, 2.0])
'''

ADDED = '''

@pytest.mark.grade(points=2, function="relu_grad")
def test_relu_grad_added_by_the_ta(student):
    """relu_grad(0) must be 0."""
    assert student.relu_grad(np.array([0.0]))[0] == 0.0
'''


@pytest.fixture
def tiny_suite(tmp_path, monkeypatch):
    """The activations suite replaced by a one-test suite in tmp_path (no public tests)."""
    suites = tmp_path / "suites"
    (suites / "activations").mkdir(parents=True)
    (suites / "pytest.ini").write_text((assignments.SUITES_DIR / "pytest.ini").read_text())
    test_file = suites / "activations" / "test_tiny_rubric.py"
    test_file.write_text(TINY)
    handouts = tmp_path / "no-handouts"          # the manifest only: no public tests
    (handouts / "activations").mkdir(parents=True)
    (handouts / "activations" / "assignment.toml").write_text(get("activations").manifest_path.read_text())
    monkeypatch.setattr(assignments, "SUITES_DIR", suites)
    monkeypatch.setattr(assignments, "ASSIGNMENTS_DIR", handouts)
    yield test_file
    close_sessions()
    forget_modules([suites], [])


def test_same_suite_version_reuses_the_collected_session(tiny_suite):
    first = suite_session("activations")
    assert suite_session("activations") is first
    assert [g.name for g in first.rubric] == ["relu: values"] and first.max_score == 1


def test_an_edited_suite_is_collected_again_before_the_next_grade(tiny_suite, tmp_path):
    before = grade_submission("activations", SOLUTION)
    assert (before.score, before.max_score) == (1, 1)
    tiny_suite.write_text(TINY + ADDED)
    after = grade_submission("activations", SOLUTION)
    assert after.suite_version != before.suite_version
    assert [t.name for t in after.tests] == ["relu: values", "relu_grad: added by the ta"]
    assert (after.score, after.max_score) == (3, 3) == (3, max_score("activations"))
    assert len(collect_rubric("activations")) == 2
    wrong = tmp_path / "wrong.py"      # and the new test really runs: a wrong relu_grad loses its points
    wrong.write_text(SOLUTION.read_text().replace("grad = (x > 0).astype(x.dtype)",
                                                  "grad = (x >= 0).astype(x.dtype)"))
    assert wrong.read_text() != SOLUTION.read_text()
    graded = grade_submission("activations", wrong)
    assert {t.name: t.score for t in graded.tests} == {"relu: values": 1, "relu_grad: added by the ta": 0}


def test_an_edit_that_keeps_size_and_second_is_not_imported_stale(tiny_suite):
    assert grade_submission("activations", SOLUTION).score == 1
    tiny_suite.write_text(TINY.replace("[0.0, 2.0]", "[0.0, 3.0]"))     # same size, same second
    graded = grade_submission("activations", SOLUTION)
    assert graded.score == 0 and graded.max_score == 1


def test_a_suite_edit_during_a_batch_is_graded_from_the_next_submission_on(tmp_path):
    project = tmp_path / "project"           # a copy of the project: the real suite stays untouched
    ignore = shutil.ignore_patterns("__pycache__", "examples")
    for folder in ("autograder", "grading_contract", "student_lib", "assignments"):
        shutil.copytree(REPO / folder, project / folder, ignore=ignore)
    klass, out = tmp_path / "class", tmp_path / "out"
    klass.mkdir()
    students = [f"s{i}" for i in range(1, 9)]
    for student in students:
        shutil.copy(SOLUTION, klass / f"{student}.py")
    suite_file = project / "autograder" / "suites" / "activations" / "test_values.py"
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "batch", "activations", str(klass),
                             "-o", str(out), "-j", "1"], cwd=project, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(project)})
    try:
        deadline = time.monotonic() + 120
        while not (out / "s1.json").exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        assert (out / "s1.json").exists(), proc.communicate()[0]
        suite_file.write_text(suite_file.read_text() + ADDED)      # the TA fixes the suite mid-batch
        output = proc.communicate(timeout=120)[0]
    finally:
        proc.kill()
    assert proc.returncode == 0, output
    results = [json.loads((out / f"{s}.json").read_text()) for s in students]
    versions = [r["suite_version"] for r in results]
    assert versions[0] != versions[-1]
    assert versions == sorted(versions, key=lambda v: v == versions[-1])   # old ones, then new ones
    for r in results:
        new = r["suite_version"] == versions[-1]
        assert r["max_score"] == (102 if new else 100)
        assert ("relu_grad: added by the ta" in [t["name"] for t in r["tests"]]) is new
        assert r["score"] == r["max_score"]


def test_each_run_gets_its_own_seed_and_a_fresh_partial_credit(tiny_suite):
    tiny_suite.write_text(TINY + '''

@pytest.mark.grade(points=2, function="relu_grad")
def test_relu_grad_seeded(student, seed, credit):
    """Half marks unless the seed is 3."""
    if seed != 3:
        credit(0.5, "not seed 3")
''')
    session = suite_session("activations")
    scores = [grade_submission("activations", SOLUTION, seed=s).score for s in (3, 0, 3)]
    assert scores == [3, 2, 3]      # seed 3 after seed 0: no partial credit left over from the run before
    assert suite_session("activations") is session


PROTOCOL_CASES = TINY + '''

@pytest.fixture
def broken_setup():
    raise RuntimeError("fixture failed")


@pytest.fixture
def broken_teardown():
    yield 1
    raise RuntimeError("teardown failed")


@pytest.mark.grade(points=1, function="relu")
def test_needs_a_fixture_that_fails(student, broken_setup):
    """Never runs: its fixture fails."""


@pytest.mark.grade(points=1, function="relu")
def test_fixture_teardown_fails(student, broken_teardown):
    """Passes: a teardown error is not the student's."""
    assert student.relu(np.array([1.0]))[0] == 1.0


@pytest.mark.skip(reason="not this term")
@pytest.mark.grade(points=1, function="relu")
def test_skipped_by_a_mark(student):
    """Skipped by its mark."""


@pytest.mark.grade(points=1, function="relu")
def test_wrong_expectation(student):
    """relu(-1) is not -1."""
    assert student.relu(np.array([-1.0]))[0] == -1.0


@pytest.fixture
def scaled(request, seed, factor=2.0):      # a default is not a fixture
    return factor * seed + len(request.node.name)


@pytest.mark.grade(points=1, function="relu")
def test_fixture_with_request_and_a_default(student, seed, scaled):
    """Fixtures see their request and keep their defaults."""
    assert scaled == 2.0 * seed + len("test_fixture_with_request_and_a_default")


@pytest.mark.parametrize("k", [1, 3])
@pytest.mark.grade(points=1, function="relu")
def test_seeded_partial_credit(student, rng, seed, credit, k):
    """Partial credit from the parameter; the message shows the seed and the test's own draw."""
    assert student.relu(np.array([2.0]))[0] == 2.0
    credit(k / 4, f"k={k} seed={seed} draw={int(rng.integers(10**6))}")


@pytest.mark.grade(points=1, function="relu")
def test_attaches_a_picture(student, attach, pytestconfig):
    """A picture when pictures are drawn."""
    if attach.enabled:
        attach("relu", b"not-really-a-png")
    assert pytestconfig.getoption("--nngrade-seed") >= 0


@pytest.mark.grade(points=1, function="relu")
def test_asks_for_request_itself(student, rng, request, credit):
    """pytest's own request object."""
    credit(0.5, f"{request.node.name} draw={int(rng.integers(10**6))}")


@pytest.mark.grade(points=1, function="relu")
def test_fails_with_a_symptom(student):
    """relu compared with a wrong reference."""
    from student_lib import checks
    checks.assert_close(student.relu(np.array([1.0, -2.0])), np.array([1.0, 2.0]), what="relu(x)")


class TestInAClass:
    @pytest.mark.grade(points=1, function="relu")
    def test_in_a_class(self, student, rng, credit):
        """A test method."""
        credit(0.25, f"draw={int(rng.integers(10**6))}")
'''
FILLED = {"test_relu_values", "test_wrong_expectation", "test_seeded_partial_credit[1]",
          "test_seeded_partial_credit[3]", "test_attaches_a_picture", "test_fails_with_a_symptom"}   # fixtures given by fast_setup


def test_grading_gives_each_test_the_outcome_pytest_main_gives(tiny_suite):
    """The graded session runs tests leaner than pytest.main (session._run_lean, fast_setup.fill):
    same outcomes, messages and pictures, fixtures that fail in setup or teardown, skip marks,
    parametrize, seeds and tests pytest must set up itself included, over several submissions."""
    from grading_contract.rubric import outcomes_in_process
    from student_lib.diagnosis import RecordDiagnosis

    def seen(outcomes):     # (an assertion's detail depends on who imported the suite first: not compared)
        return [(t.name, t.status, t.score, t.output.split("\nassert ")[0], t.images, t.property, t.symptom)
                for t in outcomes]

    tiny_suite.write_text(PROTOCOL_CASES)
    for seed in (0, 5, 0):
        expected = seen(outcomes_in_process([tiny_suite], SOLUTION, seed=seed, plugins=[RecordDiagnosis()]))
        assert [t[1] for t in expected] == ["passed", "error", "passed", "failed", "failed", "passed",
                                                      "failed", "failed", "passed", "failed", "failed", "failed"]
        assert f"seed={seed} draw=" in expected[6][3] and expected[8][4]   # messages and a picture
        assert expected[10][6] and expected[10][5]    # a symptom and a property
        graded = grade_submission("activations", SOLUTION, seed=seed)
        assert seen(graded.tests) == expected, seed
    assert {item.name for item in suite_session("activations").items
            if item.nodeid in suite_session("activations").filled} == FILLED
    import _pytest.compat
    import _pytest.fixtures
    assert _pytest.fixtures.getfuncargnames is _pytest.compat.getfuncargnames   # pytest's own again


class BudgetRunsOut:
    """A sandbox backend whose submission's total time budget is used up after `tests` tests."""

    def __init__(self, backend, tests: int):
        self.backend, self.tests = backend, tests

    def start_test(self, timeout: float) -> None:
        from grading_contract.calls import StudentTimeout
        self.tests -= 1
        if self.tests < 0:
            raise StudentTimeout("your submission used up its total time budget (1 s), so this test was not run")
        self.backend.start_test(timeout)

    def __getattr__(self, name):
        return getattr(self.backend, name)


def test_the_fast_setup_gives_the_outcomes_of_pytests_own_on_the_real_suite(zygote, tmp_path):
    """Every activations test is set up by fast_setup.fill; set up by pytest instead, the solution
    and a bug get the same outcomes, diagnoses included, and so do the tests whose setup fails
    because the submission's time budget ran out."""
    from autograder.examples import materialize
    from autograder.sandbox import SandboxBackend

    session = suite_session("activations")
    assert session.filled == {item.nodeid for item in session.items}
    files = {"solution": SOLUTION, "bug": materialize("activations", tmp_path)["buggy_relu_grad_one_at_zero"]}
    seen = {}
    for way, filled in (("fast", set(session.filled)), ("pytest", set())):
        saved, session.filled = session.filled, filled
        try:
            for name, path in files.items():
                backend = SandboxBackend(zygote, path, budget_seconds=60)
                try:
                    assert backend.probe() is None
                    seen[way, name] = [(t.name, t.status, t.score, t.output, t.property, t.symptom)
                                       for t in session.run(BudgetRunsOut(backend, 150), seed=2)]
                finally:
                    backend.close()
        finally:
            session.filled = saved
    for name in files:
        assert seen["fast", name] == seen["pytest", name], name
        statuses = [s for _, s, _, _, _, _ in seen["fast", name]]
        assert statuses[150:] == ["timeout"] * (len(statuses) - 150)
        assert all("total time budget" in out for *_, out, _, _ in seen["fast", name][150:])
    lost = [bug for bug, right in zip(seen["fast", "bug"][:150], seen["fast", "solution"][:150])
            if bug[2] < right[2]]
    assert lost and all(t[0].startswith("relu_grad") for t in lost) and all(t[5] for t in lost)


def test_the_rng_fixture_draws_default_rngs_stream_each_time():
    """`rng` is np.random.default_rng([seed, crc32(test name)]), however often it is made."""
    import zlib

    import numpy as np

    from grading_contract.rubric import seeded_rng
    for seed, name in ((0, "test_values[relu]"), (3, "test_values[relu]"), (2**40, "test_x")):
        want = np.random.default_rng([seed, zlib.crc32(name.encode())]).normal(size=6)
        assert all(np.array_equal(seeded_rng(seed, name).normal(size=6), want) for _ in range(3))
    assert not np.array_equal(seeded_rng(0, "a").normal(size=6), seeded_rng(1, "a").normal(size=6))
