"""Hostile: SIGKILL its parent (the zygote) and init, in every call.

(No `kill -1`: were the uid drop to fail, that would hit the machine's own
processes.) Expect 0 points; the grader keeps running.
"""
import os
import signal


def _assassin(*args, **kwargs):
    for target in (os.getppid(), 1):
        try:
            os.kill(target, signal.SIGKILL)
        except OSError:
            pass
    return 0.0


for _name in __FUNCTIONS__:
    globals()[_name] = _assassin
