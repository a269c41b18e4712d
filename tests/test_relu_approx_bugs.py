"""relu_approx's example bugs (autograder/examples/relu_approx/bugs.toml) lose the right points.

Graded in-process at seed 0; test_grading_examples grades them in the sandbox.
"""
from __future__ import annotations

import pytest

from autograder.assignments import get
from autograder.examples import apply_bug, bugs
from student_lib.testing import outcomes_in_process

RELU = get("relu_approx")


def grade_in_process(path, seed: int, *select: str):
    return outcomes_in_process(RELU.test_files(), path, *select, seed=seed)


def lost_by_function(outcomes) -> dict[str, float]:
    lost: dict[str, float] = {}
    for o in outcomes:
        if o.score < o.max_score:
            lost[o.function] = lost.get(o.function, 0.0) + o.max_score - o.score
    return lost


def buggy_file(name: str, tmp_path):
    bug = next(b for b in bugs("relu_approx") if b.name == name)
    path = tmp_path / "relu_approx.py"
    path.write_text(apply_bug(RELU.solution.read_text(), bug))
    return path


@pytest.mark.parametrize("bug", [b for b in bugs("relu_approx") if "fit_relu_net" not in b.functions],
                         ids=lambda b: b.name)
def test_each_bug_loses_points_on_exactly_its_functions(bug, tmp_path):
    outcomes = grade_in_process(buggy_file(bug.name, tmp_path), 0, "-k", "not fit_relu_net")
    assert set(lost_by_function(outcomes)) == set(bug.functions)


def test_a_fit_that_never_trains_earns_nothing_on_hidden_targets(tmp_path):
    path = buggy_file("fit_returns_init", tmp_path)
    outcomes = grade_in_process(path, 0, "-k", "fit_relu_net")
    assert len(outcomes) == 6      # 1 public + 3 hidden targets + 2 gradient-step tests (issue 14)
    assert sum(o.score for o in outcomes) <= 0.25 * sum(o.max_score for o in outcomes)


def test_a_net_over_budget_scores_zero_with_a_clear_message(tmp_path):
    path = buggy_file("approximate_over_budget", tmp_path)
    outcomes = [o for o in grade_in_process(path, 1, "-k", "approximate") if o.function == "approximate"]
    assert outcomes and all(o.score == 0 for o in outcomes)
    assert all("at most" in o.output and "units" in o.output for o in outcomes)
