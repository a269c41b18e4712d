"""Public tests for relu_approx.py: run them with `python -m student_lib check`.

They count towards your grade, and the grader runs more cases like them on
targets you have not seen: there is an example here for every rule it
grades (values, sizes linear in m, shape and float32). Every call gets copies
of the test's arrays, and expected values are computed from the originals. Your nets are evaluated with the checker's own
forward pass (`student_lib.plot.shallow_values`), so a bug in your
`shallow_forward` costs only that function's points.
"""
import numpy as np
import pytest

from student_lib import checks, fits, targets
from student_lib.plot import deep_values, hidden_units, plot_shallow, read_deep, read_shallow, shallow_values

ASSIGNMENT = "relu_approx"


def shallow(params, what, max_units):
    """The returned net as float64 arrays, with a clear failure if it is malformed or too big."""
    __tracebackhide__ = True
    try:
        net = read_shallow(params)
    except (ValueError, TypeError) as exc:
        checks.fail(f"{what} did not return a valid shallow net (w, b, c, d): {exc}")
    if len(net[0]) > max_units:
        checks.fail(f"{what} returned {len(net[0])} units; at most {max_units} are allowed")
    return net


def show(attach, title, draw):
    """Attach a picture when matplotlib is installed (`pip install nngrade[plots]`)."""
    if not attach.enabled:   # local checks never show pictures: don't spend time drawing
        return
    try:
        attach(title, draw())
    except ImportError:
        pass


def deep(layers, what):
    __tracebackhide__ = True
    try:
        return read_deep(layers)
    except (ValueError, TypeError) as exc:
        checks.fail(f"{what} did not return a valid deep net [(W1, b1), ...]: {exc}")


@pytest.mark.grade(points=1, function="shallow_forward")
def test_shallow_forward_small_net(student):
    """shallow_forward gives wrong values for a net with 2 units."""
    params = (np.array([1.0, -2.0]), np.array([0.0, 1.0]), np.array([3.0, 0.5]), -1.0)
    x = np.array([-2.0, -0.25, 0.25, 0.75, 2.0])
    expected = -1.0 + 3.0 * np.maximum(x, 0) + 0.5 * np.maximum(1.0 - 2.0 * x, 0)
    got = student.shallow_forward(tuple(p.copy() if isinstance(p, np.ndarray) else p for p in params), x.copy())
    checks.assert_close(got, expected, what="shallow_forward", show_example=True, inputs=x)


@pytest.mark.grade(points=0.5, function="shallow_forward", name="shallow_forward: leaves its inputs unchanged (example)")
def test_shallow_forward_leaves_its_inputs_unchanged(student):
    """shallow_forward changed the caller's arrays in place (sorting x, scaling w, ...): compute into
    new arrays instead."""
    params = (np.array([1.0, -2.0]), np.array([0.0, 1.0]), np.array([3.0, 0.5]), -1.0)
    x = np.array([2.0, -0.25, 0.75, -2.0, 0.25])
    got = student.shallow_forward(tuple(p.copy() if isinstance(p, np.ndarray) else p for p in params), x.copy())
    checks.assert_not_mutated(student.last_call, what="shallow_forward")
    checks.assert_close(got, -1.0 + 3.0 * np.maximum(x, 0) + 0.5 * np.maximum(1.0 - 2.0 * x, 0),
                        what="shallow_forward", show_example=True, inputs=x)


@pytest.mark.grade(points=1, function="interpolate_pwl")
def test_interpolate_pwl_four_knots(student):
    """interpolate_pwl does not pass through the knots with straight lines between them."""
    xs, ys = np.array([0.0, 1.0, 1.5, 3.0]), np.array([1.0, -1.0, 2.0, 2.0])
    net = shallow(student.interpolate_pwl(xs.copy(), ys.copy()), "interpolate_pwl with 4 knots", max_units=3)
    x = np.linspace(0, 3, 13)
    checks.assert_close(shallow_values(net, x), np.interp(x, xs, ys),
                        what="the net of interpolate_pwl", show_example=True, inputs=x)


