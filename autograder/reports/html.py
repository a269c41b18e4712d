"""One student's result as a self-contained HTML page (no scripts, no external files).

    render_result(result_dict) -> str

Top: the score and a bar. Then one row per function (score, state), then what
went wrong: one box per function with its headline failure (the first failing
property, `student_lib.feedback`), its hint, the wrong function it calls if
that is the cause, and the other failing tests folded under "also fails";
then the student's own output. Everything from
the result is escaped; images are embedded only if they are real base64 PNGs.
"""
from __future__ import annotations

import base64
import binascii
import html

from autograder.reports.feedback import by_function, fmt, hidden_summary
from student_lib.feedback import short_name
from student_lib.hints import tidy

STATUS_LABEL = {"passed": "passed", "failed": "failed", "error": "error", "timeout": "timed out"}
STATE_CLASS = {"passed": "ok", "not started": "todo", "lost points": "bad"}
STATE_LABEL = {"passed": "✓ passed", "not started": "· not started", "lost points": "✗ lost points"}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_OUTPUT = 20_000

CSS = """
:root { --ok:#1a7f37; --bad:#cf222e; --todo:#6e7781; --warn:#9a6700; --line:#d0d7de; --soft:#f6f8fa; }
* { box-sizing: border-box; }
body { font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color:#1f2328; max-width: 980px; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .75rem; border-bottom: 1px solid var(--line); padding-bottom: .3rem; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; font-family: ui-monospace, Menlo, Consolas, monospace; }
.meta { color: var(--todo); font-size: .9rem; }
.score { display:flex; align-items:center; gap:1rem; margin: 1rem 0; }
.score .big { font-size: 2.2rem; font-weight: 700; white-space: nowrap; }
.bar { flex:1; height: 14px; background: #eaeef2; border-radius: 7px; overflow: hidden; }
.bar span { display:block; height:100%; background: var(--ok); }
.bar.small { height: 8px; min-width: 90px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
table.summary td { vertical-align: middle; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td code, h3 code { font-size: .95em; }
.ok { color: var(--ok); } .bad { color: var(--bad); } .todo { color: var(--todo); } .warn { color: var(--warn); }
.state { white-space: nowrap; font-weight: 600; }
.test { border: 1px solid var(--line); border-left: 4px solid var(--bad); border-radius: 6px;
        padding: .6rem .8rem; margin: .5rem 0; background: #fff; }
.test.timeout { border-left-color: var(--warn); }
.test .name { font-weight: 600; }
.test .pts { float: right; color: var(--todo); font-variant-numeric: tabular-nums; }
pre { background: var(--soft); border-radius: 6px; padding: .6rem .8rem; margin: .4rem 0 0;
      white-space: pre-wrap; word-break: break-word; font: 13px/1.45 ui-monospace, Menlo, Consolas, monospace; }
.hint { background: #fff8c5; border: 1px solid #eed888; border-radius: 6px; padding: .5rem .8rem; margin: .5rem 0; }
.notice { border-radius: 6px; padding: .8rem 1rem; margin: 1rem 0; background: #ffebe9; border: 1px solid #ff818266; }
.notice.info { background: #ddf4ff; border-color: #54aeff66; }
figure { margin: .75rem 0; } figure img { max-width: 100%; border: 1px solid var(--line); border-radius: 4px; }
figcaption { color: var(--todo); font-size: .9rem; }
details summary { cursor: pointer; color: #0969da; }
.passed-list { color: var(--todo); font-size: .92rem; margin: .3rem 0 0; }
.fn { border-top: 1px solid var(--line); padding-top: .25rem; }
.cause { background: #ddf4ff; border: 1px solid #54aeff66; border-radius: 6px; padding: .5rem .8rem; margin: .5rem 0; }
details.also { margin: .4rem 0; } details.also summary { color: var(--todo); }
footer { margin-top: 2.5rem; color: var(--todo); font-size: .85rem; border-top: 1px solid var(--line); padding-top: .6rem; }
"""


def e(value) -> str:
    return html.escape(str(value), quote=True)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def percent(score: float, max_score: float) -> float:
    return 0.0 if max_score <= 0 else max(0.0, min(100.0, 100.0 * score / max_score))


def bar(score: float, max_score: float, small: bool = False) -> str:
    return (f'<div class="bar{" small" if small else ""}" role="img" aria-label="{fmt(score)} of '
            f'{fmt(max_score)}"><span style="width:{percent(score, max_score):.1f}%"></span></div>')


def image_html(image: dict) -> str:
    """A figure for a test's picture; nothing if it is not a base64 PNG."""
    data = str(image.get("png_base64", ""))
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return ""
    if not raw.startswith(PNG_MAGIC):
        return ""
    return (f'<figure><img alt="{e(image.get("title", "plot"))}" src="data:image/png;base64,{data}">'
            f'<figcaption>{e(image.get("title", ""))}</figcaption></figure>')


