"""Hidden suite, part 2: every derivative agrees with centred differences of its function.

The differences are taken of the suite's reference function, in the grading
process: only the student's derivative is graded here, never their forward.
"""
import numpy as np
import pytest

from student_lib import checks
from student_lib.gradcheck import numerical_vjp, rel_error

from ._common import GRADS, REF, away_from_zero, each, ref_softmax

H = 1e-5
RTOL, ATOL = 1e-6, 1e-8      # a correct derivative meets both with room to spare


def assert_grad(got, numeric, *, what: str) -> None:
    __tracebackhide__ = True
    got = checks.assert_array(got, what=what, shape=numeric.shape)
    bad = np.abs(got - numeric) > RTOL * (np.abs(got) + np.abs(numeric)) + ATOL
    if bad.any():
        checks.fail(f"{what} disagrees with centred differences (f(x+h) - f(x-h)) / 2h at "
                    f"{int(bad.sum())} of {bad.size} points: relative error "
                    f"{rel_error(got, numeric):.1e}, where a correct derivative gives below 1e-6")


@pytest.mark.parametrize("name", each(GRADS, 1, "agrees with centred differences"))
def test_derivative_matches_centred_differences(student, rng, name):
    """The derivative does not match the slope of the function."""
    f = REF[name.removesuffix("_grad")]
    x = away_from_zero(rng, (5, 8))                 # kinks at 0 stay out of reach of ±h
    numeric = (f(x + H) - f(x - H)) / (2 * H)
    got = getattr(student, name)(x.copy())
    assert_grad(got, numeric, what=f"{name}(x) on random x")


@pytest.mark.grade(points=0.5, function="softmax_vjp", name="softmax_vjp: agrees with centred differences")
def test_softmax_vjp_matches_centred_differences(student, rng):
    """softmax_vjp is not the gradient of sum(g * softmax(x, axis)) with respect to x."""
    for axis in (-1, 0):
        x, g = rng.normal(0.0, 2.0, size=(3, 4)), rng.normal(size=(3, 4))
        numeric = numerical_vjp(lambda z: ref_softmax(z, axis=axis), x, g, h=H)
        got = student.softmax_vjp(x.copy(), g.copy(), axis=axis)
        assert_grad(got, numeric, what=f"softmax_vjp(x, g, axis={axis})")
