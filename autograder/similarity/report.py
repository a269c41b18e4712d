"""The similarity report as HTML: a section for the batch's report.html, or a page of its own.

    render_section(report)            <section> with its own <style>; no script, nothing fetched
    render_page(report, title)        a complete document around it

Top to bottom: what was compared and what was discounted, the ranked pairs
(share of each side's own code found in the other, and the functions it falls
in), clusters, whole functions shared by two students (possible partial
copies), the submissions that could not be compared, then each listed pair
side by side with the matched passages marked. Every student id and every
line of code is escaped. The page says that nothing left the machine.
"""
from __future__ import annotations

from html import escape

import numpy as np

from autograder.similarity.copydetect_utils import highlight_overlap
from autograder.similarity.detect import Pair, Report

DETAILED_PAIRS = 30        # pairs shown side by side; the table lists up to settings.max_pairs
CONTEXT_LINES = 3          # unmatched lines kept around each matched passage

CSS = """
.sim table{border-collapse:collapse;width:100%}.sim td,.sim th{padding:.25rem .5rem;border-bottom:1px solid #eee;
text-align:left;vertical-align:top}.sim th{background:#f6f6f6}.sim td.n{text-align:right;font-variant-numeric:tabular-nums}
.sim .privacy{background:#eef6ee;border-left:4px solid #27ae60;padding:.4rem .8rem}
.sim .muted{color:#777}.sim .tag{font-size:80%;background:#fdebd0;border-radius:3px;padding:0 .3rem}
.sim .pct{display:inline-block;min-width:3.2rem}.sim .bar{background:#eee;width:6rem;height:.7rem;display:inline-block}
.sim .bar span{display:block;height:100%;background:#c0392b}
.sim .side{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:.6rem}.sim .side h4{margin:.3rem 0;font-size:.95rem}
.sim pre{font-size:12px;line-height:1.35;background:#fafafa;border:1px solid #eee;padding:.4rem;overflow:auto;
max-height:32rem;margin:0;white-space:pre}.sim mark{background:#ffd38a}
.sim details{margin:.6rem 0;border:1px solid #e5e5e5;border-radius:4px;padding:.3rem .6rem}
.sim summary{cursor:pointer;font-weight:600}
"""


def _pct(x: float) -> str:
    return (f'<span class="pct">{100 * x:.0f}%</span><span class="bar">'
            f'<span style="width:{min(100.0, 100 * x):.0f}%"></span></span>')


def _functions_cell(pair: Pair, report: Report) -> str:
    looked = report.independent >= report.settings.function_min_class
    copied = set(pair.copied_functions(report.settings)) if looked else set()
    parts = []
    for f in pair.match.functions[:4]:
        name = f.function or "(module level)"
        where = f" → {escape(f.in_other)}" if f.in_other and f.in_other != f.function else ""
        tag = ' <span class="tag">whole</span>' if f.function in copied else ""
        parts.append(f"<code>{escape(name)}</code>{where} {100 * f.share:.0f}%{tag}")
    more = len(pair.match.functions) - 4
    return "<br>".join(parts) + (f'<br><span class="muted">and {more} more</span>' if more > 0 else "")


def _who(name: str) -> str:
    if name.startswith("against:"):
        return f'{escape(name[len("against:"):])} <span class="tag">earlier / online</span>'
    return escape(name)


def _pairs_table(report: Report, pairs: list[tuple[int, Pair]]) -> str:
    if not pairs:
        return '<p class="muted">No pair reaches the reporting threshold.</p>'
    rows = []
    for rank, pair in pairs:
        m = pair.match
        link = f'<a href="#sim-pair-{rank}">{rank}</a>' if rank <= DETAILED_PAIRS else str(rank)
        rows.append(f'<tr><td class="n">{link}</td><td>{_who(pair.a)}</td><td>{_who(pair.b)}</td>'
                    f'<td>{_pct(m.similarity_a)}</td><td>{_pct(m.similarity_b)}</td>'
                    f'<td class="n">{m.tokens_a}</td>'
                    f'<td>{_functions_cell(pair, report)}</td></tr>')
    return ("<table><tr><th>#</th><th>A</th><th>B</th><th>A's own code found in B</th>"
            "<th>B's own code found in A</th><th>tokens</th><th>functions of A (share matched)</th></tr>"
            + "".join(rows) + "</table>")


def _clusters_table(report: Report) -> str:
    if not report.clusters:
        return '<p class="muted">No group of three or more.</p>'
    rows = "".join(f'<tr><td>{", ".join(_who(m) for m in c.members)}</td><td class="n">{len(c.members)}</td>'
                   f'<td class="n">{c.pairs}</td><td class="n">{100 * c.top_similarity:.0f}%</td>'
                   f'<td>{", ".join(f"<code>{escape(f)}</code>" for f in c.functions[:6])}</td></tr>'
                   for c in report.clusters)
    return ("<table><tr><th>students</th><th>size</th><th>pairs</th><th>best score</th>"
            "<th>functions most shared</th></tr>" + rows + "</table>")


