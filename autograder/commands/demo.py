"""`nngrade demo`: grade the bundled examples (correct, buggy, hostile) of every assignment."""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

from autograder.assignments import all_assignments
from autograder.examples import materialize
from autograder.grading import grade_submission
from autograder.reports.terminal import print_result, print_summary
from autograder.sandbox import Zygote

DEMO_BUDGET = 15.0   # seconds per submission: plenty for honest code, short for hostile loops


def add_arguments(parser) -> None:
    parser.add_argument("--assignment", help="only this assignment")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--detail", metavar="SUBMISSION", default="buggy",
                        help="also print the full feedback of the first example whose name starts "
                             "with this (default: buggy)")


def run(args) -> int:
    console = Console() if sys.stdout.isatty() else Console(width=140)   # logs keep whole names
    start = time.monotonic()
    rows = []
    with tempfile.TemporaryDirectory(prefix="nngrade-demo-") as tmp, Zygote() as zygote:
        for assignment in all_assignments():
            if args.assignment and assignment.id != args.assignment:
                continue
            examples = materialize(assignment.id, Path(tmp) / assignment.id)
            with console.status(f"grading {len(examples)} {assignment.id} examples"):
                for name, path in examples.items():
                    result = grade_submission(assignment.id, path, seed=args.seed, student=name,
                                              sandbox=zygote, budget_seconds=DEMO_BUDGET)
                    rows.append(result.to_dict())
    detail = next((r for r in rows if r["student"].startswith(args.detail)), None)
    if detail is not None:
        console.rule(f"feedback for {detail['assignment']} / {detail['student']}")
        print_result(detail, console)
    print_summary(rows, console, title=f"nngrade demo: {len(rows)} submissions graded in "
                                       f"{time.monotonic() - start:.1f} s, each in its own sandbox")
    return 0
