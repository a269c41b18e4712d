"""`nngrade batch ID DIR -o OUT [-j N] [--resume] [--seed N] [--scheduler ADDRESS]`."""
from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.table import Column
from rich.text import Text

from autograder.assignments import UnknownAssignment, get, id_help
from autograder.batch.discover import DiscoveryError
from autograder.batch.runner import Hooks, default_workers, run_batch


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", help=id_help())
    parser.add_argument("dir", metavar="DIR", help="one file or folder per student, a Canvas download "
                        "(folder or .zip), or an nbgrader course (submitted/<student>/<assignment>/)")
    parser.add_argument("-o", "--out", required=True, metavar="OUT",
                        help="where to write <student>.json, grades.csv and report.html")
    parser.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                        help=f"submissions graded in parallel (default: the number of cores, {default_workers()})")
    parser.add_argument("--resume", action="store_true", help="keep results already in OUT for the same "
                        "submission, suite version and seed; grade only the rest")
    parser.add_argument("--seed", type=int, default=0, help="seed for the random test cases (default 0)")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="grade on a Dask cluster "
                        "(e.g. tcp://10.0.0.5:8786) instead of local processes")
    parser.add_argument("--budget", type=float, default=None,
                        help="wall seconds for one submission (default: the manifest's, 120)")
    parser.add_argument("--allow-unconfined", action="store_true",
                        help="grade even where the kernel grants neither namespaces nor Landlock, so "
                        "student code could read your files (refused without this flag)")
    parser.add_argument("--no-similarity", action="store_true",
                        help="leave the similarity section (who copied from whom) out of report.html")


class _Rate(ProgressColumn):
    """Submissions per second since the start (rich's own speed goes blank at the end)."""

    def render(self, task) -> Text:
        elapsed = task.finished_time or task.elapsed
        if not elapsed or not task.completed:
            return Text("–/s", style="progress.data.speed")
        return Text(f"{task.completed / elapsed:.2f}/s", style="progress.data.speed")


class ProgressBar(Hooks):
    """A rich progress bar with rate and ETA, on stderr."""

    def __init__(self, console: Console):
        # On a narrow terminal (or a pipe: 80 columns) only the bar and the last submission's name
        # give way; the count, rate and times are never cut.
        fixed = dict(no_wrap=True, overflow="ignore")
        self.progress = Progress(
            TextColumn("[bold]grading", table_column=Column(**fixed)), BarColumn(bar_width=20),
            MofNCompleteColumn(table_column=Column(**fixed)), _Rate(table_column=Column(**fixed)),
            TimeElapsedColumn(table_column=Column(**fixed)), TextColumn("eta", table_column=Column(**fixed)),
            TimeRemainingColumn(table_column=Column(**fixed)),
            TextColumn("{task.fields[last]}", table_column=Column(no_wrap=True, overflow="ellipsis", ratio=1)),
            console=console, transient=False, expand=True)
        self.task = None

    def start(self, total: int, reused: int) -> None:
        self.progress.start()
        self.task = self.progress.add_task("grading", total=total - reused, last="")

    def advance(self, result: dict) -> None:
        self.progress.update(self.task, advance=1,
                             last=escape(f"{result['student']}: {result['score']:g}/{result['max_score']:g}"))

    def stop(self) -> None:
        self.progress.stop()


def confined_or_refuse(allowed: bool, console: Console) -> None:
    """Refuse to grade a class where no layer confines a worker's reads, unless told to."""
    from autograder.cli import UsageError
    from autograder.sandbox import Zygote
    from autograder.sandbox.isolation import CONFINED_MODES, UNCONFINED_WARNING
    with Zygote() as zygote:
        if zygote.mode in CONFINED_MODES:
            return
    if not allowed:
        raise UsageError(UNCONFINED_WARNING + " To grade anyway, knowingly: --allow-unconfined.")
    console.print(UNCONFINED_WARNING, style="bold red", highlight=False)


def run(args: argparse.Namespace) -> int:
    from autograder.cli import UsageError
    try:
        assignment = get(args.assignment)
    except UnknownAssignment as exc:
        raise UsageError(str(exc)) from None
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("-j must be at least 1")
    root, out = Path(args.dir), Path(args.out)
    if not root.exists():
        raise UsageError(f"no such folder: {root}")
    console = Console(stderr=True)
    confined_or_refuse(args.allow_unconfined, console)
    try:
        summary = run_batch(assignment.id, root, out, workers=args.jobs, seed=args.seed,
                            resume=args.resume, scheduler=args.scheduler,
                            budget_seconds=args.budget or assignment.submission_seconds,
                            hooks=ProgressBar(console), similarity=not args.no_similarity)
    except DiscoveryError as exc:
        raise UsageError(str(exc)) from None
    statuses = Counter(r["status"] for r in summary.results)
    for problem in summary.problems:
        console.print(f"[yellow]note:[/] {escape(problem)}", highlight=False)
    reused = f", {summary.reused} kept from an earlier run" if summary.reused else ""
    console.print(f"graded {summary.graded} submission(s){reused}; "
                  f"{statuses['graded']} graded, {statuses['ungradable']} ungradable "
                  f"({summary.layout} layout)", highlight=False)
    console.print(escape(f"results: {out}/<student>.json, {out / 'grades.csv'}, {out / 'report.html'}"),
                  highlight=False)
    if summary.interrupted:
        console.print("[red]interrupted[/]: run again with --resume to grade the rest", highlight=False)
        return 130
    return 0