def _skipped_list(report: Report) -> str:
    if not report.skipped:
        return '<p class="muted">Every submission was compared.</p>'
    return ("<table><tr><th>student</th><th>why</th></tr>" + "".join(
        f"<tr><td>{_who(s)}</td><td>{escape(why)}</td></tr>" for s, why in report.skipped.items()) + "</table>")


def _marked(source: str, slices: np.ndarray) -> str:
    """The source, escaped, with matched passages in <mark> and long unmatched stretches cut."""
    if slices.shape[1] == 0:
        return escape(source)
    marked, _ = highlight_overlap(source, slices, "<mark>", "</mark>", truncate=CONTEXT_LINES, escape_html=True)
    return marked


def _side_by_side(rank: int, pair: Pair, report: Report) -> str:
    m = pair.match
    a_src, b_src = report.sources.get(pair.a, ""), report.sources.get(pair.b, "")
    partial = " (whole function: " + ", ".join(escape(f) for f in pair.copied_functions(report.settings)) + ")" \
        if pair.partial else ""
    return (f'<details id="sim-pair-{rank}"{" open" if rank <= 3 else ""}><summary>#{rank} {_who(pair.a)} ↔ '
            f'{_who(pair.b)}: {100 * m.similarity_a:.0f}% / {100 * m.similarity_b:.0f}%{partial}</summary>'
            f'<div class="side"><div><h4>{_who(pair.a)}</h4><pre>{_marked(a_src, m.slices_a)}</pre></div>'
            f'<div><h4>{_who(pair.b)}</h4><pre>{_marked(b_src, m.slices_b)}</pre></div></div></details>')


def _partial_part(report: Report, partial: list[tuple[int, Pair]]) -> str:
    if report.independent < report.settings.function_min_class:
        return (f'<p class="muted">Not looked for: {report.independent} independent submissions are too few to '
                f'tell a copied function from two students who wrote it alike (it needs '
                f'{report.settings.function_min_class}).</p>')
    return _pairs_table(report, partial) if partial else '<p class="muted">None.</p>'


def render_section(report: Report) -> str:
    """The similarity section (an HTML fragment with its own scoped style)."""
    s = report.settings
    ranked = list(enumerate(report.pairs, start=1))
    whole = [(r, p) for r, p in ranked if not p.partial]
    partial = [(r, p) for r, p in ranked if p.partial]
    against = f" and {report.against} file(s) from earlier terms or the web (not graded)" if report.against else ""
    more = (f'<p class="muted">{report.more_pairs} more pair(s) reached the threshold and are left off '
            f'(see the JSON, or raise <code>max_pairs</code>).</p>' if report.more_pairs else "")
    details = "".join(_side_by_side(r, p, report) for r, p in ranked[:DETAILED_PAIRS])
    return f"""<section class="sim" id="similarity">
<style>{CSS}</style>
<h2>Similarity: who copied from whom</h2>
<p class="privacy">Computed on this machine from the files already here: no code and no name was sent anywhere.</p>
<p>Compared <b>{report.compared}</b> submissions{against}. Only what students wrote counts: the scaffold and the
reference solution are removed, and so is any passage that more than {100 * s.common_share:.0f}% of the class
(and more than {s.common_min} submissions) wrote alike; names, comments, docstrings, blank lines and the order of
functions do not matter. <i>A's own code found in B</i> is the share of what A wrote themselves that also
appears in B. Pairs are ranked by the larger share, counted as matched / (own + {s.slack_tokens} tokens) so
that a few alike lines rank below a whole file, and listed from {100 * s.threshold:.0f}% when that covers at
least {s.min_tokens} tokens (about six lines). A high share is a reason to look, not a verdict: read the
passages below.</p>
<h3>Pairs</h3>
{_pairs_table(report, whole)}
{more}
<h3>Groups of three or more</h3>
{_clusters_table(report)}
<h3>Whole functions shared by two students</h3>
<p class="muted">A function of at least {s.function_tokens} tokens that nobody else in the class wrote alike,
found (≥ {100 * s.function_share:.0f}%) in one other file: a possible copy of one function. Short functions
of a first course can also coincide; compare the passages.</p>
{_partial_part(report, partial)}
<h3>Not compared, or only in part</h3>
{_skipped_list(report)}
<h3>Side by side</h3>
{details or '<p class="muted">Nothing to show.</p>'}
</section>"""


def render_page(report: Report, title: str = "nngrade") -> str:
    """A complete HTML document holding the section."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}: similarity</title>
<style>body{{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:80rem;color:#222;padding:0 1rem}}
h1{{font-size:1.5rem}}h2{{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}}</style></head><body>
<h1>{escape(title)}: similarity</h1>
{render_section(report)}
</body></html>
"""
