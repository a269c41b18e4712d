"""What the relu_approx tests share: reading a student's net, and scoring fits.

Nets are evaluated here with the grader's own numpy forward
(`student_lib.plot.shallow_values` / `deep_values`), never with the student's
`shallow_forward`, so each function is graded only by its own tests.
"""
from __future__ import annotations

import numpy as np

from student_lib import targets
from student_lib.checks import fail
from student_lib.fits import fit_credit
from student_lib.plot import deep_values, hidden_units, read_deep, read_shallow, shallow_values

FULL_CREDIT_SLACK = 1.05   # "at least as good as uniform knots", with room for grid effects


def shallow_net(params, *, what: str, max_units: int | None = None):
    """(w, b, c, d) as float64, or a failure that says what is wrong with the returned net."""
    __tracebackhide__ = True
    try:
        net = read_shallow(params)
    except (ValueError, TypeError) as exc:
        fail(f"{what} did not return a valid shallow net: {exc}")
    k = len(net[0])
    if max_units is not None and k > max_units:
        fail(f"{what} returned a net with {k} units; at most {max_units} are allowed here")
    return net


def deep_net(layers, *, what: str):
    __tracebackhide__ = True
    try:
        return read_deep(layers)
    except (ValueError, TypeError) as exc:
        fail(f"{what} did not return a valid deep net: {exc}")


def on_grid(a: float, b: float, extra=(), n: int = 20001) -> np.ndarray:
    """A dense grid of [a, b] including the points of `extra` that lie in it."""
    extra = np.asarray(extra, dtype=np.float64)
    inside = extra[(extra >= a) & (extra <= b)]
    return np.unique(np.concatenate([np.linspace(a, b, n), inside]))


def tent_power(x: np.ndarray, m: int) -> np.ndarray:
    """The m-fold composition of g(x) = 2 min(x, 1 - x)."""
    for _ in range(m):
        x = 2 * np.minimum(x, 1 - x)
    return x


# ------------------------------------------------------------ approximate
def approximation_errors(params, f, a: float, b: float, n_units: int):
    """(student's sup-error, uniform-knot interpolant's, best constant's) on a dense grid."""
    grid = on_grid(a, b, getattr(f, "knots", ()))
    fx = f(grid)
    uniform = np.linspace(a, b, n_units + 1)
    err_uniform = float(np.max(np.abs(np.interp(grid, uniform, f(uniform)) - fx)))
    err_constant = float(np.ptp(fx) / 2)
    err = float(np.max(np.abs(shallow_values(params, grid) - fx)))
    return err, err_uniform, err_constant


def approximation_credit(err: float, err_uniform: float, err_constant: float) -> float:
    """1 when err <= uniform's (with slack), 0 when no better than a constant, log-linear between.

    Halving the knots of a smooth target multiplies the error by about 4: that
    costs log(4) / log(err_constant / err_uniform) of the points, not all of them.
    """
    best = FULL_CREDIT_SLACK * max(err_uniform, 1e-9 * max(err_constant, 1e-300))
    if not np.isfinite(err):
        return 0.0
    if err <= best:
        return 1.0
    if err >= err_constant or best >= err_constant:
        return 0.0
    return float(np.log(err_constant / err) / np.log(err_constant / best))


def grade_approximation(params, f, a, b, n_units, credit, *, what: str) -> tuple[float, float]:
    """Give the credit for an `approximate` result; returns (fraction, sup-error)."""
    __tracebackhide__ = True
    net = shallow_net(params, what=what, max_units=n_units)
    err, err_uniform, err_constant = approximation_errors(net, f, a, b, n_units)
    fraction = approximation_credit(err, err_uniform, err_constant)
    if fraction < 1.0:
        ratio = err / max(err_uniform, 1e-300)
        credit(fraction, f"{what}: sup-error {err:.3g}, {ratio:.2g} times that of the interpolant at "
                         f"{n_units + 1} equally spaced knots (which earns full marks)"
                         + ("; a constant does as well" if fraction == 0 else ""))
    return fraction, err


# ------------------------------------------------------------ fit_relu_net
def fit_target(rng: np.random.Generator, kind: str, half_width: float = 2.0) -> targets.Target:
    """A piecewise target with 2-4 pieces (or a step) on [-w, w], values of order 1."""
    L = half_width
    if kind == "step":
        jump = rng.uniform(0.8, 1.6) * rng.choice([-1.0, 1.0])
        level = rng.uniform(-0.3, 0.3)
        return targets.Step(rng.uniform(-0.5 * L, 0.5 * L), level - jump / 2, level + jump / 2)
    n = int(rng.integers(2, 5))
    widths = rng.uniform(0.5, 1.0, n)   # no piece much shorter than the others
    xs = -1.1 * L + 2.2 * L * np.concatenate([[0.0], np.cumsum(widths) / widths.sum()])
    ys = rng.uniform(-1.0, 1.0, n + 1)
    ys[rng.integers(n + 1)] = rng.choice([-1.0, 1.0])
    if kind == "piecewise_linear":
        return targets.PiecewiseLinear(xs, ys)
    return targets.PiecewiseSmooth(xs, ys, rng.uniform(-0.5, 0.5, n) / np.diff(xs) ** 2)


def fit_data(rng: np.random.Generator, f, n: int = 200, half_width: float = 2.0, noise: float = 0.05):
    x = rng.uniform(-half_width, half_width, n)
    return x, f(x) + noise * rng.normal(size=n)


def grade_fit(params, f, n_units: int, credit, *, what: str, half_width: float = 2.0) -> float:
    """Give the credit for a `fit_relu_net` result (`student_lib.fits`: error and live kinks); the fraction."""
    __tracebackhide__ = True
    net = shallow_net(params, what=what, max_units=n_units)
    fraction, why = fit_credit(net, f, -half_width, half_width, n_units)
    if fraction < 1.0:
        credit(fraction, f"{what}: {why}")
    return fraction


__all__ = ["approximation_credit", "approximation_errors", "deep_net", "deep_values", "fit_credit",
           "fit_data", "fit_target", "grade_approximation", "grade_fit", "hidden_units", "on_grid",
           "shallow_net", "shallow_values", "tent_power"]


def descent_alignment(start, after, x: np.ndarray, y: np.ndarray) -> float:
    """Cosine between the step `after - start` of two shallow nets and minus the MSE's gradient at
    `start` (centred differences): 1 for a gradient-descent step, whatever the learning rate."""
    from student_lib.gradcheck import numerical_gradient
    k = len(start[0])
    point = np.concatenate([start[0], start[1], start[2], [start[3]]])

    def mse(v):
        return float(np.mean((shallow_values((v[:k], v[k:2 * k], v[2 * k:3 * k], v[3 * k]), x) - y) ** 2))

    down = -numerical_gradient(mse, point)
    step = np.concatenate([after[0], after[1], after[2], [after[3]]]) - point
    norms = np.linalg.norm(step) * np.linalg.norm(down)
    return float(step @ down / norms) if norms > 0 else 0.0
