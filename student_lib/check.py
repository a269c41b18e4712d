"""`python -m student_lib check [FILE]`: run the public tests, explain what failed.

From inside the handout folder, with no argument, it finds the one `<id>.py`
that has a `test_<id>.py` beside it. It prints one line per function: passes,
fails (with a small concrete example and a hint), or not started yet. The exit
code is 0 when every public test passes, 1 otherwise (GitHub Classroom reads it).

The public tests are only a first check: grading runs them again, plus hidden
tests on other inputs (float32, large values, other shapes).
"""
from __future__ import annotations

import argparse
import ast
import re
from dataclasses import dataclass, field
from pathlib import Path


from student_lib.hints import hint_for, tidy
from student_lib.testing import OutcomeCollector, TestOutcome, run_pytest


class CheckError(Exception):
    """The check cannot start (no file, no tests); the message says what to do."""


@dataclass(frozen=True)
class Handout:
    assignment: str
    student_file: Path
    tests: Path


@dataclass
class FunctionReport:
    """What the public tests say about one function."""

    function: str
    outcomes: list[TestOutcome] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(o.status == "passed" for o in self.outcomes)

    @property
    def state(self) -> str:
        """"passed", "not started", "failed" or "no tests"."""
        if not self.outcomes:
            return "no tests"
        if self.passed == len(self.outcomes):
            return "passed"
        if all(is_not_started(o) for o in self.outcomes if o.status != "passed"):
            return "not started"
        return "failed"

    def problems(self) -> list[TestOutcome]:
        return [o for o in self.outcomes if o.status != "passed" and not is_not_started(o)]


def is_not_started(outcome: TestOutcome) -> bool:
    return outcome.status == "error" and " is not implemented yet" in outcome.output.split("\n")[0]


# ---------------------------------------------------------------- finding files
def find_handout(file: str | None = None, cwd: Path | None = None, assignment: str | None = None) -> Handout:
    """The student file and its public tests, from FILE (and the assignment) or the current folder."""
    cwd = Path.cwd() if cwd is None else Path(cwd)
    if file is not None:
        student = Path(file)
        if not student.is_file():
            raise CheckError(f"there is no file {file}; give the path of your .py file")
        tests = _tests_for(assignment or student.stem, [student.resolve().parent, cwd])
        if tests is None and assignment is None:
            candidates = sorted(cwd.glob("test_*.py"))
            tests = candidates[0] if len(candidates) == 1 else None
        if tests is None:
            raise CheckError(f"no test_{assignment or student.stem}.py next to {student} or in this folder; "
                             f"run the check from your handout folder (or name the assignment with -a)")
        return Handout(tests.stem.removeprefix("test_"), student, tests)
    pairs = [(p, cwd / p.name.removeprefix("test_")) for p in sorted(cwd.glob("test_*.py"))]
    pairs = [(t, s) for t, s in pairs if s.is_file()]
    if len(pairs) == 1:
        tests, student = pairs[0]
        return Handout(student.stem, student, tests)
    if not pairs:
        raise CheckError("no assignment here: run this command in your handout folder (the one with "
                         "your <assignment>.py and test_<assignment>.py), or give your file: "
                         "python -m student_lib check YOUR_FILE.py")
    names = ", ".join(s.name for _, s in pairs)
    raise CheckError(f"this folder holds several assignments ({names}); say which: "
                     f"python -m student_lib check {pairs[0][1].name}")


def _tests_for(assignment: str, folders: list[Path]) -> Path | None:
    """test_<id>.py in one of the folders, or in a repository's assignments/<id>/ above them."""
    for folder in folders:
        if (folder / f"test_{assignment}.py").is_file():
            return folder / f"test_{assignment}.py"
    for folder in folders:
        for parent in [folder, *folder.parents]:
            path = parent / "assignments" / assignment / f"test_{assignment}.py"
            if path.is_file():
                return path
    return None


def functions_in(path: Path) -> list[str]:
    """Top-level public functions of a file, in order ([] if it does not parse)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, ValueError, UnicodeDecodeError):
        return []
    return [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]


def syntax_problem(path: Path) -> str | None:
    """A student-facing message if the file does not parse."""
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return f"{path.name} is not UTF-8 text; save it as UTF-8"
    try:
        ast.parse(source, filename=path.name)
    except SyntaxError as exc:
        line = (exc.text or "").rstrip()
        caret = " " * max((exc.offset or 1) - 1, 0) + "^" if exc.offset and line else ""
        return (f"{path.name} has a syntax error on line {exc.lineno}: {exc.msg}\n    {line.strip()}"
                + (f"\n    {caret[len(line) - len(line.lstrip()):]}" if caret else "")
                + "\nFix it and run the check again; nothing can be tested until the file imports.")
    return None


# ---------------------------------------------------------------- running
def run_public_tests(handout: Handout, seed: int = 0) -> tuple[list[TestOutcome], list[str]]:
    """(outcomes of the graded public tests, collection errors)."""
    collector = OutcomeCollector()
    args = [str(handout.tests), "--student-file", str(handout.student_file.resolve()),
            "--nngrade-seed", str(seed), "--rootdir", str(handout.tests.resolve().parent),
            "--nngrade-no-images"]
    run_pytest(args, [collector])
    errors = [e.splitlines()[-1] for e in collector.collection_errors]
    return collector.outcomes, errors


def group_by_function(outcomes: list[TestOutcome], order: list[str]) -> list[FunctionReport]:
    """One report per function: the file's order first, then any other tested function."""
    reports = {f: FunctionReport(f) for f in order}
    for o in outcomes:
        reports.setdefault(o.function, FunctionReport(o.function)).outcomes.append(o)
    return [r for r in reports.values() if r.outcomes]