@pytest.mark.grade(points=1, function="step_approx")
def test_step_approx_at_zero(student):
    """step_approx(0, 0.5) is not 0 below -0.25, 1 above 0.25 and linear between."""
    net = shallow(student.step_approx(0.0, 0.5), "step_approx", max_units=2)
    x = np.array([-3.0, -0.25, -0.125, 0.0, 0.125, 0.25, 3.0])
    checks.assert_close(shallow_values(net, x), np.clip(x / 0.5 + 0.5, 0, 1),
                        what="the net of step_approx(0, 0.5)", show_example=True, inputs=x)


@pytest.mark.grade(points=2, function="approximate")
def test_approximate_sine(student, credit, attach):
    """approximate(sin(3x), -1, 1, 8 units) is less accurate than 9 equally spaced knots."""
    f, n_units = targets.Smooth("sin", 3.0), 8
    net = shallow(student.approximate(f, -1.0, 1.0, n_units), "approximate", max_units=n_units)
    show(attach, "approximate: your net against sin(3x)",
         lambda: plot_shallow(net, f, -1.0, 1.0, "sin(3x), 8 units"))
    x = np.linspace(-1, 1, 4001)
    uniform = np.linspace(-1, 1, n_units + 1)
    err = np.max(np.abs(shallow_values(net, x) - f(x)))
    err_uniform = np.max(np.abs(np.interp(x, uniform, f(uniform)) - f(x)))
    if err > 1.05 * err_uniform:
        credit(max(0.0, np.log(1 / err) / np.log(1 / (1.05 * err_uniform))),
               f"sup-error {err:.3g}; 9 equally spaced knots give {err_uniform:.3g}")


@pytest.mark.grade(points=1, function="sawtooth")
def test_sawtooth_small_m(student):
    """sawtooth(m) is not the m-fold tent map on [0, 1] for m = 1, 2, 3."""
    x = np.linspace(0, 1, 33)
    g = x
    for m in (1, 2, 3):
        g = 2 * np.minimum(g, 1 - g)
        layers = deep(student.sawtooth(m), f"sawtooth({m})")
        checks.assert_close(deep_values(layers, x), g, what=f"sawtooth({m})",
                            show_example=True, inputs=x)
        if hidden_units(layers) > 8 * m + 8:
            checks.fail(f"sawtooth({m}) has {hidden_units(layers)} hidden units; keep it O(m)")


@pytest.mark.grade(points=1, function="square_approx")
def test_square_approx_small_m(student):
    """square_approx(m) misses x**2 by more than 2**(-2m-2) for m = 1, 2, 3."""
    x = np.linspace(0, 1, 257)
    for m in (1, 2, 3):
        layers = deep(student.square_approx(m), f"square_approx({m})")
        err = np.max(np.abs(deep_values(layers, x) - x ** 2))
        if err > 2.0 ** (-2 * m - 2) * (1 + 1e-6):
            checks.fail(f"square_approx({m}) has sup-error {err:.4g}; it must be at most "
                        f"2**(-2m-2) = {2.0 ** (-2 * m - 2):.4g}")
        if hidden_units(layers) > 8 * m + 8:
            checks.fail(f"square_approx({m}) has {hidden_units(layers)} hidden units; keep it O(m) "
                        f"(at most 8 m + 8)")


@pytest.mark.grade(points=1, function="softplus_from_sigmoids")
def test_softplus_from_sigmoids_n3(student):
    """softplus_from_sigmoids(x, 3) is not sigmoid(x - 0.5) + sigmoid(x - 1.5) + sigmoid(x - 2.5)."""
    x = np.array([-4.0, 0.0, 0.5, 1.0, 2.5, 6.0])

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))
    expected = sigmoid(x - 0.5) + sigmoid(x - 1.5) + sigmoid(x - 2.5)
    checks.assert_close(student.softplus_from_sigmoids(x.copy(), 3), expected,
                        what="softplus_from_sigmoids(x, 3)", show_example=True, inputs=x)


