"""Hostile: patch numpy's comparisons, numpy.testing, pytest and builtins, return zeros.

In nbgrader and otter this forges full marks (student code and tests share one
kernel). Here comparisons happen in the grading process: expect 0 points.
"""
import builtins
import sys
import types

import numpy as np
import numpy.testing


def _true(*args, **kwargs):
    return True


def _none(*args, **kwargs):
    return None


np.allclose = np.array_equal = _true
np.isclose = lambda a, b, *args, **kwargs: np.ones(np.shape(a), dtype=bool)
numpy.testing.assert_allclose = numpy.testing.assert_array_equal = _none
numpy.testing.assert_almost_equal = _none
builtins.isinstance = _true
fake_pytest = types.ModuleType("pytest")
fake_pytest.approx = lambda expected, *args, **kwargs: expected
sys.modules["pytest"] = fake_pytest


def _wrong(*args, **kwargs):
    arrays = [a for a in args if hasattr(a, "shape")]
    return np.zeros_like(arrays[0]) if arrays else 0.0


for _name in __FUNCTIONS__:
    globals()[_name] = _wrong
