"""No hidden-test line and no hidden expected value reaches a student, for every assignment.

Every example submission (the solution and each realistic bug) is graded once (conftest.py);
everything a student can see about it is searched: the result JSON's text
fields, the grade table, the HTML report, the markdown (Gradescope) and the
output of `python -m student_lib check` (run once per example too: `checked_examples`). Hidden lines are every non-trivial,
non-docstring line of `autograder/suites/**/*.py` that is not public anyway.
The same feedback must name each bug's functions with a hint.
"""
from __future__ import annotations

import pytest

from autograder.assignments import ids
from autograder.examples import bugs
from autograder.release.leaks import audit_examples

pytestmark = pytest.mark.xdist_group("test_leaks_examples")   # its module fixture (each assignment's leak audit) is built once


@pytest.fixture(scope="module", params=ids())
def audit(request, tmp_path_factory, graded_examples, checked_examples):
    graded = {name: result.to_dict() for name, result in graded_examples[request.param].items()}
    printed = {name: run.output for name, run in checked_examples[request.param].items()}   # `check`'s output
    return audit_examples(request.param, tmp_path_factory.mktemp(request.param), results=graded,
                          check_outputs=printed)


def test_examples_were_graded(audit):
    assert audit.results["correct"]["score"] == audit.results["correct"]["max_score"] > 0
    assert len(audit.results) >= 1 + len(bugs(audit.results['correct']['assignment'])) and audit.secrets


def test_no_hidden_line_or_value_in_grading_feedback(audit):
    assert audit.feedback_problems == {}


def test_no_hidden_line_in_check_output(audit):
    assert audit.check_problems == {}


def test_every_bug_is_named_with_a_hint(audit):
    assert audit.unnamed_bugs == {}
