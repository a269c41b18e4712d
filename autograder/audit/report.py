"""The audit's report: a JSON dict (schema `nngrade.audit/1`) and an HTML page made from it.

    {"schema": "nngrade.audit/1", "assignment": ..., "suite_version": ..., "seeds": [0, 1, 2],
     "mutants": 354, "killed_public": ..., "killed_hidden": ..., "survived": ..., "equivalent": ...,
     "accepted": ..., "kill_rate": 0.97,            # killed / (mutants - equivalent)
     "kill_rate_reviewed": 0.99,                    # killed / (mutants - equivalent - accepted)
     "functions": {"relu": {"mutants": ..., "killed_public": ..., ..., "kill_rate": 1.0}},
     "survivors": [{"id", "function", "operator", "line", "change", "seeds", "equivalent",
                    "difference", "accepted", "diff"}],
     "killed": [{"id", "function", "operator", "line", "change", "by", "seed", "tests"}]}

Same solution, suite and seeds give the same JSON (nothing in it depends on timing).
"""
from __future__ import annotations

import html
import json

STATES = ("killed_public", "killed_hidden", "survived", "equivalent")


def _rate(counts: dict) -> float | None:
    relevant = counts["mutants"] - counts["equivalent"]
    killed = counts["killed_public"] + counts["killed_hidden"]
    return round(killed / relevant, 4) if relevant else None


def _counts(outcomes) -> dict:
    counts = {"mutants": len(outcomes), **{s: sum(o.state == s for o in outcomes) for s in STATES}}
    counts["accepted"] = sum(bool(o.accepted) for o in outcomes if o.state == "survived")
    counts["kill_rate"] = _rate(counts)
    # the same, counting reviewed-and-accepted survivors as not bugs (like equivalent ones)
    counts["kill_rate_reviewed"] = _rate({**counts, "equivalent": counts["equivalent"] + counts["accepted"]})
    return counts


def build(assignment, solution: str, outcomes: list, seeds: list[int], operators) -> dict:
    functions = {}
    for o in outcomes:
        functions.setdefault(o.mutant.function, []).append(o)
    survivors = [o for o in outcomes if o.state in ("survived", "equivalent")]
    return {
        "schema": "nngrade.audit/1",
        "assignment": assignment.id,
        "suite_version": assignment.suite_version(),
        "seeds": seeds,
        "operators": list(operators),
        **_counts(outcomes),
        "functions": {f: _counts(os) for f, os in functions.items()},
        "survivors": [{**o.mutant.to_dict(), "seeds": o.survived_seeds,
                       "equivalent": o.state == "equivalent", "difference": o.difference,
                       "accepted": o.accepted, "diff": o.mutant.diff(solution, assignment.student_file)}
                      for o in survivors],
        "killed": [{**o.mutant.to_dict(), "by": o.state.removeprefix("killed_"), "seed": o.seed,
                    "tests": o.tests} for o in outcomes if o.state.startswith("killed")],
    }


def to_json(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _pct(rate) -> str:
    return "—" if rate is None else f"{100 * rate:.1f} %"


def render_html(data: dict) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(f)}</td><td>{c['mutants']}</td><td>{c['killed_public']}</td>"
        f"<td>{c['killed_hidden']}</td><td class='{'bad' if c['survived'] - c['accepted'] else ''}'>"
        f"{c['survived']}</td><td>{c['accepted']}</td><td>{c['equivalent']}</td>"
        f"<td>{_pct(c['kill_rate'])}</td></tr>"
        for f, c in data["functions"].items())
    survivors = []
    for s in data["survivors"]:
        label = ("likely equivalent" if s["equivalent"]
                 else f"accepted: {s['accepted']}" if s["accepted"] else "SURVIVES")
        survivors.append(
            f"<section class='{'eq' if s['equivalent'] else 'ok' if s['accepted'] else 'bad'}'>"
            f"<h3>{e(s['id'])} · {e(s['function'])} · {e(s['operator'])} · line {s['line']}: "
            f"{e(s['change'])}</h3><p><b>{e(label)}</b>; survived seeds {e(str(s['seeds']))}"
            + (f"; {e(s['difference'])}" if s["difference"] else "")
            + f"</p><pre>{e(s['diff'])}</pre></section>")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nngrade audit: {e(data['assignment'])}</title>
<style>
body {{ font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }}
table {{ border-collapse: collapse; }} td, th {{ padding: .2em .8em; text-align: right; }}
td:first-child, th:first-child {{ text-align: left; }} tr:nth-child(even) {{ background: #f4f4f4; }}
.bad {{ color: #a00; font-weight: bold; }} section {{ border-left: 4px solid #ccc; padding-left: 1em; }}
section.bad {{ border-color: #c00; }} section.ok {{ border-color: #c90; }} section.eq {{ border-color: #999; }}
pre {{ background: #f7f7f7; padding: .5em; overflow-x: auto; }}
</style></head><body>
<h1>Mutation audit of the <code>{e(data['assignment'])}</code> suites</h1>
<p>{data['mutants']} mutants of the reference solution, graded in the sandbox on seeds
{e(str(data['seeds']))}: <b>{_pct(data['kill_rate'])}</b> of the non-equivalent ones are killed
({data['killed_public']} by the public tests, {data['killed_hidden']} by the hidden suite;
{_pct(data['kill_rate_reviewed'])} once reviewed survivors are set aside);
{data['survived']} survive ({data['accepted']} of them reviewed and accepted);
{data['equivalent']} are likely equivalent (same outputs as the reference on every call of the
suites on other seeds). Suite version {e(data['suite_version'])}.</p>
<table><tr><th>function</th><th>mutants</th><th>killed (public)</th><th>killed (hidden)</th>
<th>survived</th><th>accepted</th><th>equivalent</th><th>kill rate</th></tr>{rows}</table>
<h2>Survivors</h2>{''.join(survivors) or '<p>None.</p>'}
</body></html>
"""
