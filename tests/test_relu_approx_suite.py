"""relu_approx's tests as a rubric: fair to correct code on every seed, smooth partial credit.

The solution is graded in-process here (the example bugs in
test_relu_approx_bugs); one sandboxed grade of the solution checks that
targets cross the sandbox and pictures come back.
"""
from __future__ import annotations

import importlib.util
import zlib

import numpy as np
import pytest

from autograder.assignments import get
from autograder.grading import grade_submission
from autograder.suites.relu_approx.nets import approximation_credit, approximation_errors
from student_lib import targets
from grading_contract.rubric import outcomes_in_process

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


def fits_on_seeds(fit, seeds=range(10)):
    """(seed, kind, credit fraction, why) of `fit` on the hidden suite's fit targets, as it draws them."""
    from autograder.suites.relu_approx.nets import fit_data, fit_target
    from student_lib.fits import fit_credit
    out = []
    for seed in seeds:
        for kind in ("piecewise_linear", "piecewise_smooth", "step"):
            rng = np.random.default_rng([seed, zlib.crc32(f"test_fit_relu_net_hidden_target[{kind}]".encode())])
            f = fit_target(rng, kind)
            x, y = fit_data(rng, f)
            net = fit(x, y, 20, seed=int(rng.integers(0, 1000)))
            out.append((seed, kind, *fit_credit(net, f, -2.0, 2.0, 20)))
    return out


def test_solution_meets_the_training_threshold_on_seeds_0_to_9():
    results = fits_on_seeds(load_solution().fit_relu_net)
    assert [r for r in results if r[2] < 1.0] == []


def test_zero_biases_trap_loses_credit_for_dead_or_stacked_kinks(tmp_path):
    from autograder.examples import apply_bug, bugs
    bug = next(b for b in bugs("relu_approx") if b.name == "fit_zero_biases")
    path = tmp_path / "relu_approx.py"
    path.write_text(apply_bug(RELU.solution.read_text(), bug))
    spec = importlib.util.spec_from_file_location("relu_approx_zero_biases", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    results = fits_on_seeds(module.fit_relu_net)
    assert all(r[2] < 1.0 and "distinct kink" in r[3] for r in results), [r for r in results if r[2] == 1.0]
    assert sum(r[2] for r in results) / len(results) <= 0.75


def test_kinks_are_counted_inside_the_data_and_only_when_they_bend():
    from student_lib.fits import distinct_kinks, fit_credit
    from student_lib.targets import PiecewiseLinear
    w = np.ones(6)
    spread = (w, -np.array([-1.5, -0.9, -0.3, 0.3, 0.9, 1.5]), np.full(6, 0.5), 0.0)
    stacked = (w, np.zeros(6), np.full(6, 0.5), 0.0)
    outside = (w, -np.array([-1.5, 3.0, 4.0, 5.0, 6.0, 7.0]), np.full(6, 0.5), 0.0)
    flat = (w, spread[1], np.array([0.5, 0.5, 1e-9, 1e-9, 1e-9, 1e-9]), 0.0)
    assert [distinct_kinks(n, -2, 2, 1.0) for n in (spread, stacked, outside, flat)] == [6, 1, 1, 2]
    xs = np.linspace(-2, 2, 9)
    f = PiecewiseLinear(xs, np.cos(3 * xs))
    exact = load_solution().interpolate_pwl(xs, f(xs))     # 8 units, a kink at every inner knot
    assert fit_credit(exact, f, -2.0, 2.0, 8) == (1.0, "")
    w, b, c, d = exact
    fraction, why = fit_credit((w, np.zeros(8), c, d), f, -2.0, 2.0, 8)   # every kink moved to 0
    assert fraction <= 0.5 and "only 1 distinct kink" in why


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


def test_without_pictures_the_grade_is_the_same_and_draws_none(zygote, graded_examples):
    """The demo and the audit skip the pictures nobody sees; nothing else may change."""
    with_pictures = graded_examples["relu_approx"]["correct"]
    assert any(t.images for t in with_pictures.tests)
    without = grade_submission("relu_approx", graded_examples.files("relu_approx")["correct"], seed=0,
                               sandbox=zygote, images=False)
    assert not any(t.images for t in without.tests)
    assert [(t.name, t.status, t.score) for t in without.tests] == \
        [(t.name, t.status, t.score) for t in with_pictures.tests]
    again = grade_submission("relu_approx", graded_examples.files("relu_approx")["correct"], seed=0,
                             sandbox=zygote)
    assert any(t.images for t in again.tests)   # the next grade in the same process draws again
