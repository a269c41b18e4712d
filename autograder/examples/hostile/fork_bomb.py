"""Hostile: fork in every call (bounded: at most 64 forks per call, children exit at once).

Expect 0 points: the worker may not create processes.
"""
import os


def _bomb(*args, **kwargs):
    made = 0
    for _ in range(64):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            os._exit(0)
        made += 1
        os.waitpid(pid, 0)
    return float(made)


for _name in __FUNCTIONS__:
    globals()[_name] = _bomb
