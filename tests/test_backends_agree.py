"""`check` predicts `grade`: every public test has the same outcome in-process and in the sandbox.

For every bundled example (the solution and each realistic bug), the three multi-bug
students of `tests/data/feedback_students.toml`, and submissions that write into their
inputs, the public tests are run as `python -m student_lib check` runs them (in this
process; for the bundled examples, by `check` itself: the session's `checked_examples`,
which the leak audit reads too) and the submission is graded once in the sandbox (public
tests first, then the hidden suite): name, status, score and symptom must agree test by test.

Hostile examples are left out: run in-process, an `os._exit` or a fork bomb would hit
this test process itself (the sandbox tests cover them).
"""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from autograder.assignments import all_assignments, get
from autograder.examples import Bug, apply_bug, bugs, materialize
from autograder.grading import grade_submission
from student_lib.check import Handout, run_public_tests

# Its module fixture (each assignment's examples run by `check` and graded, ~20 s an assignment)
# is built once: every test of this module runs on one xdist worker.
pytestmark = pytest.mark.xdist_group("test_backends_agree")

ROOT = Path(__file__).resolve().parents[1]
STUDENTS = tomllib.loads((ROOT / "tests" / "data" / "feedback_students.toml").read_text())["student"]

# Functions that change their inputs in place: the public tests must give them the same
# outcome whether the student's function gets the test's arrays (in-process) or copies (sandbox).
MUTATORS = {
    "relu_approx": [("ys -= ys[0], then adds it back", "d = float(ys[0])",
                     "d = float(ys[0])\n    ys -= d"),
                    ("shallow_forward sorts x in place", "    hidden = _relu(x[:, None] * w + b)",
                     "    x.sort()\n    hidden = _relu(x[:, None] * w + b)")],
    "activations": [("relu writes into x", "    out = np.maximum(x, 0)\n",
                     "    out = np.maximum(x, 0, out=x)\n")],
    "backprop": [("mse_loss centres y in place", "diff = pred - y",
                  "y -= pred\n    diff = -y")],
}


def submissions(assignment: str, folder: Path) -> dict[str, Path]:
    """Every honest example, the multi-bug students and the mutators of this assignment."""
    paths = {k: v for k, v in materialize(assignment, folder).items() if not k.startswith("hostile_")}
    solution = get(assignment).solution.read_text()
    edits = {s["name"]: s["edits"] for s in STUDENTS if s["assignment"] == assignment}
    edits.update({f"mutates: {name}": [(old, new)] for name, old, new in MUTATORS.get(assignment, [])})
    for name, pairs in edits.items():
        text = solution
        for old, new in pairs:
            text = apply_bug(text, Bug(name, (), "", old, new))
        path = folder / f"{len(paths)}_{assignment}.py"
        path.write_text(text)
        paths[name] = path
    return paths


def outcome(t) -> tuple:
    return (t.name, t.status, round(t.score, 6), t.symptom)


@pytest.fixture(scope="module", params=[a.id for a in all_assignments()])
def both(request, tmp_path_factory, graded_examples, checked_examples, zygote):
    """{submission: (check's outcomes, the graded result's first outcomes)}.

    The bundled examples' grades and `check` runs are the session's (once per test run, seed 0);
    the multi-bug students and the mutators are checked and graded here.
    """
    assignment = get(request.param)
    paths = submissions(assignment.id, tmp_path_factory.mktemp(assignment.id))
    examples, checked = graded_examples[assignment.id], checked_examples[assignment.id]
    assert set(checked) == {name for name in examples if not name.startswith("hostile_")}
    pairs = {}
    for name, path in paths.items():
        local, errors = (checked[name].outcomes, checked[name].errors) if name in checked else \
            run_public_tests(Handout(assignment.id, path, assignment.public_tests))
        assert not errors
        graded = examples[name] if name in examples else \
            grade_submission(assignment.id, path, sandbox=zygote, student=name)
        pairs[name] = (local, graded.tests)
    return assignment.id, pairs


def test_check_and_grade_agree_on_every_public_test(both):
    assignment, pairs = both
    assert len(pairs) >= len(bugs(assignment)) + 1
    disagree = {}
    for name, (local, graded) in pairs.items():
        ours, theirs = [outcome(t) for t in local], [outcome(t) for t in graded[:len(local)]]
        if ours != theirs:
            disagree[name] = [(a, b) for a, b in zip(ours, theirs) if a != b]
    assert disagree == {}




def test_a_clean_check_leaves_only_hidden_values_to_fail(both):
    """If every public test passes, grading can only take points on values of hidden cases."""
    assignment, pairs = both
    correct, graded = pairs["correct"]
    assert correct and all(t.status == "passed" for t in correct + graded)
    clean = 0
    for name, (local, graded) in pairs.items():
        if all(t.status == "passed" for t in local):
            clean += 1
            lost = {t.property for t in graded if t.score < t.max_score}
            assert lost <= {"values"}, (name, lost)
    caught = len(pairs) - clean
    assert caught >= len(pairs) // 2        # not vacuous: most bugs do fail a public test
