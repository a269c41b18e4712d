"""`python -m student_lib check [FILE]`: run the public tests, explain what failed.

From inside the handout folder, with no argument, it finds the one `<id>.py`
that has a `test_<id>.py` beside it. It prints one line per function: passes,
fails, or not started yet. A failing function shows its one headline failure
(the first failing property, with a small concrete example), the hint for it
or the wrong function it calls, and what else fails because of it: the same
grouping as the graded feedback (`student_lib.feedback`, hints from the
assignment's hints.toml). The exit
code is 0 when every public test passes, 1 otherwise (GitHub Classroom reads it).

The public tests are only a first check: grading runs them again, plus hidden
tests on other inputs (float32, large values, other shapes).
"""
from __future__ import annotations

import argparse
import ast
import re
from dataclasses import dataclass, replace
from pathlib import Path

from student_lib.diagnosis import RecordDiagnosis
from student_lib.feedback import FunctionFeedback, by_function
from student_lib.hints import HINTS_FILE, Hints, tidy
from student_lib.notebook import (CellErrorProbe, NotebookError, convert_for_this_run,
                                  describe_cell_errors, translate_lines)
from grading_contract.rubric import OutcomeCollector, TestOutcome, run_pytest


class CheckError(Exception):
    """The check cannot start (no file, no tests); the message says what to do."""


@dataclass(frozen=True)
class Handout:
    assignment: str
    student_file: Path
    tests: Path


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
    pairs = [(p, _own_file(cwd, p.stem.removeprefix("test_"))) for p in sorted(cwd.glob("test_*.py"))]
    pairs = [(t, s) for t, s in pairs if s is not None]
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


def _own_file(folder: Path, assignment: str) -> Path | None:
    """<assignment>.py in the folder, else <assignment>.ipynb (work done in Jupyter)."""
    for suffix in (".py", ".ipynb"):
        if (folder / f"{assignment}{suffix}").is_file():
            return folder / f"{assignment}{suffix}"
    return None


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
def run_public_tests(handout: Handout, seed: int = 0, plugins=()) -> tuple[list[TestOutcome], list[str]]:
    """(outcomes of the graded public tests, collection errors)."""
    collector = OutcomeCollector()
    args = [str(handout.tests), "--student-file", str(handout.student_file.resolve()),
            "--nngrade-seed", str(seed), "--rootdir", str(handout.tests.resolve().parent),
            "--nngrade-no-images"]
    run_pytest(args, [collector, RecordDiagnosis(), *plugins])
    errors = [e.splitlines()[-1] for e in collector.collection_errors]
    return collector.outcomes, errors


def hints_for(handout: Handout) -> Hints:
    """hints.toml next to the public tests, or in a repository's assignments/<id>/ above them.

    No hints (rather than no check) if the file was edited into invalid TOML.
    """
    here = handout.tests.resolve().parent
    candidates = [here / HINTS_FILE] + [folder / "assignments" / handout.assignment / HINTS_FILE
                                        for folder in [here, *here.parents]]
    for path in candidates:
        if path.is_file():
            try:
                return Hints.load(path)
            except ValueError:
                return Hints()
    return Hints()


def group_by_function(outcomes: list[TestOutcome], order: list[str],
                      hints: Hints | None = None) -> list[FunctionFeedback]:
    """One report per function (the shared grouping of student_lib.feedback): the file's order first."""
    return by_function([o.to_dict() for o in outcomes], hints, order)


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


def print_report(handout: Handout, reports: list[FunctionFeedback], console, escape, *,
                 verbose: bool = False) -> None:
    """A row per function: its headline failure (with the cause or a hint), then what else fails."""
    rows = []
    marks = {"passed": "[green]✓[/]", "lost points": "[red]✗[/]", "not started": "[dim]·[/]"}
    for r in reports:
        detail = ""
        if r.state == "not started":
            detail = "[dim]not started yet[/]"
        elif r.state == "lost points":
            detail = failure_text(r, escape, verbose)
        rows.append((marks[r.state], escape(r.function), f"{r.passed}/{len(r.tests)}", detail))
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


def failure_text(r: FunctionFeedback, escape, verbose: bool) -> str:
    """The headline test and its message, the cause or the hint, then the other failures."""
    def line(t: dict) -> str:
        output = tidy(t.get("output") or "")
        return f"[red]{escape(t['name'])}[/]" + (f": {escape(output)}" if output else "")
    parts = []
    if r.cause_line:
        parts.append(f"[cyan]{escape(r.cause_line)}[/]")
    parts.append(line(r.headline))
    if r.shown_hint:
        parts.append(f"[yellow]Hint:[/] {escape(r.shown_hint)}")
    if r.others:
        if verbose:
            parts += [line(t) for t in r.others]
        else:
            parts.append(f"[dim]{escape(r.also_fails)} (+{len(r.others)} more failing; run with -v to see all)[/]")
    return "\n".join(parts)


def summary_line(reports: list[FunctionFeedback]) -> str:
    states = [r.state for r in reports]
    done, todo, bad = states.count("passed"), states.count("not started"), states.count("lost points")
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
    parser.add_argument("file", nargs="?", help="your file, .py or .ipynb (default: the <assignment>.py "
                                                "in this folder)")
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
    notebook, cells, probe = None, None, CellErrorProbe()
    if handout.student_file.suffix.lower() == ".ipynb":   # checked as the grader runs it, cell by cell
        notebook = handout.student_file
        try:
            path, cells = convert_for_this_run(notebook, f"{handout.assignment}.py")
        except NotebookError as exc:
            console.print(f"[red]Cannot check:[/] {escape(str(exc))}")
            return 2
        handout = replace(handout, student_file=path)
        console.print(f"Checking the code cells of {escape(notebook.name)} one by one, as the grader "
                      f"does (plots are switched off).")
    problem = syntax_problem(handout.student_file)
    if problem:
        console.print(f"[red]✗[/] {escape(problem)}")
        return 1
    outcomes, collection_errors = run_public_tests(handout, args.seed, [probe] if notebook else [])
    for message in describe_cell_errors(probe.raw, notebook.name) if notebook else ():
        console.print(f"[yellow]![/] {escape(message)}")
    for o in outcomes if cells else ():
        o.output = translate_lines(o.output, cells)
    if collection_errors or not outcomes:
        why = "; ".join(collection_errors) or "no graded tests were found"
        console.print(f"[red]The public tests in {escape(handout.tests.name)} could not run:[/] "
                      f"{escape(why)}. If you changed that file, download it again.")
        return 1
    failure = import_failure(outcomes, handout.student_file)
    if failure:
        console.print(f"[red]✗[/] {escape(failure)}")
        return 1
    reports = group_by_function(outcomes, functions_in(handout.student_file), hints_for(handout))
    print_report(handout, reports, console, escape, verbose=args.verbose)
    console.print(summary_line(reports))
    return 0 if all(o.status == "passed" for o in outcomes) else 1
