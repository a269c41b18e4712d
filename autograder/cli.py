"""`nngrade`: the command line (SPEC §3).

    nngrade list
    nngrade grade ID SUBMISSION [--json PATH|-] [--seed N] [--html PATH]
    nngrade batch ID DIR -o OUT [-j N] [--resume] [--seed N] [--scheduler ADDRESS]
    nngrade release ID -o DIR [--github-classroom]
    nngrade export {gradescope,canvas,moodle,nbgrader,nbgrader-gradebook,otter} ...
    nngrade demo
    nngrade new ID [--title T]
    nngrade audit ID [-o DIR] [--json PATH] [--seeds N]
    nngrade check-suite ID [--seeds N]

Each command lives in its own module with `add_arguments(parser)` and
`run(args) -> int`. Exit codes: 0 done (whatever the score), 1 the grader
itself failed, 2 usage error.
"""
from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = {
    "list": ("autograder.commands.list_", "the assignments, their tests and points"),
    "grade": ("autograder.commands.grade", "grade one submission (.py, folder, .zip or .ipynb)"),
    "batch": ("autograder.batch.command", "grade a whole class, in parallel, resumably"),
    "release": ("autograder.release.command", "build the student handout"),
    "export": ("autograder.exporters.command", "export to an LMS: Gradescope, Canvas, Moodle, nbgrader, otter"),
    "similarity": ("autograder.similarity.command", "who copied from whom: ranked similar pairs, locally"),
    "serve": ("autograder.server.command", "the submission service: upload, instant feedback, LTI 1.3"),
    "demo": ("autograder.commands.demo", "grade the bundled example submissions (correct, buggy, hostile)"),
    "new": ("autograder.commands.new", "write the skeleton of a new assignment (manifest, solution, tests)"),
    "audit": ("autograder.audit.command", "mutation-test an assignment's suites: kill rate, surviving mutants"),
    "check-suite": ("autograder.audit.check_command", "check a suite: full marks, points, independent tests"),
}


class UsageError(Exception):
    """A mistake in how the command was called: exit code 2, message, no traceback."""


def build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The parser; only the chosen command's module is imported (start-up stays fast)."""
    from autograder import __version__
    parser = argparse.ArgumentParser(prog="nngrade", description="Sandboxed autograder for a first "
                                     "course on neural networks.")
    parser.add_argument("--version", action="version", version=f"nngrade {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if name != chosen:
            continue
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:   # a command whose module is missing stays listed, and says so
            command.set_defaults(_missing=f"`nngrade {name}` is not available: {exc}")
            continue
        module.add_arguments(command)
        command.set_defaults(_run=module.run)
    return parser


SANDBOXED = ("grade", "batch", "demo")   # commands that run student code
NOT_LINUX = ("nngrade grades only on Linux: its sandbox needs the Linux kernel's namespaces, Landlock "
             "and seccomp. On macOS or Windows, grade inside the container: see \"Grading on macOS or "
             "Windows\" in the README (docker build -t nngrade . && docker run ... nngrade batch ...).")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    if chosen in SANDBOXED and not sys.platform.startswith("linux"):
        print(f"nngrade {chosen}: {NOT_LINUX}", file=sys.stderr)
        return 2
    args = build_parser(chosen).parse_args(argv)
    if getattr(args, "_missing", None):
        print(args._missing, file=sys.stderr)
        return 1
    try:
        return int(args._run(args) or 0)
    except UsageError as exc:
        print(f"nngrade {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
