"""`nngrade check-suite ID [--seeds N] [--json PATH]`: is the rubric sound? (see suite_checks)"""
from __future__ import annotations

import json
import sys

from autograder.assignments import UnknownAssignment, get, id_help


def add_arguments(parser) -> None:
    parser.add_argument("assignment", help=id_help())
    parser.add_argument("--seeds", type=int, default=20, help="seeds to grade the reference on (default 20)")
    parser.add_argument("--json", metavar="PATH", help="write the checks as JSON here ('-' for stdout)")


def run(args) -> int:
    from autograder.audit.suite_checks import check_suite
    from autograder.cli import UsageError
    from autograder.result import write_atomic

    try:
        assignment = get(args.assignment)
    except UnknownAssignment as exc:
        raise UsageError(str(exc)) from None
    if args.seeds < 1:
        raise UsageError("--seeds must be at least 1")
    checks = check_suite(assignment.id, seeds=args.seeds,
                         say=lambda text: print(f"  … {text}", file=sys.stderr))
    out = sys.stderr if args.json == "-" else sys.stdout
    for check in checks:
        print(f"{'✓' if check.ok else '✗'} {check.name}", file=out)
        for line in check.details[:20]:
            print(f"    {line}", file=out)
    data = {"schema": "nngrade.check-suite/1", "assignment": assignment.id,
            "ok": all(c.ok for c in checks), "checks": [c.to_dict() for c in checks]}
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if args.json == "-":
        sys.stdout.write(text)
    elif args.json:
        from pathlib import Path
        write_atomic(Path(args.json), text)
    return 0 if data["ok"] else 1
