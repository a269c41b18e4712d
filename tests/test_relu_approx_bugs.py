"""relu_approx's example bugs (autograder/examples/relu_approx/bugs.toml): the two that need a closer look.

Every bug losing points on exactly its functions is checked for all assignments
in test_grading_examples, from the shared sandboxed grades (conftest.py).
"""
from __future__ import annotations


def test_a_fit_that_never_trains_earns_nothing_on_hidden_targets(graded_examples):
    tests = [t for t in graded_examples["relu_approx"]["buggy_fit_returns_init"].tests
             if t.function == "fit_relu_net"]
    assert len(tests) == 6      # 1 public + 3 hidden targets + 2 gradient-step tests
    assert sum(t.score for t in tests) <= 0.25 * sum(t.max_score for t in tests)


def test_a_net_over_budget_scores_zero_with_a_clear_message(graded_examples):
    tests = [t for t in graded_examples["relu_approx"]["buggy_approximate_over_budget"].tests
             if t.function == "approximate"]
    assert tests and all(t.score == 0 for t in tests)
    assert all("at most" in t.output and "units" in t.output for t in tests)
