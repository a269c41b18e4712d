"""The result as a readable table in a terminal (rich).

A line per test (the TA sees every one), then what to fix: one headline per
function, from the same grouping as the student's reports (`student_lib.feedback`).
"""
from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from autograder.reports.feedback import hints_for
from student_lib.feedback import by_function as group
from student_lib.hints import tidy

STATUS_STYLE = {"passed": "green", "failed": "red", "error": "magenta", "timeout": "yellow"}
STATUS_MARK = {"passed": "✓", "failed": "✗", "error": "!", "timeout": "⏱"}


def points(x: float) -> str:
    """2, 1.5, 0.8 — never 0.803592."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def print_result(result: dict, console: Console, *, show_output: bool = True) -> None:
    """One submission: a line per test, then what to fix per function, then the student's output."""
    title = (f"{result['assignment']} · {result.get('student') or 'submission'} · "
             f"seed {result['seed']} · {points(result['score'])} / {points(result['max_score'])}")
    if result["status"] == "ungradable":
        console.print(f"[bold red]Ungradable[/] {escape(title)}")
        console.print(escape(result.get("message", "")))
        return
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("test")
    table.add_column("function", style="cyan")
    table.add_column("score", justify="right")
    table.add_column("status")
    for t in result["tests"]:
        style = STATUS_STYLE.get(t["status"], "")
        table.add_row(escape(t["name"]), escape(t["function"]), f"{points(t['score'])}/{points(t['max_score'])}",
                      f"[{style}]{STATUS_MARK.get(t['status'], '')} {t['status']}[/]")
    console.print(table)
    print_what_to_fix(result, console)
    if result.get("message"):
        console.print(f"[dim]note: {escape(result['message'])}[/]")
    weak = {k: v for k, v in result.get("isolation", {}).items() if str(v).startswith("unavailable")}
    for layer, why in weak.items():
        console.print(f"[yellow]sandbox: {layer} isolation {escape(str(why))}[/]")
    if show_output and result.get("output"):
        console.print("[bold]Your program's output:[/]")
        console.print(escape(result["output"][:4000]), markup=False, highlight=False)


def print_what_to_fix(result: dict, console: Console) -> None:
    """Per function that lost points: the headline failure, the cause or hint, and what else fails."""
    for g in group(result["tests"], hints_for(result.get("assignment", ""))):
        if g.headline is None:
            continue
        t = g.headline
        console.print(f"[bold]{escape(g.function)}[/] {points(g.score)}/{points(g.max_score)}: "
                      f"{escape(t['name'])} ([{STATUS_STYLE.get(t['status'], '')}]{t['status']}[/])")
        if g.cause_line:
            console.print(f"  [cyan]{escape(g.cause_line)}[/]")
        if t.get("output"):
            console.print("  " + escape(tidy(t["output"])).replace("\n", "\n  "))
        if g.shown_hint:
            console.print(f"  [yellow]Hint:[/] {escape(g.shown_hint)}")
        if g.others:
            console.print(f"  [dim]{escape(g.also_fails)}[/]")


def print_summary(rows: list[dict], console: Console, title: str) -> None:
    """Many submissions: a line each (the demo and small batches)."""
    table = Table(title=title, title_justify="left")
    for column, justify in (("assignment", "left"), ("submission", "left"), ("score", "right"),
                            ("status", "left"), ("lost points on", "left"), ("time", "right")):
        table.add_column(column, justify=justify, no_wrap=column in ("submission", "score"))
    for r in rows:
        lost = sorted({t["function"] for t in r["tests"] if t["score"] < t["max_score"]})
        statuses = sorted({t["status"] for t in r["tests"] if t["status"] != "passed"})
        status = r["status"] if r["status"] == "ungradable" else ", ".join(statuses) or "all passed"
        lost_text = ", ".join(lost) if len(lost) <= 4 else f"{', '.join(lost[:4])} (+{len(lost) - 4})"
        table.add_row(r["assignment"], escape(r.get("student", "")), f"{points(r['score'])}/{points(r['max_score'])}",
                      status, escape(lost_text or "—"), f"{r['execution_time']:.2f}s")
    console.print(table)
