"""The same public test code gives the same outcomes in-process and in the sandbox."""
from __future__ import annotations

import pytest

from autograder.assignments import all_assignments, get
from autograder.examples import bugs
from student_lib.testing import outcomes_in_process


def in_process(assignment_id: str, path) -> list[tuple]:
    outcomes = outcomes_in_process([get(assignment_id).public_tests], path, "--nngrade-no-images")
    return [(o.name, o.status, o.score) for o in outcomes]


@pytest.mark.parametrize("assignment", [a.id for a in all_assignments()])
def test_public_tests_agree_for_honest_submissions(assignment, graded_examples):
    files = graded_examples.files(assignment)
    for name in ["correct"] + [f"buggy_{b.name}" for b in bugs(assignment)]:
        local = in_process(assignment, files[name])
        graded = graded_examples[assignment][name]
        # grading runs the public tests first, then the hidden suite
        sandboxed = [(t.name, t.status, t.score) for t in graded.tests[:len(local)]]
        assert local and local == sandboxed, name
