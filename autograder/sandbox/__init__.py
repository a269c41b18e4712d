"""The sandbox: student code runs only in workers forked from a clean zygote.

    zygote.py     a fresh interpreter with numpy loaded; forks workers
    isolation.py  the walls: namespaces, hidden folders, uid, rlimits, env
    worker.py     imports the submission and answers calls
    protocol.py   the wire: JSON headers and .npy blobs, never pickles
    backend.py    the grader's side: calls, timeouts, restarts, output
"""
import importlib

# Imported on first use, so that starting a zygote (zygote.py: standard library only) does not
# wait for numpy: `nngrade grade` boots its zygote while it imports and collects the suite.
_WHERE = {"SandboxBackend": "autograder.sandbox.backend", "Limits": "autograder.sandbox.isolation",
          "Zygote": "autograder.sandbox.zygote"}
__all__ = list(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'autograder.sandbox' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)
