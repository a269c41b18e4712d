"""`nngrade demo [-j N] [-v] [--assignment ID]`: grade the bundled examples of every assignment.

The examples (correct, buggy, hostile) go through the batch engine as one
class: `-j` grading processes (all cores by default), each with its own
sandbox zygote and collected suites, a live progress bar, then one summary
table. `-v` also prints every submission's feedback.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

from autograder.assignments import UnknownAssignment, all_assignments, get
from autograder.batch.executors import LocalPool
from autograder.batch.jobs import Settings, make_job
from autograder.batch.runner import default_workers
from autograder.examples import materialize
from autograder.reports.terminal import print_result, print_summary

DEMO_BUDGET = 15.0   # seconds per submission: plenty for honest code, short for hostile loops


def add_arguments(parser) -> None:
    parser.add_argument("--assignment", help="only this assignment")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                        help=f"submissions graded in parallel (default: the number of cores, {default_workers()})")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also print the feedback of every submission")


def demo_jobs(assignment_ids: list[str], folder: Path, seed: int) -> list[dict]:
    """Every example of these assignments as batch jobs, hostile ones first (they take longest)."""
    jobs = []
    for assignment_id in assignment_ids:
        examples = materialize(assignment_id, folder / assignment_id)
        settings = Settings(assignment_id, seed, DEMO_BUDGET, images=False)   # a terminal shows none
        jobs += [make_job(settings, name, path) for name, path in examples.items()]
    return sorted(jobs, key=lambda job: not job["student"].startswith("hostile_"))


def run(args) -> int:
    from autograder.batch.command import ProgressBar
    from autograder.cli import UsageError

    if args.jobs is not None and args.jobs < 1:
        raise UsageError("-j must be at least 1")
    try:
        ids = [get(args.assignment).id] if args.assignment else [a.id for a in all_assignments()]
    except UnknownAssignment as exc:
        raise UsageError(str(exc)) from None
    console = Console() if sys.stdout.isatty() else Console(width=140)   # logs keep whole names
    progress = ProgressBar(Console(stderr=True))
    start = time.monotonic()
    rows: list[dict] = []

    def on_result(result: dict) -> None:
        rows.append(result)
        progress.advance(result)

    with tempfile.TemporaryDirectory(prefix="nngrade-demo-") as tmp:
        jobs = demo_jobs(ids, Path(tmp), args.seed)
        progress.start(len(jobs), 0)
        try:
            LocalPool(args.jobs or default_workers()).run(jobs, on_result)
        finally:
            progress.stop()
    order = {a.id: i for i, a in enumerate(all_assignments())}
    rows.sort(key=lambda r: (order[r["assignment"]], r["student"]))
    if args.verbose:
        for row in rows:
            console.rule(f"feedback for {row['assignment']} / {row['student']}")
            print_result(row, console)
    workers = args.jobs or default_workers()
    print_summary(rows, console, title=f"nngrade demo: {len(rows)} submissions graded in "
                                       f"{time.monotonic() - start:.1f} s by {workers} process(es), "
                                       f"each submission in its own sandbox")
    return 0
