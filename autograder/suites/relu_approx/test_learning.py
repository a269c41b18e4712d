"""Hidden tests: sigmoids as soft ReLUs, and learning a net by gradient descent."""
import numpy as np
import pytest

from autograder.suites.relu_approx.nets import descent_alignment, fit_data, fit_target, grade_fit, shallow_net
from student_lib import checks


def sigmoid_sum(x, n):
    """Σᵢ₌₁ⁿ sigmoid(x − i + 0.5) in float64, stably."""
    z = np.asarray(x, dtype=np.float64)[..., None] - (np.arange(1, n + 1) - 0.5)
    return (0.5 * (1 + np.tanh(z / 2))).sum(axis=-1)


# ------------------------------------------------------------ softplus_from_sigmoids
@pytest.mark.grade(points=3, function="softplus_from_sigmoids")
def test_softplus_from_sigmoids_values(student, rng):
    """softplus_from_sigmoids is not the sum of the n shifted sigmoids."""
    for n in (1, 3, int(rng.integers(5, 15)), 50):
        x = rng.uniform(-10, n + 10, size=500)
        checks.assert_close(student.softplus_from_sigmoids(x, n), sigmoid_sum(x, n),
                            what=f"softplus_from_sigmoids(x, n={n})", rtol=1e-9, atol=1e-9)


@pytest.mark.grade(points=1, function="softplus_from_sigmoids")
def test_softplus_from_sigmoids_any_shape(student, rng):
    """softplus_from_sigmoids does not work elementwise on a 2-D array."""
    x = rng.uniform(-5, 15, size=(7, 9))
    checks.assert_close(student.softplus_from_sigmoids(x, 10), sigmoid_sum(x, 10),
                        what="softplus_from_sigmoids on an array of shape (7, 9)", rtol=1e-9, atol=1e-9)


@pytest.mark.grade(points=1, function="softplus_from_sigmoids")
def test_softplus_from_sigmoids_float32(student, rng):
    """softplus_from_sigmoids does not keep float32 inputs in float32."""
    x = rng.uniform(-5, 15, size=100).astype(np.float32)
    checks.assert_close(student.softplus_from_sigmoids(x, 10), sigmoid_sum(x, 10).astype(np.float32),
                        what="softplus_from_sigmoids(float32 x, 10)", rtol=1e-4, atol=1e-5)


# ------------------------------------------------------------ fit_relu_net
@pytest.mark.parametrize("kind", ["piecewise_linear", "piecewise_smooth", "step"])
@pytest.mark.grade(points=2, function="fit_relu_net", timeout=20)
def test_fit_relu_net_hidden_target(student, rng, credit, kind):
    """fit_relu_net does not learn a hidden piecewise target from 200 noisy samples with its units alive and spread out."""
    f = fit_target(rng, kind)
    x, y = fit_data(rng, f)
    n_units, seed = 20, int(rng.integers(0, 1000))
    net = student.fit_relu_net(x, y, n_units, seed=seed)
    grade_fit(net, f, n_units, credit, what=f"fit_relu_net on a hidden {kind.replace('_', '-')} target")


@pytest.mark.grade(points=1, function="fit_relu_net", timeout=20)
def test_fit_relu_net_takes_gradient_steps(student, rng):
    """fit_relu_net does not take plain gradient-descent steps on the mean squared error: one step
    (steps=1) from the net it starts from (steps=0, same seed) must move w, b, c and d together
    against the gradient of the MSE."""
    f = fit_target(rng, "piecewise_linear")
    x, y = fit_data(rng, f)
    seed = int(rng.integers(0, 1000))
    start = shallow_net(student.fit_relu_net(x, y, 8, steps=0, seed=seed),
                        what="fit_relu_net(x, y, 8, steps=0)", max_units=8)
    after = shallow_net(student.fit_relu_net(x, y, 8, steps=1, lr=1e-3, seed=seed),
                        what="fit_relu_net(x, y, 8, steps=1)", max_units=8)
    if len(after[0]) != len(start[0]):
        checks.fail("fit_relu_net returned nets of different sizes for steps=0 and steps=1")
    if descent_alignment(start, after, x, y) < 0.999:
        checks.fail("one step of fit_relu_net does not move the parameters against the gradient of "
                    "the mean squared error (a wrong derivative, a sign, a parameter left out of the "
                    "update, or a different starting net for the same seed?)")
