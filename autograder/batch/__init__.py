"""Grading a whole class: find each student's submission, grade in parallel, write results.

    discover.py   which file or folder is whose (plain folder, Canvas, nbgrader)
    jobs.py       one submission → one result dict (the unit shared by local and Dask)
    executors.py  a local process pool, or a Dask cluster
    store.py      OUT/<student>.json, grades.csv, report.html; what --resume keeps
    runner.py     run_batch(): the whole flow
    command.py    `nngrade batch`
"""
from autograder.batch.discover import DiscoveryError, discover
from autograder.batch.runner import Summary, run_batch

__all__ = ["DiscoveryError", "Summary", "discover", "run_batch"]
