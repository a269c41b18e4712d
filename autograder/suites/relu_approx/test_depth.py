"""Hidden tests: what depth buys (sawtooth, square_approx).

A net's size is its number of hidden units: the out-sizes of all its layers
but the last. "Linear in m" is checked as at most 8 m + 8 units, which any
construction with a fixed block per composition meets and none with 2^m
units does for m = 10.
"""
import numpy as np
import pytest

from autograder.suites.relu_approx.nets import deep_net, deep_values, hidden_units, tent_power
from student_lib import checks

MAX_UNITS = "8 m + 8"


def unit_budget(m: int) -> int:
    return 8 * m + 8


def dyadic_and_random_grid(rng, m: int) -> np.ndarray:
    """Every breakpoint j / 2^(m+1), plus random points in between."""
    return np.concatenate([np.linspace(0, 1, 2 ** (m + 1) * 4 + 1), rng.uniform(0, 1, 2000)])


@pytest.mark.grade(points=4, function="sawtooth")
def test_sawtooth_exact(student, rng):
    """sawtooth(m) does not compute the m-fold tent map exactly on [0, 1]."""
    for m in range(1, 11):
        layers = deep_net(student.sawtooth(m), what=f"sawtooth({m})")
        x = dyadic_and_random_grid(rng, m)
        checks.assert_close(deep_values(layers, x), tent_power(x, m),
                            what=f"sawtooth({m}) on [0, 1]", rtol=0, atol=1e-9)


@pytest.mark.grade(points=2, function="sawtooth")
def test_sawtooth_size_linear_in_m(student):
    """sawtooth(m) uses more hidden units than a linear function of m (at most 8 m + 8)."""
    x = np.linspace(0, 1, 257)
    for m in range(1, 11):
        layers = deep_net(student.sawtooth(m), what=f"sawtooth({m})")
        units = hidden_units(layers)
        if not np.allclose(deep_values(layers, x), tent_power(x, m), rtol=0, atol=1e-6):
            checks.fail(f"sawtooth({m}) is not the m-fold tent map; its size counts only once it is")
        if units > unit_budget(m):
            checks.fail(f"sawtooth({m}) has {units} hidden units; a block of a few units per "
                        f"composition keeps it at most {MAX_UNITS} = {unit_budget(m)}")


@pytest.mark.grade(points=4, function="square_approx")
def test_square_approx_error_bound(student, rng):
    """square_approx(m) misses x**2 on [0, 1] by more than 2**(-2m-2)."""
    for m in range(1, 9):
        layers = deep_net(student.square_approx(m), what=f"square_approx({m})")
        x = dyadic_and_random_grid(rng, m)
        err = float(np.max(np.abs(deep_values(layers, x) - x ** 2)))
        bound = 2.0 ** (-2 * m - 2)
        if not err <= bound * (1 + 1e-6) + 1e-12:   # the bound is attained: allow rounding
            checks.fail(f"square_approx({m}) has sup-error {err:.3g} on [0, 1]; "
                        f"the bound is 2**(-2m-2) = {bound:.3g}")


@pytest.mark.grade(points=2, function="square_approx")
def test_square_approx_size_linear_in_m(student):
    """square_approx(m) uses more hidden units than a linear function of m (at most 8 m + 8)."""
    x = np.linspace(0, 1, 257)
    for m in range(1, 9):
        layers = deep_net(student.square_approx(m), what=f"square_approx({m})")
        units = hidden_units(layers)
        if not np.max(np.abs(deep_values(layers, x) - x ** 2)) <= 2.0 ** (-2 * m - 2) * 1.01:
            checks.fail(f"square_approx({m}) misses x**2 by more than the bound; its size counts "
                        f"only once it meets it")
        if units > unit_budget(m):
            checks.fail(f"square_approx({m}) has {units} hidden units; Yarotsky's construction "
                        f"needs a few per level, at most {MAX_UNITS} = {unit_budget(m)}")
