"""Hostile: return objects whose == is always true (a plain object and an ndarray subclass).

Expect 0 points: only plain arrays cross the sandbox; anything else is an
opaque handle, which compares equal to nothing.
"""
import numpy as np


class AlwaysEqual:
    shape = ()
    dtype = np.dtype("float64")

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __array__(self, *args, **kwargs):
        return np.zeros(1)


class EqualArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(self), dtype=bool)

    def __ne__(self, other):
        return np.zeros(np.shape(self), dtype=bool)


_calls = [0]


def _sneaky(*args, **kwargs):
    _calls[0] += 1
    arrays = [a for a in args if hasattr(a, "shape")]
    if arrays and _calls[0] % 2:
        return np.zeros_like(arrays[0]).view(EqualArray)
    return AlwaysEqual()


for _name in __FUNCTIONS__:
    globals()[_name] = _sneaky