def import_failure(outcomes: list[TestOutcome], student_file: Path) -> str | None:
    """The one message to show when every test failed because the file does not import."""
    failing = [o for o in outcomes if o.status == "error"]
    if outcomes and len(failing) == len(outcomes):
        first = failing[0].output
        if first.startswith(f"importing {student_file.name}") or "calls sys.exit() while it is imported" in first:
            return first
    return None


# ---------------------------------------------------------------- printing
class PlainConsole:
    """Stands in for rich's Console when rich is not installed: markup dropped, no table."""

    MARKUP = re.compile(r"\[/?(?:red|green|yellow|dim|bold)?\]")

    def print(self, text: str = "") -> None:
        print(self.MARKUP.sub("", str(text)).replace("\\[", "["))


def plain_escape(text: str) -> str:
    return str(text).replace("[", "\\[")


def make_console():
    """(console, escape): rich's if installed, else plain text (rich is optional)."""
    try:
        from rich.console import Console
        from rich.markup import escape
    except ImportError:
        return PlainConsole(), plain_escape
    return Console(highlight=False), escape


def print_report(handout: Handout, reports: list[FunctionReport], console, escape, *,
                 verbose: bool = False) -> None:
    rows = []
    marks = {"passed": "[green]✓[/]", "failed": "[red]✗[/]", "not started": "[dim]·[/]",
             "no tests": " "}
    for r in reports:
        state = r.state
        detail = ""
        if state == "not started":
            detail = "[dim]not started yet[/]"
        elif state == "failed":
            shown = r.problems() if verbose else r.problems()[:1]
            parts = [f"[red]{escape(o.name)}[/]: {escape(tidy(o.output))}" if o.output else f"[red]{escape(o.name)}[/]"
                     for o in shown]
            more = len(r.problems()) - len(shown)
            if more:
                parts.append(f"[dim](+{more} more failing; run with -v to see all)[/]")
            hint = hint_for(handout.assignment, r.function, hint_text(shown))
            if hint:
                parts.append(f"[yellow]Hint:[/] {escape(hint)}")
            detail = "\n".join(parts)
        rows.append((marks[state], escape(r.function), f"{r.passed}/{len(r.outcomes)}", detail))
    if isinstance(console, PlainConsole):
        console.print(f"{handout.student_file.name}: public tests")
        for mark, function, count, detail in rows:
            console.print(f"{mark} {function} {count}" + ("\n    " + detail.replace("\n", "\n    ") if detail else ""))
        return
    from rich.table import Table
    table = Table(title=f"{handout.student_file.name}: public tests", title_justify="left",
                  show_lines=True, expand=False)
    table.add_column("", width=1)
    table.add_column("function", style="bold", no_wrap=True)
    table.add_column("tests", justify="right", no_wrap=True)
    table.add_column("what to look at", ratio=1)
    for row in rows:
        table.add_row(*row)
    console.print(table)


def hint_text(outcomes) -> str:
    """What hints are matched against: test names and our own messages, not students' exceptions."""
    return " ".join(o.name + (" " + o.output if o.status == "failed" else "") for o in outcomes)


def summary_line(reports: list[FunctionReport]) -> str:
    states = [r.state for r in reports]
    done, todo, bad = states.count("passed"), states.count("not started"), states.count("failed")
    parts = [f"{done} of {len(reports)} functions pass their public tests"]
    if bad:
        parts.append(f"{bad} failing")
    if todo:
        parts.append(f"{todo} not started")
    line = ", ".join(parts) + "."
    if done == len(reports) and reports:
        line += (" Well done! Grading also runs hidden tests (other inputs, float32, large values): "
                 "make sure your code follows the rules in README.md, then run "
                 "`python -m student_lib submit`.")
    return line


# ---------------------------------------------------------------- entry point
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m student_lib check",
                                     description="Run the public tests on your file and explain what failed.")
    parser.add_argument("file", nargs="?", help="your file (default: the <assignment>.py in this folder)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show every failing test, not just the first")
    parser.add_argument("-a", "--assignment", help="the assignment, when FILE has another name")
    parser.add_argument("--seed", type=int, default=0, help="seed for the random test inputs (default 0)")
    args = parser.parse_args(argv)

    console, escape = make_console()
    try:
        handout = find_handout(args.file, assignment=args.assignment)
    except CheckError as exc:
        console.print(f"[red]Cannot check:[/] {escape(str(exc))}")
        return 2
    problem = syntax_problem(handout.student_file)
    if problem:
        console.print(f"[red]✗[/] {escape(problem)}")
        return 1
    outcomes, collection_errors = run_public_tests(handout, args.seed)
    if collection_errors or not outcomes:
        why = "; ".join(collection_errors) or "no graded tests were found"
        console.print(f"[red]The public tests in {escape(handout.tests.name)} could not run:[/] "
                      f"{escape(why)}. If you changed that file, download it again.")
        return 1
    failure = import_failure(outcomes, handout.student_file)
    if failure:
        console.print(f"[red]✗[/] {escape(failure)}")
        return 1
    reports = group_by_function(outcomes, functions_in(handout.student_file))
    print_report(handout, reports, console, escape, verbose=args.verbose)
    console.print(summary_line(reports))
    return 0 if all(o.status == "passed" for o in outcomes) else 1
