"""`nngrade audit ID [-o DIR] [--json PATH] [--seeds N]`: mutation-test the suites of an assignment."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from autograder.assignments import UnknownAssignment, get, id_help
from autograder.audit.mutants import OPERATORS


def add_arguments(parser) -> None:
    parser.add_argument("assignment", help=id_help())
    parser.add_argument("-o", "--output", metavar="DIR",
                        help="work folder and report (default: audit-<ID>); kept, so a rerun resumes")
    parser.add_argument("--json", metavar="PATH", help="also write the JSON report here ('-' for stdout)")
    parser.add_argument("--seeds", type=int, default=3, help="grading seeds per mutant (default 3)")
    parser.add_argument("-j", "--jobs", type=int, default=None, help="grading processes (default: all cores)")
    parser.add_argument("--function", action="append", default=[], metavar="NAME",
                        help="only mutants of this function (repeatable)")
    parser.add_argument("--operator", action="append", default=[], choices=OPERATORS,
                        help="only this mutation operator (repeatable)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N mutants (a quick look)")
    parser.add_argument("--fresh", action="store_true", help="grade everything again (no resume)")
    parser.add_argument("--no-equivalence", action="store_true",
                        help="skip the equivalence check of survivors")


def run(args) -> int:
    from autograder.audit import report
    from autograder.audit.run import EQUIVALENCE_SEEDS, AuditError, run_audit
    from autograder.cli import UsageError
    from autograder.result import write_atomic

    try:
        assignment = get(args.assignment)
    except UnknownAssignment as exc:
        raise UsageError(str(exc)) from None
    unknown = set(args.function) - set(assignment.functions)
    if unknown:
        raise UsageError(f"no function {', '.join(sorted(unknown))} in {assignment.id}")
    if args.seeds < 1:
        raise UsageError("--seeds must be at least 1")
    out = Path(args.output or f"audit-{assignment.id}")
    start = time.monotonic()
    log = lambda text: print(f"nngrade audit: {text}", file=sys.stderr)   # noqa: E731
    try:
        data = run_audit(assignment.id, out, seeds=args.seeds, workers=args.jobs,
                         functions=tuple(args.function), operators=tuple(args.operator or OPERATORS),
                         limit=args.limit, resume=not args.fresh,
                         equivalence_seeds=() if args.no_equivalence else EQUIVALENCE_SEEDS, say=log)
    except AuditError as exc:
        print(f"nngrade audit: {exc}", file=sys.stderr)
        return 1
    write_atomic(out / "audit.json", report.to_json(data))
    write_atomic(out / "audit.html", report.render_html(data))
    if args.json == "-":
        sys.stdout.write(report.to_json(data))
    elif args.json:
        write_atomic(Path(args.json), report.to_json(data))
    open_survivors = [s for s in data["survivors"] if not s["equivalent"] and not s["accepted"]]
    rate = "n/a" if data["kill_rate"] is None else f"{100 * data['kill_rate']:.1f} %"
    reviewed = "n/a" if data["kill_rate_reviewed"] is None else f"{100 * data['kill_rate_reviewed']:.1f} %"
    log(f"{data['mutants']} mutants: kill rate {rate}, {reviewed} reviewed "
        f"({data['killed_public']} by public tests, "
        f"{data['killed_hidden']} by the hidden suite), {data['survived']} survived "
        f"({data['accepted']} accepted), {data['equivalent']} likely equivalent; "
        f"{time.monotonic() - start:.0f} s")
    for s in open_survivors:
        log(f"  survives: {s['id']} {s['function']} line {s['line']}: {s['change']}")
    log(f"report: {out / 'audit.html'}")
    return 0
