"""backprop's hidden suite as a rubric: fair to correct code on every seed, fast enough.

The solution is graded in-process here (the sandbox's own checks are in
test_grading_examples and test_backprop_variants); seeds 0..9 for everything
but training, and two extra seeds for the training thresholds.
"""
from __future__ import annotations

import pytest

from autograder.assignments import get
from autograder.grading import grade_submission
from autograder.grading.runner import collect_rubric
from autograder.sandbox import Zygote
from student_lib.testing import collected_outcomes

BACKPROP = get("backprop")


class Collect:
    def pytest_sessionfinish(self, session):
        self.outcomes = list(collected_outcomes(session.config))


def grade_in_process(path, seed: int, *select: str):
    collect = Collect()
    pytest.main([*(str(p) for p in BACKPROP.test_files()), "-p", "student_lib.testing",
                 "-p", "no:cacheprovider", "-p", "no:terminal", "--noconftest",
                 "--student-file", str(path), "--nngrade-seed", str(seed), *select], plugins=[collect])
    return collect.outcomes


def test_solution_full_marks_on_seeds_0_to_9_without_training():
    for seed in range(10):
        outcomes = grade_in_process(BACKPROP.solution, seed, "-k", "not train_mlp")
        assert len(outcomes) > 40
        assert [(o.name, o.output) for o in outcomes if o.score < o.max_score] == [], seed


def test_solution_meets_the_training_thresholds_on_more_seeds():
    for seed in (2, 3):
        outcomes = grade_in_process(BACKPROP.solution, seed, "-k", "train_mlp")
        assert len(outcomes) >= 4
        assert [(o.name, o.output) for o in outcomes if o.score < o.max_score] == [], seed


def test_every_function_is_graded_and_the_rubric_reads_well():
    grades = collect_rubric("backprop")
    assert {g.function for g in grades} == set(BACKPROP.functions)
    assert all(g.points > 0 for g in grades) and len({g.name for g in grades}) == len(grades)
    assert 50 <= sum(g.points for g in grades) <= 100


def test_a_full_sandboxed_grade_of_the_solution_takes_under_5_seconds():
    """About 1-1.5 s on an idle 2-core machine; the best of two tries absorbs a busy one."""
    times = []
    with Zygote() as zygote:
        for _ in range(2):
            result = grade_submission("backprop", BACKPROP.solution, seed=4, sandbox=zygote)
            assert result.score == result.max_score
            times.append(result.execution_time)
            if times[-1] < 5.0:
                break
    assert min(times) < 5.0, times


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    from autograder.examples import materialize
    return materialize("backprop", tmp_path_factory.mktemp("backprop_examples"))


BROKEN_GRADIENTS = ["db_averaged", "db_first_row", "cross_entropy_grad_missing_mean", "mse_missing_mean"]
HARMLESS_FOR_TRAINING = ["init_lecun_scale", "sgd_in_place", "relu_in_place", "softmax_unstable"]


def test_training_thresholds_fail_broken_gradients_and_pass_harmless_bugs(examples):
    """At seed 1 (test_grading_examples grades every bug in the sandbox at seed 0)."""
    for name in BROKEN_GRADIENTS + HARMLESS_FOR_TRAINING:
        outcomes = grade_in_process(examples[f"buggy_{name}"], 1, "-k", "train_mlp and not history")
        lost = sum(o.max_score - o.score for o in outcomes)
        assert (lost > 0) == (name in BROKEN_GRADIENTS), (name, [o.output for o in outcomes])
