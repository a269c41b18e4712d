"""Hidden suite, part 5: the contract every function keeps (SPEC §2).

Shape and dtype preserved (0-d, empty and n-d inputs; float32 stays float32),
inputs never modified in place, and whole-array (vectorised) computation.
Each property counts only for a function that also returns the right values:
`return x` keeps shapes, mutates nothing and is fast, and earns nothing here.
"""
import numpy as np
import pytest

from student_lib import checks

from ._common import ELEMENTWISE, REF, SOFTMAX, close_to_reference, each, median_seconds, reference

ALL = ELEMENTWISE + SOFTMAX

# Vectorisation is judged first by a count that does not depend on the machine:
# the lines of the student's file executed during the call (`last_call.lines`).
# Whole-array numpy runs a handful whatever the size; a loop over the elements
# (for, comprehension, np.vectorize or apply_along_axis of a Python function)
# runs at least one per element, i.e. thousands here. A timing backstop catches
# loops the count cannot see (map of a C function): a call may take RATIO times
# as long as the suite's reference on the same input, and at least FLOOR
# seconds; whole-array versions take well under a millisecond to 5 ms on these
# 20,000 numbers, loops over elements 3-60 ms or more.
N_ELEMENTS = 20_000
MAX_LINES = 500
RATIO, FLOOR = 10.0, 0.03


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


@pytest.mark.parametrize("name", each(ALL, 0.5, "leaves its inputs unchanged"))
def test_leaves_inputs_unchanged(student, rng, name):
    """Modifies its input in place (the caller's array must be left as it was), or returns wrong values."""
    args = arguments(name, rng.normal(0.0, 3.0, size=(4, 5)), rng)
    got = getattr(student, name)(*copies(args))
    checks.assert_not_mutated(student.last_call, what=name)
    close_to_reference(got, reference(name, *args), np.float64, what=f"{name} on random x")


def copies(args: tuple) -> list:
    """Fresh copies, so that a function writing into its input never changes the test's data."""
    return [a.copy() for a in args]


def big_input(name: str, rng) -> np.ndarray:
    if name in SOFTMAX:
        return rng.normal(0.0, 3.0, size=(N_ELEMENTS // 5, 5)).astype(np.float32)
    return rng.normal(0.0, 3.0, size=N_ELEMENTS).astype(np.float32)


@pytest.mark.parametrize("name", each(ALL, 0.5, "vectorised"))
def test_vectorised(student, rng, name):
    """Far too slow for whole-array numpy (is there a Python loop over the elements?), or wrong values."""
    args = arguments(name, big_input(name, rng), rng)
    budget = max(FLOOR, RATIO * median_seconds(REF[name], *args))
    fastest = np.inf
    for _ in range(2):          # a second try absorbs a scheduling hiccup; a loop is slow twice
        got = getattr(student, name)(*copies(args))
        fastest = min(fastest, student.last_call.seconds)
        if fastest <= budget or fastest > 3 * budget:
            break
    lines = student.last_call.lines
    if lines > MAX_LINES:
        checks.fail(f"{name} ran {lines:,} lines of Python for {args[0].size:,} numbers: a loop over "
                    f"the elements (for, a list comprehension, np.vectorize, np.apply_along_axis); "
                    f"use numpy operations on whole arrays instead")
    if fastest > budget:
        checks.fail(f"{name} took {fastest:.2f} s on {args[0].size:,} numbers, more than "
                    f"{RATIO:.0f} times a vectorised version; replace loops over elements "
                    f"(for, list comprehensions, np.vectorize, np.apply_along_axis) by numpy "
                    f"operations on whole arrays")
    close_to_reference(got, reference(name, *args), np.float32, what=f"{name} on a large float32 array")