def test_html(test: dict) -> str:
    status = test["status"]
    label = "partial credit" if status == "failed" and test["score"] > 0 else STATUS_LABEL.get(status, status)
    images = "".join(image_html(i) for i in test.get("images", []))
    output = f"<pre>{e(tidy(test['output']))}</pre>" if test.get("output") else ""
    return (f'<div class="test {e(status)}"><span class="pts">{fmt(test["score"])} / '
            f'{fmt(test["max_score"])}</span><span class="name">{e(test["name"])}</span> '
            f'<span class="{"warn" if status == "timeout" else "bad"}">({e(label)})'
            f'</span>{output}{images}</div>')


def summary_table(groups) -> str:
    rows = []
    for g in groups:
        cls = STATE_CLASS[g.state]
        target = f'<a href="#fn-{e(g.function)}">{e(g.function)}</a>' if g.state == "lost points" else e(g.function)
        rows.append(f'<tr><td><code>{target}</code></td><td class="num">{fmt(g.score)} / {fmt(g.max_score)}</td>'
                    f'<td>{bar(g.score, g.max_score, small=True)}</td>'
                    f'<td class="state {cls}">{e(STATE_LABEL[g.state])}</td></tr>')
    return ('<table class="summary"><thead><tr><th>function</th><th class="num">points</th><th></th><th>state</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def function_box(g) -> str:
    """One box per function: the headline failure, its hint, what else fails because of it."""
    parts = [f'<section id="fn-{e(g.function)}" class="fn"><h3><code>{e(g.function)}</code> '
             f'<span class="bad">{fmt(g.score)} / {fmt(g.max_score)}</span></h3>']
    if g.cause_line:
        parts.append(f'<p class="cause">{code_spans(g.cause_line)}</p>')
    if g.headline is not None:
        parts.append(test_html(g.headline))
    if g.shown_hint:
        parts.append(f'<div class="hint"><strong>Hint:</strong> {e(g.shown_hint)}</div>')
    if g.others:
        parts.append(f'<details class="also"><summary>{e(g.also_fails[0].upper() + g.also_fails[1:])} '
                     f'({plural(len(g.others), "more test")})</summary>'
                     + "".join(test_html(t) for t in g.others) + "</details>")
    passed = [t for t in g.tests if t["status"] == "passed" and t["score"] >= t["max_score"]]
    if passed:
        parts.append('<p class="passed-list">Passed: ' + ", ".join(e(short_name(t)) for t in passed) + "</p>")
    parts.append("".join(image_html(i) for t in passed for i in t.get("images", [])) + "</section>")
    return "".join(parts)


def code_spans(text: str) -> str:
    """Escaped text with `name` shown as code."""
    pieces = e(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(pieces))


def details(groups) -> str:
    return "".join(function_box(g) for g in groups if g.state == "lost points")


def render_result(result: dict) -> str:
    """The HTML page (a complete document) for one result dict."""
    score, max_score = float(result.get("score", 0)), float(result.get("max_score", 0))
    who = result.get("student") or "your submission"
    title = f"{result.get('assignment', '')}: {fmt(score)} / {fmt(max_score)}"
    body = [f"<h1>{e(result.get('assignment', ''))} — feedback for {e(who)}</h1>",
            f'<div class="meta">seed {e(result.get("seed", ""))} · graded in '
            f'{float(result.get("execution_time", 0)):.1f} s</div>',
            f'<div class="score"><span class="big">{fmt(score)} / {fmt(max_score)}</span>'
            f"{bar(score, max_score)}</div>"]
    if result.get("status") == "ungradable":
        body.append(f'<div class="notice"><strong>Your submission could not be graded.</strong>'
                    f'<pre>{e(result.get("message", ""))}</pre></div>')
    elif result.get("message"):
        body.append(f'<div class="notice info">{"<br>".join(map(e, result["message"].splitlines()))}</div>')
    groups = by_function(result)
    if groups:
        lost = [g for g in groups if g.state == "lost points"]
        todo = [g for g in groups if g.state == "not started"]
        body.append("<h2>By function</h2>" + summary_table(groups))
        count, hidden_score, hidden_max = hidden_summary(result)
        if count:
            body.append(f'<p class="meta">and {plural(count, "test")} whose results are '
                        f"not shown yet ({fmt(hidden_score)} / {fmt(hidden_max)} points).</p>")
        if lost:
            body.append("<h2>What to fix</h2>" + details(groups))
        elif not todo:
            body.append('<div class="notice info">Every test passed. Well done!</div>')
        if todo:
            body.append(f'<p class="todo">Not started (still raise NotImplementedError): '
                        f'{", ".join("<code>" + e(g.function) + "</code>" for g in todo)}.</p>')
    if result.get("output"):
        text = result["output"]
        clipped = text[:MAX_OUTPUT] + ("\n… (cut)" if len(text) > MAX_OUTPUT else "")
        body.append("<h2>Your program's output</h2><details><summary>What your code printed while it "
                    f"was graded ({plural(len(text.splitlines()), 'line')})</summary><pre>{e(clipped)}</pre></details>")
    body.append(f'<footer>nngrade {e(result.get("nngrade_version", ""))} · suite '
                f'{e(result.get("suite_version", ""))} · submission sha256 '
                f'{e(str(result.get("submission_sha256", ""))[:12])}</footer>')
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "img-src data:; style-src 'unsafe-inline'\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{e(title)}</title><style>{CSS}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")


__all__ = ["render_result"]
