"""`nngrade grade ID SUBMISSION`: grade one submission, print a table, write JSON/HTML."""
from __future__ import annotations

from pathlib import Path

from autograder.assignments import UnknownAssignment, get, id_help
from autograder.cli import UsageError
from autograder.sandbox.zygote import Zygote


def add_arguments(parser) -> None:
    parser.add_argument("assignment", help=id_help())
    parser.add_argument("submission", help="a .py file, a folder, a .zip or an .ipynb")
    parser.add_argument("--json", metavar="PATH", help="write the result JSON here ('-' for stdout)")
    parser.add_argument("--html", metavar="PATH", help="write the student's HTML report here ('-' for stdout)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the random test cases (default 0)")
    parser.add_argument("--student", default="", help="the student's id, recorded in the result")
    parser.add_argument("--budget", type=float, default=None,
                        help="wall seconds for the whole submission (default: the manifest's, 120)")


def run(args) -> int:
    try:
        assignment = get(args.assignment)
    except UnknownAssignment as exc:
        raise UsageError(str(exc)) from None
    if args.json == "-" and args.html == "-":
        raise UsageError("--json - and --html - would both write to standard output; give one a file")
    submission = Path(args.submission)
    if not submission.exists() and not submission.is_symlink():
        raise UsageError(f"no such file or folder: {submission}")
    # The zygote boots on the other core while this process imports and collects the suite.
    with Zygote(packages=assignment.worker_packages).start() as zygote:
        from rich.console import Console

        from autograder.grading import grade_submission
        from autograder.reports.terminal import print_result
        from autograder.result import write_atomic
        from autograder.sandbox.isolation import UNCONFINED_WARNING
        from autograder.sandbox.cpus import on_one_cpu
        with on_one_cpu():   # grader and worker on one core: a call does not hop between cores
            result = grade_submission(args.assignment, submission, seed=args.seed, sandbox=zygote,
                                      student=args.student or submission.stem,
                                      budget_seconds=args.budget or assignment.submission_seconds)
    data = result.to_dict()
    # With --json - (or --html -), stdout carries only that; the table goes to stderr.
    console = Console(stderr="-" in (args.json, args.html))
    print_result(data, console)
    if data.get("status") == "graded" and not data.get("isolation", {}).get("confined", False):
        console.print(UNCONFINED_WARNING, style="bold red", highlight=False)
    try:
        if args.json:
            write_atomic(args.json, result.to_json())
        if args.html:
            from autograder.reports.html import render_result
            write_atomic(args.html, render_result(data))
    except OSError as exc:
        raise UsageError(f"could not write {exc.filename or 'the output'}: {exc.strerror or exc}") from None
    return 0
