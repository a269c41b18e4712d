"""Hostile: end the process in every call, alternating os._exit(0) and sys.exit(0).

Expect 0 points; each test fails with a message, and the rest of the suite
still runs in a fresh worker.
"""
import os
import sys

_calls = [0]


def _leave(*args, **kwargs):
    _calls[0] += 1
    if _calls[0] % 2:
        os._exit(0)
    sys.exit(0)


for _name in __FUNCTIONS__:
    globals()[_name] = _leave
