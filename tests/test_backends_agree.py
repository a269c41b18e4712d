"""The same public test code gives the same outcomes in-process and in the sandbox."""
from __future__ import annotations

import pytest

from autograder.assignments import all_assignments, get
from autograder.examples import bugs, materialize
from autograder.grading import grade_submission
from autograder.sandbox import Zygote
from student_lib.testing import outcomes_in_process


def in_process(assignment_id: str, path) -> list[tuple]:
    return [(o.name, o.status, o.score) for o in outcomes_in_process([get(assignment_id).public_tests], path)]


@pytest.mark.parametrize("assignment", [a.id for a in all_assignments()])
def test_public_tests_agree_for_honest_submissions(assignment, tmp_path):
    examples = materialize(assignment, tmp_path)
    honest = ["correct"] + [f"buggy_{b.name}" for b in bugs(assignment)]
    with Zygote() as zygote:
        for name in honest:
            local = in_process(assignment, examples[name])
            graded = grade_submission(assignment, examples[name], sandbox=zygote)
            # grading runs the public tests first, then the hidden suite
            sandboxed = [(t.name, t.status, t.score) for t in graded.tests[:len(local)]]
            assert local and local == sandboxed, name
