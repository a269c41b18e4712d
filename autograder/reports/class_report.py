"""The TA's class report: one self-contained HTML page from a batch's result dicts.

What it answers, top to bottom: how did the class do (score histogram), what
did the class not understand (per-test pass rates, worst first), which
submissions need a human (ungradable, slowest, problems with the input).
"""
from __future__ import annotations

import statistics
from html import escape

BINS = 10
CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%}td,th{padding:.25rem .5rem;border-bottom:1px solid #eee;
text-align:left;vertical-align:top}th{background:#f6f6f6}td.n{text-align:right;font-variant-numeric:tabular-nums}
.bar{background:#eee;width:10rem;height:.8rem;display:inline-block}.bar span{display:block;height:100%}
.stats span{display:inline-block;margin-right:1.5rem}.muted{color:#777}code{font-size:90%}
"""


def _fraction_color(f: float) -> str:
    return "#c0392b" if f < 0.5 else "#e67e22" if f < 0.8 else "#27ae60"


def _bar(fraction: float) -> str:
    return (f'<span class="bar"><span style="width:{100 * fraction:.0f}%;'
            f'background:{_fraction_color(fraction)}"></span></span>')


def histogram_counts(results: list[dict], bins: int = BINS) -> list[int]:
    """Graded submissions per score band of width max/bins; full marks go in the last band."""
    counts = [0] * bins
    for r in results:
        if r["status"] == "graded" and r["max_score"] > 0:
            counts[min(int(bins * r["score"] / r["max_score"]), bins - 1)] += 1
    return counts


def _histogram_svg(counts: list[int]) -> str:
    width, height, pad = 600, 180, 24
    bar_w = (width - 2 * pad) / len(counts)
    top = max(counts) or 1
    parts = [f'<svg viewBox="0 0 {width} {height + 40}" width="{width}" role="img" '
             f'aria-label="histogram of scores">']
    for i, count in enumerate(counts):
        h = (height - 20) * count / top
        x = pad + i * bar_w
        parts.append(f'<rect x="{x + 2:.1f}" y="{height - h:.1f}" width="{bar_w - 4:.1f}" '
                     f'height="{h:.1f}" fill="#4a78b5"><title>{count}</title></rect>')
        if count:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - h - 4:.1f}" '
                         f'text-anchor="middle" font-size="12">{count}</text>')
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height + 16}" text-anchor="middle" '
                     f'font-size="11">{100 * i // len(counts)}–{100 * (i + 1) // len(counts)}%</text>')
    parts.append(f'<line x1="{pad}" x2="{width - pad}" y1="{height}" y2="{height}" stroke="#888"/>')
    parts.append(f'<text x="{width / 2}" y="{height + 34}" text-anchor="middle" font-size="12">'
                 f'score (% of max)</text></svg>')
    return "".join(parts)


def keyed_tests(tests: list[dict]) -> list[tuple[str, dict]]:
    """(key, test): a name that occurs twice (a public and a hidden test) becomes `name (2)`."""
    seen: dict[str, int] = {}
    keyed = []
    for test in tests:
        seen[test["name"]] = seen.get(test["name"], 0) + 1
        count = seen[test["name"]]
        keyed.append((test["name"] if count == 1 else f"{test['name']} ({count})", test))
    return keyed


def per_test_stats(results: list[dict]) -> list[dict]:
    """Per test over graded submissions: pass rate and mean score fraction, worst first."""
    stats: dict[str, dict] = {}
    graded = [r for r in results if r["status"] == "graded"]
    for r in graded:
        for key, t in keyed_tests(r["tests"]):
            s = stats.setdefault(key, {"name": key, "function": t.get("function", ""),
                                             "max_score": t["max_score"], "passed": 0, "n": 0,
                                             "points": 0.0, "statuses": {}})
            s["n"] += 1
            s["passed"] += t["status"] == "passed"
            s["points"] += t["score"]
            s["statuses"][t["status"]] = s["statuses"].get(t["status"], 0) + 1
    for s in stats.values():
        s["pass_rate"] = s["passed"] / s["n"]
        s["mean_fraction"] = s["points"] / (s["n"] * s["max_score"]) if s["max_score"] else 1.0
    return sorted(stats.values(), key=lambda s: (s["pass_rate"], s["mean_fraction"], s["name"]))


def per_function_stats(results: list[dict]) -> list[tuple[str, float, int]]:
    """(function, mean fraction of its points earned, students with full marks on it), worst first."""
    earned: dict[str, list[float]] = {}
    for r in results:
        if r["status"] != "graded":
            continue
        totals: dict[str, list[float]] = {}
        for t in r["tests"]:
            pair = totals.setdefault(t.get("function", ""), [0.0, 0.0])
            pair[0] += t["score"]
            pair[1] += t["max_score"]
        for function, (score, top) in totals.items():
            earned.setdefault(function, []).append(score / top if top else 1.0)
    rows = [(f, statistics.mean(v), sum(x >= 1.0 for x in v)) for f, v in earned.items()]
    return sorted(rows, key=lambda row: (row[1], row[0]))


def _functions_table(results: list[dict]) -> str:
    rows = per_function_stats(results)
    if not rows:
        return ""
    body = "".join(f'<tr><td><code>{escape(f)}</code></td><td>{_bar(mean)} {100 * mean:.0f}%</td>'
                   f'<td class="n">{full}</td></tr>' for f, mean, full in rows)
    return ("<table><tr><th>function</th><th>mean credit</th><th>full marks</th></tr>" + body + "</table>")


def _summary_line(results: list[dict]) -> str:
    graded = [r for r in results if r["status"] == "graded"]
    max_score = results[0]["max_score"] if results else 0
    items = [f"<span><b>{len(results)}</b> submissions</span>",
             f"<span><b>{len(graded)}</b> graded</span>",
             f"<span><b>{len(results) - len(graded)}</b> ungradable</span>"]
    if graded:
        scores = [r["score"] for r in graded]
        items += [f"<span>mean <b>{statistics.mean(scores):.2f}</b> / {max_score:g}</span>",
                  f"<span>median <b>{statistics.median(scores):.2f}</b></span>",
                  f"<span>full marks <b>{sum(r['score'] >= r['max_score'] for r in graded)}</b></span>"]
    return f'<p class="stats">{"".join(items)}</p>'


def _tests_table(stats: list[dict]) -> str:
    if not stats:
        return '<p class="muted">No graded submission yet.</p>'
    rows = []
    for s in stats:
        others = ", ".join(f"{k} {v}" for k, v in sorted(s["statuses"].items()) if k != "passed")
        rows.append(f'<tr><td>{escape(s["name"])}</td><td><code>{escape(s["function"])}</code></td>'
                    f'<td class="n">{s["max_score"]:g}</td><td>{_bar(s["pass_rate"])} '
                    f'{100 * s["pass_rate"]:.0f}% ({s["passed"]}/{s["n"]})</td>'
                    f'<td class="n">{100 * s["mean_fraction"]:.0f}%</td>'
                    f'<td class="muted">{escape(others)}</td></tr>')
    return ("<table><tr><th>test</th><th>function</th><th>points</th><th>passed</th>"
            "<th>mean credit</th><th>other outcomes</th></tr>" + "".join(rows) + "</table>")


def _slowest_table(results: list[dict], n: int = 10) -> str:
    slow = sorted(results, key=lambda r: (-r.get("execution_time", 0.0), r["student"]))[:n]
    rows = "".join(f'<tr><td>{escape(r["student"])}</td><td class="n">{r.get("execution_time", 0.0):.2f} s</td>'
                   f'<td>{escape(r["status"])}</td><td class="n">{r["score"]:g}</td>'
                   f'<td class="muted">{sum(t["status"] == "timeout" for t in r["tests"])}</td></tr>'
                   for r in slow)
    return ("<table><tr><th>student</th><th>time</th><th>status</th><th>score</th><th>timeouts</th></tr>"
            + rows + "</table>")


def _ungradable_table(results: list[dict]) -> str:
    bad = [r for r in results if r["status"] != "graded"]
    if not bad:
        return '<p class="muted">Every submission could be graded.</p>'
    rows = "".join(f'<tr><td>{escape(r["student"])}</td><td>{escape(r.get("message", ""))}</td></tr>'
                   for r in bad)
    return "<table><tr><th>student</th><th>why</th></tr>" + rows + "</table>"


def _students_table(results: list[dict]) -> str:
    rows = "".join(f'<tr><td><a href="{escape(r["student"])}.json">{escape(r["student"])}</a></td>'
                   f'<td>{escape(r["status"])}</td><td class="n">{r["score"]:g} / {r["max_score"]:g}</td>'
                   f'<td>{_bar(r["score"] / r["max_score"] if r["max_score"] else 0.0)}</td></tr>'
                   for r in results)
    return "<table><tr><th>student</th><th>status</th><th>score</th><th></th></tr>" + rows + "</table>"


def render_class_report(results: list[dict], problems: list[str] = (), title: str = "nngrade",
                        extra_html: str = "") -> str:
    """The class report as a complete HTML document (no external files, no scripts).

    `extra_html`: sections placed before the list of students (the similarity check)."""
    results = sorted(results, key=lambda r: r["student"])
    problem_list = ("<ul>" + "".join(f"<li>{escape(p)}</li>" for p in problems) + "</ul>"
                    if problems else '<p class="muted">None.</p>')
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}: class report</title>
<style>{CSS}</style></head><body>
<h1>{escape(title)}: class report</h1>
{_summary_line(results)}
<h2>Scores</h2>
{_histogram_svg(histogram_counts(results))}
<h2>What the class found hard</h2>
<p class="muted">By function, then by test; worst first. Graded submissions only.</p>
{_functions_table(results)}
<h3>Tests</h3>
{_tests_table(per_test_stats(results))}
<h2>Ungradable submissions</h2>
{_ungradable_table(results)}
<h2>Slowest submissions</h2>
{_slowest_table(results)}
<h2>Problems with the input</h2>
{problem_list}
{extra_html}
<h2>All students</h2>
{_students_table(results)}
</body></html>
"""
