"""`python -m student_lib COMMAND`: check, submit, plot.

    python -m student_lib check [FILE] [-v]    run the public tests, explain failures
    python -m student_lib submit [FILE]        validate your file and pack submission.zip
    python -m student_lib plot ...             pictures of your functions (needs matplotlib)
"""
from __future__ import annotations

import sys

COMMANDS = {
    "check": "run the public tests on your file and explain what failed",
    "submit": "validate your file and pack submission.zip (uploads nothing)",
    "plot": "draw your functions against the targets (needs matplotlib)",
}


def usage() -> str:
    lines = ["usage: python -m student_lib COMMAND [ARGS]", "", "commands:"]
    lines += [f"  {name:8s} {text}" for name, text in COMMANDS.items()]
    lines += ["", "`python -m student_lib COMMAND --help` tells more about one command."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(usage())
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "check":
        from student_lib.check import main as run
    elif command == "submit":
        from student_lib.submit import main as run
    elif command == "plot":
        from student_lib.plot import main as run
    else:
        print(f"unknown command {command!r}\n\n{usage()}", file=sys.stderr)
        return 2
    return int(run(rest) or 0)


if __name__ == "__main__":
    sys.exit(main())
