"""backprop's training thresholds: met by correct code, missed by broken gradients.

Graded in-process, training tests only (-k train_mlp), on seeds the sandboxed
test_grading_examples does not use.
"""
from __future__ import annotations

import pytest

from autograder.assignments import get
from autograder.examples import materialize
from test_backprop_suite import grade_in_process

BACKPROP = get("backprop")


def test_solution_meets_the_training_thresholds_on_more_seeds():
    for seed in (2, 3):
        outcomes = grade_in_process(BACKPROP.solution, seed, "-k", "train_mlp")
        assert len(outcomes) >= 4
        assert [(o.name, o.output) for o in outcomes if o.score < o.max_score] == [], seed


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    return materialize("backprop", tmp_path_factory.mktemp("backprop_examples"))


BROKEN_GRADIENTS = ["db_averaged", "db_first_row", "cross_entropy_grad_missing_mean", "mse_missing_mean"]
HARMLESS_FOR_TRAINING = ["init_lecun_scale", "sgd_in_place", "relu_in_place", "softmax_unstable"]


def test_training_thresholds_fail_broken_gradients_and_pass_harmless_bugs(examples):
    """At seed 1 (test_grading_examples grades every bug in the sandbox at seed 0)."""
    for name in BROKEN_GRADIENTS + HARMLESS_FOR_TRAINING:
        outcomes = grade_in_process(examples[f"buggy_{name}"], 1, "-k", "train_mlp and not history")
        lost = sum(o.max_score - o.score for o in outcomes)
        assert (lost > 0) == (name in BROKEN_GRADIENTS), (name, [o.output for o in outcomes])
