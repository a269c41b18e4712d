"""One result as markdown, for Gradescope's `output_format: md` (and anywhere markdown shows).

    render_result(result_dict) -> str

Same content as the HTML report, minus pictures: score, a table by function,
what to fix (one headline per function, its hint, the rest folded), then the
student's own output.
"""
from __future__ import annotations

from autograder.reports.feedback import by_function, fmt, hidden_summary
from student_lib.hints import tidy

STATE = {"passed": "✅ passed", "not started": "⚪ not started", "lost points": "❌ lost points"}
MAX_OUTPUT = 5_000


def cell(text: str) -> str:
    """Text safe inside a table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def inline(text: str) -> str:
    """Text safe outside code: markdown and HTML characters escaped."""
    out = str(text)
    for ch in "\\*_[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return out


def fenced(text: str) -> str:
    """A code block that its content cannot close."""
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}text\n{text}\n{fence}"


def inline_code(text: str) -> str:
    """Escaped text with `name` kept as code."""
    return "".join(f"`{p}`" if i % 2 else inline(p) for i, p in enumerate(str(text).split("`")))


def test_lines(t: dict) -> list[str]:
    """A failing test: its name, status and points, then our message in a code block."""
    status = "partial credit" if t["status"] == "failed" and t["score"] > 0 else t["status"]
    lines = [f"- **{inline(t['name'])}** ({status}, {fmt(t['score'])} / {fmt(t['max_score'])})", ""]
    if t.get("output"):
        lines += [fenced(tidy(t["output"])), ""]
    return lines


def render_result(result: dict) -> str:
    score, max_score = result.get("score", 0), result.get("max_score", 0)
    lines = [f"## {inline(result.get('assignment', ''))}: {fmt(score)} / {fmt(max_score)}", ""]
    if result.get("status") == "ungradable":
        lines += ["**Your submission could not be graded.**", "", fenced(result.get("message", "")), ""]
        return "\n".join(lines)
    if result.get("message"):
        for line in result["message"].splitlines():   # one note a line (a notebook's failed cells)
            lines += [f"_{inline(line)}_", ""]
    groups = by_function(result)
    if groups:
        lines += ["| function | points | state |", "|---|---:|---|"]
        lines += [f"| `{cell(g.function)}` | {fmt(g.score)} / {fmt(g.max_score)} | {STATE[g.state]} |"
                  for g in groups]
        lines.append("")
    count, hidden_score, hidden_max = hidden_summary(result)
    if count:
        lines += [f"and {count} test{'s' if count > 1 else ''} not shown yet "
                  f"({fmt(hidden_score)} / {fmt(hidden_max)} points).", ""]
    lost = [g for g in groups if g.state == "lost points"]
    if lost:
        lines += ["### What to fix", ""]
        for g in lost:
            lines += [f"#### `{cell(g.function)}` ({fmt(g.score)} / {fmt(g.max_score)})", ""]
            if g.cause_line:
                lines += [f"**{inline_code(g.cause_line)}**", ""]
            if g.headline is not None:
                lines += test_lines(g.headline)
            if g.shown_hint:
                lines += [f"> **Hint:** {inline(g.shown_hint)}", ""]
            if g.others:     # consequences: named, not explained (fix the headline first)
                lines += [f"_Also fails{' (' + inline(g.reason) + ')' if g.reason else ''}:_ "
                          + "; ".join(f"{inline(t['name'])} ({fmt(t['score'])} / {fmt(t['max_score'])})"
                                      for t in g.others), ""]
    elif groups and all(g.state == "passed" for g in groups):
        lines += ["Every test passed. Well done!", ""]
    todo = [g.function for g in groups if g.state == "not started"]
    if todo:
        lines += ["Not started (still raise `NotImplementedError`): "
                  + ", ".join(f"`{cell(f)}`" for f in todo) + ".", ""]
    if result.get("output"):
        text = result["output"]
        clipped = text[:MAX_OUTPUT] + ("\n… (cut)" if len(text) > MAX_OUTPUT else "")
        lines += ["### Your program's output", "", fenced(clipped.rstrip("\n")), ""]
    return "\n".join(lines)
