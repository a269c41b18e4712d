"""student_lib.gradcheck: centred differences, the relative error, and check_layer."""
from __future__ import annotations

import numpy as np
import pytest

from student_lib.gradcheck import check_layer, numerical_gradient, numerical_vjp, rel_error


def test_rel_error_is_the_largest_elementwise_relative_error():
    assert rel_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert rel_error([1.0, 3.0], [1.0, 1.0]) == pytest.approx(2.0 / 4.0)
    assert rel_error(0.0, 1e-12) == pytest.approx(1e-12 / 1e-8)     # the 1e-8 floor
    with pytest.raises(ValueError, match="shapes differ"):
        rel_error(np.zeros(2), np.zeros(3))


def test_numerical_gradient_matches_a_known_gradient_and_leaves_x_alone():
    x = np.array([[0.5, -1.0], [2.0, 0.1]])
    before = x.copy()
    grad = numerical_gradient(lambda v: np.sum(v ** 3) + np.sin(v[0, 1]), x)
    expected = 3 * x ** 2
    expected[0, 1] += np.cos(x[0, 1])
    assert rel_error(grad, expected) < 1e-8
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_upcasts_float32_to_float64():
    x = np.array([1.0, 2.0], dtype=np.float32)
    grad = numerical_gradient(lambda v: float(np.sum(v ** 2)), x)
    assert grad.dtype == np.float64 and rel_error(grad, 2 * x.astype(np.float64)) < 1e-8


def test_numerical_vjp_is_the_vector_jacobian_product():
    rng = np.random.default_rng(0)
    A, x, dout = rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=3)
    assert rel_error(numerical_vjp(lambda v: A @ v, x, dout), A.T @ dout) < 1e-8


def linear_forward(x, W, b):
    return x @ W + b, (x, W)


def linear_backward(dout, cache):
    x, W = cache
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def relu_forward(x):
    return np.maximum(x, 0), x


def relu_backward(dout, cache):
    return dout * (cache > 0)


def test_check_layer_passes_a_correct_layer_and_prints_a_table(capsys):
    rng = np.random.default_rng(1)
    errors = check_layer(linear_forward, linear_backward, rng.normal(size=(4, 3)),
                         rng.normal(size=(3, 2)), rng.normal(size=2))
    assert set(errors) == {"x", "W", "b"} and max(errors.values()) < 1e-7
    out = capsys.readouterr().out
    assert "linear_forward / linear_backward" in out and out.count(" ok") == 3


def test_check_layer_accepts_a_single_gradient_for_a_single_input(capsys):
    x = np.array([[0.5, -1.0, 2.0]])
    assert check_layer(relu_forward, relu_backward, x, verbose=False)["x"] < 1e-8
    assert capsys.readouterr().out == ""


def test_check_layer_flags_a_wrong_gradient():
    def db_averaged(dout, cache):
        dx, dW, db = linear_backward(dout, cache)
        return dx, dW, db / dout.shape[0]
    rng = np.random.default_rng(2)
    errors = check_layer(linear_forward, db_averaged, rng.normal(size=(5, 3)), rng.normal(size=(3, 2)),
                         rng.normal(size=2), verbose=False)
    assert errors["x"] < 1e-7 and errors["W"] < 1e-7 and errors["b"] > 0.5


def test_check_layer_reports_a_wrong_shape_and_a_wrong_count():
    def transposed(dout, cache):
        dx, dW, db = linear_backward(dout, cache)
        return dx, dW.T, db
    rng = np.random.default_rng(3)
    args = rng.normal(size=(2, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    assert check_layer(linear_forward, transposed, *args, verbose=False)["W"] == float("inf")
    with pytest.raises(ValueError, match="returned 2 gradient"):
        check_layer(linear_forward, lambda dout, cache: linear_backward(dout, cache)[:2], *args,
                    verbose=False)
