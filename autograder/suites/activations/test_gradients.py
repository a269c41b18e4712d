"""Hidden suite, part 2: every derivative agrees with centred differences of its function.

The differences are taken of the suite's reference function, in the grading
process: only the student's derivative is graded here, never their forward.
"""
import pytest

from student_lib import checks
from student_lib.gradcheck import numerical_vjp

from ._common import GRADS, REF, away_from_zero, each, ref_softmax

H = 1e-5
ATOL = 1e-8      # with the default relative 1e-6, a correct derivative meets both with room to spare


@pytest.mark.parametrize("name", each(GRADS, 1, "agrees with centred differences"))
def test_derivative_matches_centred_differences(student, rng, name):
    """The derivative does not match the slope of the function."""
    f = REF[name.removesuffix("_grad")]
    x = away_from_zero(rng, (5, 8))                 # kinks at 0 stay out of reach of ±h
    numeric = (f(x + H) - f(x - H)) / (2 * H)
    got = getattr(student, name)(x.copy())
    checks.assert_gradient(got, numeric, atol=ATOL, what=f"{name}(x) on random x")


@pytest.mark.grade(points=0.5, function="softmax_vjp", name="softmax_vjp: agrees with centred differences")
def test_softmax_vjp_matches_centred_differences(student, rng):
    """softmax_vjp is not the gradient of sum(g * softmax(x, axis)) with respect to x."""
    for axis in (-1, 0):
        x, g = rng.normal(0.0, 2.0, size=(3, 4)), rng.normal(size=(3, 4))
        numeric = numerical_vjp(lambda z: ref_softmax(z, axis=axis), x, g, h=H)
        got = student.softmax_vjp(x.copy(), g.copy(), axis=axis)
        checks.assert_gradient(got, numeric, atol=ATOL, what=f"softmax_vjp(x, g, axis={axis})")
