"""`nngrade similarity ID SUBMISSIONS [-o report.html] [--json PATH] [--against DIR]`.

Reads the class as `nngrade batch` does, grades nothing, runs nothing, and
prints the ranked pairs; `-o` writes the HTML report, `--json` the pairs.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from autograder.assignments import UnknownAssignment, get, id_help
from autograder.batch.discover import DiscoveryError
from autograder.result import write_atomic
from autograder.similarity.detect import Settings, detect
from autograder.similarity.load import baseline, read_class

SHOWN = 15       # pairs printed on the terminal


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", help=id_help())
    parser.add_argument("submissions", metavar="SUBMISSIONS", help="any folder `nngrade batch` reads: one file or "
                        "folder per student, a Canvas download (folder or .zip), an nbgrader submitted/ tree")
    parser.add_argument("-o", "--out", metavar="HTML", help="write the report (pairs side by side) here")
    parser.add_argument("--json", metavar="PATH", help="write the ranked pairs as JSON here ('-' for stdout)")
    parser.add_argument("--against", metavar="DIR", action="append", default=[],
                        help="earlier terms' submissions or known online solutions to compare with "
                             "(same layouts; never graded; may be given more than once)")
    parser.add_argument("--threshold", type=float, default=Settings.threshold,
                        help="score (about the share of a student's own code found in the other file) "
                             f"from which a pair is listed (default {Settings.threshold})")
    parser.add_argument("--common-share", type=float, default=Settings.common_share,
                        help="discount passages written alike by more than this share of the class "
                             f"(default {Settings.common_share})")


def run(args: argparse.Namespace) -> int:
    from autograder.cli import UsageError
    try:
        assignment = get(args.assignment)
    except UnknownAssignment as exc:
        raise UsageError(str(exc)) from None
    if not 0 < args.threshold <= 1 or not 0 < args.common_share <= 1:
        raise UsageError("--threshold and --common-share must be between 0 and 1")
    started = time.perf_counter()
    try:
        sources, skipped, problems = read_class(assignment.id, args.submissions)
        against: dict[str, str] = {}
        for folder in args.against:
            more, more_skipped, _ = read_class(assignment.id, folder)
            prefix = f"{Path(folder).name}/" if len(args.against) > 1 else ""
            against.update({prefix + name: text for name, text in more.items()})
            skipped.update({f"against:{prefix}{name}": why for name, why in more_skipped.items()})
    except DiscoveryError as exc:
        raise UsageError(str(exc)) from None
    settings = Settings(threshold=args.threshold, common_share=args.common_share)
    report = detect(sources, baseline(assignment.id), against, settings, skipped)
    seconds = time.perf_counter() - started
    _print(report, problems, seconds)
    if args.out:
        from autograder.similarity.report import render_page
        write_atomic(Path(args.out), render_page(report, title=f"{assignment.id}: {assignment.title}"))
        print(f"report: {args.out}")
    if args.json:
        text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
        if args.json == "-":
            print(text, end="")
        else:
            write_atomic(Path(args.json), text)
            print(f"pairs: {args.json}")
    return 0


def _print(report, problems: list[str], seconds: float) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(stderr=True)
    for problem in problems:
        console.print(f"[yellow]note:[/] {escape(problem)}", highlight=False)
    against = f" against {report.against} earlier/online file(s)" if report.against else ""
    console.print(f"compared {report.compared} submission(s){against} in {seconds:.1f} s, on this machine "
                  f"(nothing was sent anywhere); {len(report.pairs) + report.more_pairs} pair(s) listed, "
                  f"{len(report.clusters)} group(s)", highlight=False)
    if report.pairs:
        table = Table(show_edge=False)
        for column in ("A", "B", "A in B", "B in A", "tokens", "functions"):
            table.add_column(column)
        for pair in report.pairs[:SHOWN]:
            m = pair.match
            functions = ", ".join(f.function or "(module)" for f in m.functions[:3])
            table.add_row(escape(pair.a), escape(pair.b), f"{100 * m.similarity_a:.0f}%",
                          f"{100 * m.similarity_b:.0f}%", f"{m.tokens_a}" + (" whole fn" if pair.partial else ""),
                          escape(functions))
        console.print(table)
    for student, why in report.skipped.items():
        console.print(f"[dim]not compared: {escape(student)}: {escape(why)}[/]", highlight=False)
