"""Generate student scaffolds from the reference solutions (one source of truth).

    python -m autograder.scaffold            # rewrite assignments/<id>/<id>.py for all
    python -m autograder.scaffold --check    # exit 1 if a committed scaffold is stale

Each `### BEGIN SOLUTION` ... `### END SOLUTION` region of
`solutions/<id>/<id>.py` becomes one `raise NotImplementedError(...)` line at
the region's indentation, naming the enclosing function. Everything else
(imports, docstrings, signatures, comments) is copied as it is.
"""
from __future__ import annotations

import argparse
import re
import sys

from autograder.assignments import all_assignments

BEGIN = re.compile(r"^(\s*)### BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*### END SOLUTION\s*$")
DEF = re.compile(r"^\s*def\s+(\w+)\s*\(")
HEADER = "# Generated from solutions/ by `python -m autograder.scaffold`: edit the solution, not this file.\n"
CONFTEST = '"""Lets `pytest` find the grading fixtures (student, rng, seed, credit)."""\npytest_plugins = ["grading_contract.rubric"]\n'


class ScaffoldError(ValueError):
    pass


def strip_solutions(source: str, filename: str = "solution") -> str:
    """The scaffold for a solution's source text."""
    out, function, inside = [], None, False
    for lineno, line in enumerate(source.splitlines(keepends=True), 1):
        if (m := DEF.match(line)) and not inside:
            function = m.group(1)
        if (m := BEGIN.match(line)):
            if inside:
                raise ScaffoldError(f"{filename}:{lineno}: nested BEGIN SOLUTION")
            inside = True
            what = f"`{function}`" if function else "this part"
            out.append(f'{m.group(1)}raise NotImplementedError("TODO: implement {what} (see README.md)")\n')
        elif END.match(line):
            if not inside:
                raise ScaffoldError(f"{filename}:{lineno}: END SOLUTION without BEGIN")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ScaffoldError(f"{filename}: BEGIN SOLUTION is never closed")
    return "".join(out)


def expected_files() -> dict:
    """{path: text} of every generated file."""
    files = {}
    for assignment in all_assignments():
        if assignment.solution is None:
            continue
        text = assignment.solution.read_text()
        files[assignment.scaffold] = HEADER + strip_solutions(text, str(assignment.solution))
        files[assignment.handout_dir / "conftest.py"] = CONFTEST
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.scaffold", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale scaffolds")
    args = parser.parse_args(argv)
    stale = []
    for path, text in expected_files().items():
        if not path.exists() or path.read_text() != text:
            stale.append(path)
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
    for path in stale:
        print(("stale: " if args.check else "wrote: ") + str(path))
    if args.check and stale:
        print("Run `python -m autograder.scaffold` and commit the result.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
