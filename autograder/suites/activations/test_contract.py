"""Hidden suite, part 5: the contract every function keeps (SPEC §2).

Shape and dtype preserved (0-d, empty and n-d inputs; float32 stays float32),
inputs never modified in place, and whole-array (vectorised) computation.
Each property counts only for a function that also returns the right values:
`return x` keeps shapes, mutates nothing and is fast, and earns nothing here.
"""
import functools
import time

import numpy as np
import pytest

from student_lib import checks

from ._common import ELEMENTWISE, REF, SOFTMAX, close_to_reference, each, reference

ALL = ELEMENTWISE + SOFTMAX

# Vectorisation is judged by CPU time, observed from outside the student's process (the
# kernel's clock of the worker, read by the grader): how it grows from a small to a large
# input, per element, against the suite's own whole-array reference (checks.assert_vectorised).
# A loop over the elements (for, comprehension, np.vectorize, apply_along_axis, map) costs
# >= ~100 ns an element; whole-array numpy a few ns. The lines of the student's file that ran
# (`last_call.lines`, reported by the student's own process) are only quoted as a hint.
SIZES = checks.VECTORISED_SIZES   # the public example's sizes: one timing serves both
VALUES_SIZE = 10_000     # the values are checked on this many; the timing needs no more checks
# The light functions' budget is a flat checks.LIGHT_BUDGET, so a loaded machine's slower
# reference never excuses a loop; the heavy ones may take 4 times the reference.
HEAVY = {"silu_grad", "gelu", "gelu_grad", "softmax", "log_softmax", "softmax_vjp"}


def arguments(name: str, x: np.ndarray, rng) -> tuple:
    if name == "softmax_vjp":
        return x, rng.normal(size=x.shape).astype(x.dtype)
    return (x,)


def shape_cases(name: str, rng) -> list:
    """(x, kwargs, description) covering float32 and float64, n-d, 0-d and empty inputs."""
    if name in SOFTMAX:
        return [(rng.normal(size=(2, 3, 4)).astype(np.float32), {}, "a float32 array of shape (2, 3, 4)"),
                (rng.normal(size=5), {}, "a float64 array of shape (5,)"),
                (rng.normal(size=(3, 4)).astype(np.float32), {"axis": 0},
                 "a float32 array of shape (3, 4) with axis=0")]
    return [(rng.normal(size=(2, 3, 4)).astype(np.float32), {}, "a float32 array of shape (2, 3, 4)"),
            (np.array(rng.normal()), {}, "a 0-d float64 array"),
            (np.zeros((0, 3), dtype=np.float32), {}, "an empty float32 array of shape (0, 3)")]


@pytest.mark.parametrize("name", each(ALL, 0.5, "keeps the input's shape and dtype"))
def test_keeps_shape_and_dtype(student, rng, name):
    """Does not return the right values with the input's shape and dtype (float32 in, float32 out)."""
    for x, kwargs, description in shape_cases(name, rng):
        args = arguments(name, x, rng)
        expected = reference(name, *args, **kwargs)
        got = getattr(student, name)(*copies(args), **kwargs)
        what = f"{name} for {description}"
        checks.assert_array(got, what=what, shape=x.shape, dtype=x.dtype)
        close_to_reference(got, expected, x.dtype, what=what)


@pytest.mark.parametrize("name", each(ALL, 0.25, "leaves its inputs unchanged"))
def test_leaves_inputs_unchanged(student, rng, name):
    """Modifies its input in place (the caller's array must be left as it was), or returns wrong values."""
    args = arguments(name, rng.normal(0.0, 3.0, size=(4, 5)), rng)
    got = getattr(student, name)(*copies(args))
    checks.assert_not_mutated(student.last_call, what=name)
    close_to_reference(got, reference(name, *args), np.float64, what=f"{name} on random x")


def copies(args: tuple) -> list:
    """Fresh copies, so that a function writing into its input never changes the test's data."""
    return [a.copy() for a in args]


def inputs(name: str, n: int, rng) -> tuple:
    """Arguments of `name` with n float32 numbers."""
    if name in SOFTMAX:
        x = rng.normal(0.0, 3.0, size=(n // 5, 5)).astype(np.float32)
    else:
        x = rng.normal(0.0, 3.0, size=n).astype(np.float32)
    return arguments(name, x, rng)


@functools.lru_cache(maxsize=None)
def timing_inputs(name: str, n: int) -> tuple:
    """Arguments to time `name` on: drawn once per process (their values do not change a cost)."""
    arrays = inputs(name, n, np.random.default_rng(n))
    for a in arrays:
        a.flags.writeable = False   # shared by every timing: the reference must not write into it
    return arrays


@pytest.mark.parametrize("name", each(ALL, 0.25, "vectorised", timeout=10))   # a loop is slow, not hung
def test_vectorised(student, rng, name):
    """Far too slow for whole-array numpy (is there a Python loop over the elements?), or wrong values."""
    function = getattr(student, name)

    def student_seconds(*args):
        function(*args)
        return student.last_call.seconds

    def reference_seconds(*args):
        start = time.thread_time()
        REF[name](*args)
        return time.thread_time() - start

    args = inputs(name, VALUES_SIZE, rng)
    got = function(*args)
    close_to_reference(got, reference(name, *args), np.float32, what=f"{name} on a large float32 array")
    checks.assert_vectorised(student_seconds, reference_seconds, lambda n: timing_inputs(name, n),
                             what=name, sizes=SIZES, lines_hint=(student.last_call.lines, VALUES_SIZE),
                             ceiling=float("inf") if name in HEAVY else checks.LIGHT_BUDGET,
                             measured=student.measured_costs(name))   # timed once per submission
