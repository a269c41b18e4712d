"""`nngrade list`: the assignments, their tests and points."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from autograder.assignments import all_assignments
from autograder.grading.runner import collect_tests

SHOWN = {"visible": "result shown", "hidden": "result never shown",
         "after_due_date": "result shown after the due date",
         "after_published": "result shown once grades are published"}


def summary(grades: list) -> str:
    """'1 public, 4 hidden (2 shown after the due date)' for one function's tests."""
    public = sum(p for _, p in grades)
    parts = [f"{public} public"] if public else []
    hidden = [g.visibility for g, p in grades if not p]
    if hidden:
        later = {v: hidden.count(v) for v in SHOWN if v != "visible" and v in hidden}
        parts.append(f"{len(hidden)} hidden" + (" (" + ", ".join(
            f"{n} {SHOWN[v].removeprefix('result ')}" for v, n in later.items()) + ")" if later else ""))
    return ", ".join(parts)


def where(public: bool, visibility: str) -> str:
    """'public' (in the handout) or 'hidden (result shown ...)' for one test."""
    if public:
        return "public" + ("" if visibility == "visible" else f" ({SHOWN[visibility]})")
    return f"hidden ({SHOWN[visibility]})"


def add_arguments(parser) -> None:
    parser.add_argument("assignment", nargs="?", help="show one assignment's tests in full")


def run(args) -> int:
    console = Console()
    for assignment in all_assignments():
        if args.assignment and assignment.id != args.assignment:
            continue
        tests = collect_tests(assignment.id)
        total = sum(g.points for g, _ in tests)
        hidden = sum(g.points for g, public in tests if not public)
        console.print(f"[bold]{assignment.id}[/] — {assignment.title}: "
                      f"{len(tests)} tests, {total:g} points ({total - hidden:g} public, {hidden:g} "
                      f"hidden); edit {assignment.student_file}")
        by_function: dict[str, list] = {}
        for g, public in tests:
            by_function.setdefault(g.function, []).append((g, public))
        table = Table(show_header=True, box=None, padding=(0, 2))
        table.add_column("function", style="cyan")
        table.add_column("tests", justify="right")
        table.add_column("points", justify="right")
        table.add_column("public (in the handout) or hidden (in the suite)")
        for function, grades in by_function.items():
            table.add_row(function, str(len(grades)), f"{sum(g.points for g, _ in grades):g}",
                          summary(grades))
        if args.assignment:
            table.add_section()
            for g, public in tests:
                table.add_row(f"  {g.name}", "", f"{g.points:g}", where(public, g.visibility))
        console.print(table)
    return 0
