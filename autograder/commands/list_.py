"""`nngrade list`: the assignments, their tests and points."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from autograder.assignments import all_assignments
from autograder.grading.runner import collect_rubric


def add_arguments(parser) -> None:
    parser.add_argument("assignment", nargs="?", help="show one assignment's tests in full")


def run(args) -> int:
    console = Console()
    for assignment in all_assignments():
        if args.assignment and assignment.id != args.assignment:
            continue
        rubric = collect_rubric(assignment.id)
        total = sum(g.points for g in rubric)
        console.print(f"[bold]{assignment.id}[/] — {assignment.title}: "
                      f"{len(rubric)} tests, {total:g} points; edit {assignment.student_file}")
        by_function: dict[str, list] = {}
        for g in rubric:
            by_function.setdefault(g.function, []).append(g)
        table = Table(show_header=True, box=None, padding=(0, 2))
        table.add_column("function", style="cyan")
        table.add_column("tests", justify="right")
        table.add_column("points", justify="right")
        table.add_column("visibility")
        for function, grades in by_function.items():
            table.add_row(function, str(len(grades)), f"{sum(g.points for g in grades):g}",
                          ", ".join(sorted({g.visibility for g in grades})))
        if args.assignment:
            table.add_section()
            for g in rubric:
                table.add_row(f"  {g.name}", "", f"{g.points:g}", g.visibility)
        console.print(table)
    return 0
