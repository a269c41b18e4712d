"""Hostile: allocate 50 GB in every call.

np.empty touches no memory, so this stays harmless even without the limit;
under the worker's address-space limit it raises MemoryError. Expect 0 points.
"""
import numpy as np


def _hog(*args, **kwargs):
    block = np.empty(50 * 10**9, dtype=np.uint8)
    return float(block.nbytes)


for _name in __FUNCTIONS__:
    globals()[_name] = _hog
