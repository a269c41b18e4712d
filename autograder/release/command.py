"""`nngrade release ID -o DIR [--github-classroom]`: build the student handout."""
from __future__ import annotations

import sys
from pathlib import Path

from autograder.assignments import UnknownAssignment, get, id_help
from autograder.cli import UsageError


def add_arguments(parser) -> None:
    parser.add_argument("assignment", help=id_help())
    parser.add_argument("-o", "--output", required=True, metavar="DIR", help="the new handout folder")
    parser.add_argument("--github-classroom", action="store_true",
                        help="add a GitHub Classroom autograding workflow (runs the public tests)")


def run(args) -> int:
    from autograder.release.handout import ReleaseError, build_handout
    try:
        assignment = get(args.assignment)
    except UnknownAssignment as exc:
        raise UsageError(str(exc)) from None
    out = Path(args.output)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"{out} already exists and is not an empty folder; choose a new one")
    try:
        files = build_handout(assignment.id, out, github_classroom=args.github_classroom)
    except ReleaseError as exc:
        print(f"nngrade release: {exc}", file=sys.stderr)
        return 1
    print(f"wrote the {assignment.id} handout to {out} ({len(files)} files); "
          f"no hidden test and no solution line in it (checked).")
    print(f"Students: see {out / 'HOW_TO_WORK.md'}")
    return 0
