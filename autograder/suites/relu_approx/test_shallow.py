"""Hidden tests: shallow nets (shallow_forward, interpolate_pwl, step_approx, approximate).

Every case is drawn from `rng`, so each grading seed sees different nets,
knots and targets.
"""
import numpy as np
import pytest

from autograder.suites.relu_approx.nets import (grade_approximation, on_grid, shallow_net,
                                                shallow_values)
from student_lib import checks, targets


# ------------------------------------------------------------ shallow_forward
def random_net(rng, k):
    w = rng.normal(size=k) * rng.choice([0.5, 3.0], size=k)
    return w, rng.normal(size=k), rng.normal(size=k), float(rng.normal())


def away_from_kinks(x, w, b, gap=1e-6):
    """Drop inputs within `gap` of a kink, where rounding could flip a unit on or off."""
    kinks = -b / w
    return x[np.min(np.abs(x[:, None] - kinks), axis=1) > gap]


@pytest.mark.grade(points=3, function="shallow_forward")
def test_shallow_forward_random_nets(student, rng):
    """shallow_forward gives wrong values for random nets."""
    for k in (1, 5, 40):
        w, b, c, d = random_net(rng, k)
        x = away_from_kinks(rng.uniform(-4, 4, size=300), w, b)
        checks.assert_close(student.shallow_forward((w, b, c, d), x), shallow_values((w, b, c, d), x),
                            what=f"shallow_forward with {k} units", rtol=1e-9, atol=1e-9)


@pytest.mark.grade(points=0.5, function="shallow_forward")
def test_shallow_forward_leaves_inputs_alone(student, rng):
    """shallow_forward changes its inputs in place (or does not work yet)."""
    w, b, c, d = random_net(rng, 6)
    x = away_from_kinks(rng.uniform(-3, 3, size=50), w, b)
    out = student.shallow_forward((w, b, c, d), x)
    checks.assert_not_mutated(student.last_call, what="shallow_forward")
    # no credit for leaving the inputs alone without computing the net
    checks.assert_close(out, shallow_values((w, b, c, d), x), what="shallow_forward",
                        rtol=1e-9, atol=1e-9)


# ------------------------------------------------------------ interpolate_pwl
def knot_set(rng, case):
    if case == "uneven":
        xs = np.cumsum(rng.uniform(0.01, 2.0, size=int(rng.integers(6, 12)))) - rng.uniform(0, 5)
        return xs, rng.normal(size=len(xs)) * 3
    if case == "steep":
        xs = np.sort(rng.uniform(-1, 1, size=8)) + np.arange(8) * 1e-3
        return xs, rng.choice([-1, 1], size=8) * rng.uniform(10, 200, size=8)
    if case == "two_knots":
        a = rng.uniform(-3, 3)
        return np.array([a, a + rng.uniform(0.1, 3)]), rng.normal(size=2) * 2
    xs = np.linspace(0, 1, 60) + rng.uniform(0, 0.004, size=60)   # many knots, close together
    return xs, np.sin(rng.uniform(5, 20) * xs) + rng.normal(size=60) * 0.1


@pytest.mark.parametrize("case", ["uneven", "steep", "two_knots", "many"])
@pytest.mark.grade(points=1.5, function="interpolate_pwl")
def test_interpolate_pwl_exact(student, rng, case):
    """interpolate_pwl does not reproduce the piecewise-linear interpolant exactly on [xs[0], xs[-1]]."""
    xs, ys = knot_set(rng, case)
    net = shallow_net(student.interpolate_pwl(xs, ys), what=f"interpolate_pwl with {len(xs)} knots",
                      max_units=len(xs) - 1)
    grid = on_grid(xs[0], xs[-1], xs)
    slopes = np.abs(np.diff(ys) / np.diff(xs))
    scale = np.max(np.abs(ys)) + np.max(slopes) * (xs[-1] - xs[0])
    checks.assert_close(shallow_values(net, grid), np.interp(grid, xs, ys),
                        what=f"the net of interpolate_pwl ({len(xs)} knots) on a dense grid",
                        rtol=1e-9, atol=1e-9 * scale)


# ------------------------------------------------------------ step_approx
@pytest.mark.grade(points=2, function="step_approx")
def test_step_approx_flat_outside_the_band(student, rng):
    """step_approx is not exactly 0 left of the band and 1 right of it (with 2 units)."""
    for _ in range(3):
        t, eps = rng.uniform(-3, 3), 10.0 ** rng.uniform(-3, 0)
        net = shallow_net(student.step_approx(t, eps), what="step_approx", max_units=2)
        left = t - eps / 2 - np.geomspace(eps * 1e-3, 10, 200)
        right = t + eps / 2 + np.geomspace(eps * 1e-3, 10, 200)
        checks.assert_close(shallow_values(net, left), np.zeros_like(left),
                            what="step_approx left of the band", rtol=0, atol=1e-9)
        checks.assert_close(shallow_values(net, right), np.ones_like(right),
                            what="step_approx right of the band", rtol=0, atol=1e-9)


@pytest.mark.grade(points=2, function="step_approx")
def test_step_approx_linear_in_the_band(student, rng):
    """step_approx is not the straight line from 0 to 1 across the band [t - eps/2, t + eps/2]."""
    for _ in range(3):
        t, eps = rng.uniform(-3, 3), 10.0 ** rng.uniform(-3, 0)
        net = shallow_net(student.step_approx(t, eps), what="step_approx", max_units=2)
        x = t - eps / 2 + eps * np.linspace(0, 1, 101)
        checks.assert_close(shallow_values(net, x), np.linspace(0, 1, 101),
                            what="step_approx inside the band", rtol=0, atol=1e-7)


# ------------------------------------------------------------ approximate
@pytest.mark.parametrize("kind", ["smooth", "piecewise_smooth", "piecewise_linear", "smooth_wide"])
@pytest.mark.grade(points=2.5, function="approximate")
def test_approximate_hidden_target(student, rng, credit, kind):
    """approximate is less accurate than interpolation at equally spaced knots with the same budget."""
    a = rng.uniform(-2, 1)
    b = a + rng.uniform(1, 4)
    n_units = int(rng.integers(6, 25)) if kind != "smooth_wide" else int(rng.integers(30, 60))
    f = targets.random_target(rng, kind.removesuffix("_wide"), interval=(a, b))
    grade_approximation(student.approximate(f, a, b, n_units), f, a, b, n_units, credit,
                        what=f"approximate on a hidden {kind.removesuffix('_wide').replace('_', '-')} "
                             f"target with {n_units} units")