@pytest.mark.grade(points=0.5, function="softplus_from_sigmoids",
                   name="softplus_from_sigmoids: keeps the input's shape and dtype (example)")
def test_softplus_from_sigmoids_shape_and_dtype(student):
    """softplus_from_sigmoids works elementwise on an array of any shape and keeps float32 as float32."""
    x = np.array([[-4.0, 0.0, 0.5], [1.0, 2.5, 6.0]])
    expected = sum(1 / (1 + np.exp(-(x - i + 0.5))) for i in (1, 2, 3))
    for inputs, want, description in ((x, expected, "a (2, 3) array"),
                                      (x.astype(np.float32), expected.astype(np.float32), "a float32 (2, 3) array")):
        got = student.softplus_from_sigmoids(inputs.copy(), 3)
        checks.assert_array(got, what=f"softplus_from_sigmoids of {description}", shape=x.shape, dtype=inputs.dtype)
        checks.assert_close(got, want, what=f"softplus_from_sigmoids of {description}", rtol=1e-5, atol=1e-6,
                            show_example=True, inputs=inputs)


@pytest.mark.grade(points=2, function="fit_relu_net", timeout=20)
def test_fit_relu_net_zigzag(student, credit, attach):
    """fit_relu_net does not learn a zigzag from 200 noisy samples with its 20 units alive and spread out."""
    f = targets.PiecewiseLinear([-2.2, -1.0, 0.5, 2.2], [1.0, -1.0, 0.8, -0.2])
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, 200)
    y = f(x) + 0.05 * rng.normal(size=200)
    net = shallow(student.fit_relu_net(x.copy(), y.copy(), 20), "fit_relu_net", max_units=20)
    show(attach, "fit_relu_net: your trained net against the zigzag",
         lambda: plot_shallow(net, f, -2.0, 2.0))
    fraction, why = fits.fit_credit(net, f, -2.0, 2.0, n_units=20)   # error, and live spread kinks
    if fraction < 1.0:
        credit(fraction, why)


@pytest.mark.grade(points=1, function="fit_relu_net", timeout=20)
def test_fit_relu_net_one_step_goes_downhill(student):
    """fit_relu_net: one step (steps=1) from its starting net (steps=0, same seed) must be a plain
    gradient-descent step on the mean squared error, moving w, b, c and d together downhill."""
    from student_lib.gradcheck import numerical_gradient
    rng = np.random.default_rng(1)
    x = rng.uniform(-2, 2, 100)
    y = np.abs(x) - 0.5 * x
    start = shallow(student.fit_relu_net(x, y, 6, steps=0, seed=3), "fit_relu_net(steps=0)", 6)
    after = shallow(student.fit_relu_net(x, y, 6, steps=1, lr=1e-3, seed=3), "fit_relu_net(steps=1)", 6)
    if len(after[0]) != len(start[0]):
        checks.fail("fit_relu_net returned nets of different sizes for steps=0 and steps=1")
    k = len(start[0])
    point = np.concatenate([start[0], start[1], start[2], [start[3]]])
    mse = lambda v: np.mean((shallow_values((v[:k], v[k:2 * k], v[2 * k:3 * k], v[3 * k]), x) - y) ** 2)  # noqa: E731
    down = -numerical_gradient(mse, point)
    step = np.concatenate([after[0], after[1], after[2], [after[3]]]) - point
    cosine = step @ down / max(np.linalg.norm(step) * np.linalg.norm(down), 1e-300)
    if not cosine >= 0.999:
        checks.fail(f"the step of (w, b, c, d) points {np.degrees(np.arccos(np.clip(cosine, -1, 1))):.0f}° "
                    f"away from downhill (minus the gradient of the mean squared error, by finite "
                    f"differences): check each derivative, its sign, and that every parameter is updated")
