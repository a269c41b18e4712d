"""Hostile: call sys.exit(0) while being imported. Expect: ungradable, 0 points, a clear message."""
import sys

for _name in __FUNCTIONS__:
    globals()[_name] = lambda *args, **kwargs: 0.0

sys.exit(0)
