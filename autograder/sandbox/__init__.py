"""The sandbox: student code runs only in workers forked from a clean zygote.

    zygote.py     a fresh interpreter with numpy loaded; forks workers
    isolation.py  the walls: namespaces, hidden folders, uid, rlimits, env
    worker.py     imports the submission and answers calls
    protocol.py   the wire: JSON headers and .npy blobs, never pickles
    backend.py    the grader's side: calls, timeouts, restarts, output
"""
from autograder.sandbox.backend import SandboxBackend
from autograder.sandbox.isolation import Limits
from autograder.sandbox.zygote import Zygote

__all__ = ["Limits", "SandboxBackend", "Zygote"]
