"""relu_approx's tests as a rubric: fair to correct code on every seed, smooth partial credit.

The solution is graded in-process here (the example bugs in
test_relu_approx_bugs); one sandboxed grade of the solution checks that
targets cross the sandbox and pictures come back.
"""
from __future__ import annotations

import numpy as np
import pytest

from autograder.assignments import get
from autograder.grading import grade_submission
from autograder.suites.relu_approx.nets import approximation_credit, approximation_errors
from student_lib import targets
from student_lib.testing import outcomes_in_process

RELU = get("relu_approx")


def grade_in_process(path, seed: int, *select: str, hidden_only: bool = False):
    files = RELU.test_files()[1:] if hidden_only else RELU.test_files()
    return outcomes_in_process(files, path, *select, seed=seed)


def load_solution():
    import importlib.util
    spec = importlib.util.spec_from_file_location("relu_approx_solution", RELU.solution)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_solution_full_marks_on_seeds_0_to_9_without_training():
    # the public tests do not depend on the seed: the sandboxed grade below covers them
    for seed in range(10):
        outcomes = grade_in_process(RELU.solution, seed, "-k", "not fit_relu_net", hidden_only=True)
        assert len(outcomes) >= 19
        assert [(o.name, o.output) for o in outcomes if o.score < o.max_score] == [], seed


def test_solution_meets_the_training_threshold_on_seeds_0_to_9():
    from autograder.suites.relu_approx.nets import fit_credit, fit_data, fit_target, shallow_values
    solution = load_solution()
    for seed in range(10):
        for kind in ("piecewise_linear", "piecewise_smooth", "step"):
            rng = np.random.default_rng([seed, 99])
            f = fit_target(rng, kind)
            x, y = fit_data(rng, f)
            grid = np.linspace(-2, 2, 2001)
            net = solution.fit_relu_net(x, y, 20, seed=seed)
            relative = np.mean((shallow_values(net, grid) - f(grid)) ** 2) / np.var(f(grid))
            assert fit_credit(relative) == 1.0 and relative < 0.3, (seed, kind, relative)


def test_rubric_covers_every_function():
    from autograder.grading.runner import collect_rubric
    grades = collect_rubric("relu_approx")
    assert {g.function for g in grades} == set(RELU.functions)
    assert all(g.points > 0 for g in grades) and len({g.name for g in grades}) == len(grades)
    assert {g.function for g in grades if g.timeout > 5} == {"fit_relu_net"}


# ------------------------------------------------------------ partial credit of approximate
@pytest.mark.parametrize("f, a, b", [(targets.Smooth("sin", 3.0), -1.0, 1.0),
                                     (targets.Smooth("gauss", 2.0), -1.5, 1.0),
                                     (targets.PiecewiseSmooth([-1, 0.2, 1], [0, 1, -0.5], [2.0, -1.0]), -1.0, 1.0)],
                         ids=["sin", "gauss", "piecewise_smooth"])
def test_halving_the_knots_costs_some_but_not_all_of_the_points(f, a, b):
    solution = load_solution()
    for n_units, most in ((8, 0.9), (16, 0.97)):
        full = solution.approximate(f, a, b, n_units)
        assert approximation_credit(*approximation_errors(full, f, a, b, n_units)) == 1.0
        halved = solution.approximate(f, a, b, n_units // 2)
        assert 0.3 < approximation_credit(*approximation_errors(halved, f, a, b, n_units)) < most


def test_credit_moves_smoothly_and_monotonically_with_the_error():
    errors = np.geomspace(0.001, 2.0, 400)
    credits = np.array([approximation_credit(e, 0.01, 1.0) for e in errors])
    assert credits[0] == 1.0 and credits[-1] == 0.0
    assert np.all(np.diff(credits) <= 0)
    assert np.max(np.abs(np.diff(credits))) < 0.02       # no cliff anywhere
    assert approximation_credit(1.0, 0.01, 1.0) == 0.0   # as bad as a constant: nothing


def test_a_sandboxed_grade_of_the_solution_is_full_and_shows_pictures(zygote):
    result = grade_submission("relu_approx", RELU.solution, seed=4, sandbox=zygote)
    assert result.status == "graded" and result.score == result.max_score > 0
    assert any(t.images for t in result.tests if t.function == "approximate")
