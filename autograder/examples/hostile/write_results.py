"""Hostile: write fake results and poison shared files (results folders, numpy, student_lib).

Expect 0 points, and no file outside the worker's own folder changed.
"""
import os

import numpy

TARGETS = ["/autograder/results/results.json", "/tmp/nngrade-fake-result.json",
           os.path.join(os.path.dirname(numpy.__file__), "nngrade_poison.txt"),
           "../results.json", "../../grades.csv"]
WRITTEN = []
for path in TARGETS:
    try:
        with open(path, "w") as f:
            f.write('{"score": 1000}')
        WRITTEN.append(path)
    except OSError:
        pass
print("written:", WRITTEN)


def _nothing(*args, **kwargs):
    return 0.0


for _name in __FUNCTIONS__:
    globals()[_name] = _nothing
