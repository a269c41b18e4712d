"""Hidden suite, part 1: the layers (linear, ReLU, sigmoid), forward and backward."""
import numpy as np
import pytest

from student_lib import checks

from ._common import (away_from_zero, copies, forward,
                      numerical_vjp, ref_linear, ref_relu, ref_sigmoid, returned)


def linear_inputs(rng, n=None):
    n = int(rng.integers(1, 7)) if n is None else n
    d, m = (int(v) for v in rng.integers(1, 7, size=2))
    return rng.normal(size=(n, d)), rng.normal(size=(d, m)), rng.normal(size=m)


# ------------------------------------------------------------------- linear
@pytest.mark.grade(points=2, function="linear_forward")
def test_linear_forward_values(student, rng):
    """linear_forward does not compute x W + b with shape (N, M) on random sizes (N = 1 included)."""
    for n in (1, None, None):
        x, W, b = linear_inputs(rng, n)
        out, _ = forward(student, "linear_forward", *copies(x, W, b))
        checks.assert_close(out, ref_linear(x, W, b), what=f"linear_forward out for x of shape {x.shape}")


@pytest.mark.grade(points=3, function="linear_backward")
def test_linear_backward_gradients(student, rng):
    """linear_backward's dx, dW or db disagree with centred differences of x W + b."""
    for n in (1, None, None):
        x, W, b = linear_inputs(rng, n)
        dout = rng.normal(size=(x.shape[0], W.shape[1]))
        _, cache = forward(student, "linear_forward", *copies(x, W, b))
        dx, dW, db = returned(student.linear_backward(dout.copy(), cache),
                              function="linear_backward", names=("dx", "dW", "db"))
        shapes = f" for x of shape {x.shape} and W of shape {W.shape}"
        checks.assert_gradient(dx, numerical_vjp(lambda v: ref_linear(v, W, b), x, dout), what="dx" + shapes)
        checks.assert_gradient(dW, numerical_vjp(lambda v: ref_linear(x, v, b), W, dout), what="dW" + shapes)
        checks.assert_gradient(db, numerical_vjp(lambda v: ref_linear(x, W, v), b, dout), what="db" + shapes)


@pytest.mark.grade(points=1, function="linear_backward")
def test_linear_backward_db_sums_over_the_batch(student, rng):
    """db must add up dout over the batch: b is used by every example, so its gradients add."""
    x, W, b = linear_inputs(rng, n=5)
    dout = rng.uniform(0.5, 1.5, size=(5, W.shape[1]))
    _, cache = forward(student, "linear_forward", *copies(x, W, b))
    _, _, db = returned(student.linear_backward(dout.copy(), cache),
                        function="linear_backward", names=("dx", "dW", "db"))
    checks.assert_close(db, dout.sum(axis=0), what="db for a batch of 5", rtol=1e-9)


# --------------------------------------------------------------------- ReLU
@pytest.mark.grade(points=1, function="relu_forward")
def test_relu_forward_values(student, rng):
    """relu_forward does not compute max(0, x) elementwise, with x's shape."""
    for shape in [(1, 4), (int(rng.integers(2, 6)), int(rng.integers(2, 6))), (3, 2, 4)]:
        x = rng.normal(size=shape)
        x.flat[0] = 0.0
        out, _ = forward(student, "relu_forward", *copies(x))
        checks.assert_close(out, ref_relu(x), what=f"relu_forward out for x of shape {shape}")


@pytest.mark.grade(points=2, function="relu_backward")
def test_relu_backward_gradient(student, rng):
    """relu_backward disagrees with centred differences of max(0, x) (inputs kept away from 0)."""
    for shape in [(1, 3), (int(rng.integers(2, 6)), int(rng.integers(2, 6)))]:
        x, dout = away_from_zero(rng, shape), rng.normal(size=shape)
        _, cache = forward(student, "relu_forward", *copies(x))
        dx = student.relu_backward(dout.copy(), cache)
        checks.assert_gradient(dx, numerical_vjp(ref_relu, x, dout), what=f"relu_backward dx for shape {shape}")


@pytest.mark.grade(points=1, function="relu_backward")
def test_relu_backward_at_zero(student, rng):
    """relu_backward must pass no gradient where x is exactly 0 (the derivative at 0 is taken to be 0)."""
    x = away_from_zero(rng, (3, 4))
    x[:, 1] = 0.0
    dout = rng.uniform(0.5, 1.5, size=x.shape)
    _, cache = forward(student, "relu_forward", *copies(x))
    dx = student.relu_backward(dout.copy(), cache)
    checks.assert_close(dx, dout * (x > 0), what="relu_backward dx with some x == 0")


# ------------------------------------------------------------------ sigmoid
@pytest.mark.grade(points=1, function="sigmoid_forward")
def test_sigmoid_forward_values(student, rng):
    """sigmoid_forward does not compute 1 / (1 + exp(-x)) elementwise, with x's shape."""
    for shape in [(1, 3), (int(rng.integers(2, 6)), int(rng.integers(2, 6)))]:
        x = rng.normal(scale=3.0, size=shape)
        out, _ = forward(student, "sigmoid_forward", *copies(x))
        checks.assert_close(out, ref_sigmoid(x), what=f"sigmoid_forward out for x of shape {shape}",
                            rtol=1e-7, atol=1e-12)


@pytest.mark.grade(points=1, function="sigmoid_forward")
def test_sigmoid_forward_large_inputs(student, rng, credit):
    """sigmoid_forward overflows (or warns) for inputs as large as ±1000."""
    x = np.concatenate([rng.uniform(-1000, -30, size=4), rng.uniform(30, 1000, size=4),
                        [-1000.0, 1000.0]]).reshape(2, 5)
    out, _ = forward(student, "sigmoid_forward", *copies(x))
    note = checks.warnings_note(student.last_call, what="sigmoid_forward on inputs up to ±1000")
    checks.assert_close(out, ref_sigmoid(x), what="sigmoid_forward on inputs up to ±1000",
                        rtol=1e-7, atol=1e-12)
    if note:
        credit(1.0, note)


@pytest.mark.grade(points=2, function="sigmoid_backward")
def test_sigmoid_backward_gradient(student, rng):
    """sigmoid_backward disagrees with centred differences of the sigmoid."""
    for shape in [(1, 3), (int(rng.integers(2, 6)), int(rng.integers(2, 6)))]:
        x, dout = rng.normal(scale=2.0, size=shape), rng.normal(size=shape)
        _, cache = forward(student, "sigmoid_forward", *copies(x))
        dx = student.sigmoid_backward(dout.copy(), cache)
        checks.assert_gradient(dx, numerical_vjp(ref_sigmoid, x, dout), what=f"sigmoid_backward dx for shape {shape}")
