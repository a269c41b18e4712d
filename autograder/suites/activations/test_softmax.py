"""Hidden suite, part 4: softmax, log_softmax and softmax_vjp along every axis."""
import numpy as np
import pytest

from ._common import close_to_reference, ref_log_softmax, ref_softmax, ref_softmax_vjp

AXES = (None, 0, 1)     # None: the default, which must be the last axis


def call_kwargs(axis) -> dict:
    return {} if axis is None else {"axis": axis}


def label(axis) -> str:
    return "default axis (-1)" if axis is None else f"axis={axis}"


def scores(rng) -> np.ndarray:
    return rng.normal(0.0, 3.0, size=(2, 3, 4))


@pytest.mark.grade(points=2, function="softmax")
def test_softmax_along_each_axis(student, rng):
    """softmax is wrong along some axis: reduce along `axis` only, with keepdims=True."""
    x = scores(rng)
    for axis in AXES:
        got = student.softmax(x.copy(), **call_kwargs(axis))
        close_to_reference(got, ref_softmax(x, -1 if axis is None else axis), np.float64,
                           what=f"softmax(x) with {label(axis)} for x of shape {x.shape}")


@pytest.mark.grade(points=2, function="log_softmax")
def test_log_softmax_along_each_axis(student, rng):
    """log_softmax is wrong along some axis: reduce along `axis` only, with keepdims=True."""
    x = scores(rng)
    for axis in AXES:
        got = student.log_softmax(x.copy(), **call_kwargs(axis))
        close_to_reference(got, ref_log_softmax(x, -1 if axis is None else axis), np.float64,
                           what=f"log_softmax(x) with {label(axis)} for x of shape {x.shape}")


@pytest.mark.grade(points=2, function="softmax_vjp")
def test_softmax_vjp_along_each_axis(student, rng):
    """softmax_vjp is wrong along some axis: both the softmax and the sum of g·s run along `axis`."""
    x, g = scores(rng), rng.normal(size=(2, 3, 4))
    for axis in AXES:
        got = student.softmax_vjp(x.copy(), g.copy(), **call_kwargs(axis))
        close_to_reference(got, ref_softmax_vjp(x, g, -1 if axis is None else axis), np.float64,
                           what=f"softmax_vjp(x, g) with {label(axis)} for x of shape {x.shape}")
