"""Hidden suite, part 3: numerical stability for |x| up to 1000, in float64 and float32.

SPEC §2.1: no NaN, no inf where the true value is finite. Graded by values on
inputs where unstable formulas give inf, NaN or lost digits; numpy warnings are
reported by the student's own process (which its code can silence), so they are
a hint in the feedback, never points (see autograder/suites/README.md).
"""
import numpy as np
import pytest

from student_lib import checks

from ._common import (ELEMENTWISE, EXTREMES, close_to_reference,
                      each, reference, ref_log_softmax, ref_softmax, ref_softmax_vjp)


@pytest.mark.parametrize("name", each(ELEMENTWISE, 1, "stable for |x| up to 1000"))
def test_stable_for_large_inputs(student, credit, name):
    """Not stable for large |x|: overflow, a numpy warning, NaN or inf, or lost accuracy."""
    for dtype in (np.float64, np.float32):
        x = EXTREMES.astype(dtype)
        got = getattr(student, name)(x.copy())
        what = f"{name}(x) for {dtype.__name__} x with |x| up to 1000"
        note = checks.warnings_note(student.last_call, what=what)
        close_to_reference(got, reference(name, x), dtype, what=what)
        if note:
            credit(1.0, note)


# Rows a naive softmax cannot take: huge, tiny, equal and mixed scores.
SCORES = np.array([[1e3, 0.0, -1e3, 5.0],
                   [-1e3, -999.0, -998.0, -1e3],
                   [1e3, 1e3, 1e3, 1e3],
                   [-50.0, 88.8, 89.0, 710.0],
                   [-710.0, -88.8, 0.5, -1.0]])


def softmax_cases():
    """(x, axis) in float64 and float32, along the last axis (the axis tests are in test_softmax)."""
    return [(SCORES.copy(), -1), (SCORES.astype(np.float32), -1)]


@pytest.mark.grade(points=1, function="softmax")
def test_softmax_stable_for_large_scores(student, credit):
    """softmax is not stable for large scores: subtract the maximum along the axis before exp."""
    for x, axis in softmax_cases():
        got = student.softmax(x.copy(), axis=axis)
        what = f"softmax(x, axis={axis}) for {x.dtype} scores with |x| up to 1000"
        note = checks.warnings_note(student.last_call, what=what)
        close_to_reference(got, ref_softmax(x.astype(np.float64), axis), x.dtype, what=what,
                           scale=1e3)
        if note:
            credit(1.0, note)


@pytest.mark.grade(points=1, function="log_softmax")
def test_log_softmax_stable_for_large_scores(student, credit):
    """log_softmax is not stable for large scores: use the log-sum-exp trick, not log(softmax(x))."""
    for x, axis in softmax_cases():
        got = student.log_softmax(x.copy(), axis=axis)
        what = f"log_softmax(x, axis={axis}) for {x.dtype} scores with |x| up to 1000"
        note = checks.warnings_note(student.last_call, what=what)
        close_to_reference(got, ref_log_softmax(x.astype(np.float64), axis), x.dtype, what=what,
                           scale=1e3)
        if note:
            credit(1.0, note)


@pytest.mark.grade(points=1, function="softmax_vjp")
def test_softmax_vjp_stable_for_large_scores(student, credit, rng):
    """softmax_vjp is not stable for large scores: compute softmax with the maximum subtracted."""
    for x, axis in softmax_cases():
        g = rng.normal(size=x.shape).astype(x.dtype)
        got = student.softmax_vjp(x.copy(), g.copy(), axis=axis)
        what = f"softmax_vjp(x, g, axis={axis}) for {x.dtype} scores with |x| up to 1000"
        note = checks.warnings_note(student.last_call, what=what)
        close_to_reference(got, ref_softmax_vjp(x.astype(np.float64), g.astype(np.float64), axis),
                           x.dtype, what=what, scale=1e3)
        if note:
            credit(1.0, note)
