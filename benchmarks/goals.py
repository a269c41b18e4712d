"""Issue 12's goals table, filled from one run of `run.py`: each figure, its goal, and the peers.

`table(f)` takes the run's figures (a dict, keys below; a missing key is a
figure that was not measured in this run) and returns markdown lines.

    per_submission_s   activations, batch of correct submissions at -j 2, wall ÷ n
    mixed_s, mixed_n   the mixed class (correct, buggy, hostile) at -j 2
    grade_s            `nngrade grade` of one correct submission, start-up included
    loop               figures.loop_forever(...)
    demo               figures.demo(...)
    call_ms            one sandboxed call, median round trip (grader and worker on one core, as grading runs)
    tiers              figures.test_tiers(...)
    peers              {"nbgrader": row, "otter": row} from run.per_submission
"""
from __future__ import annotations

GOALS = [  # (key, figure, before issue 12, goal in the unit of the figure, unit)
    ("per_submission_s", "`activations` per submission in batch, amortised, -j 2", "0.38 s", 0.15, "s"),
    ("mixed_s", "{mixed_n} mixed submissions (correct, buggy, hostile) at -j 2", "40–50 s", 20.0, "s"),
    ("grade_s", "`nngrade grade` one submission, start-up included", "0.85–0.97 s", 0.5, "s"),
    ("loop_s", "a submission whose every function loops forever", "16–20 s", 3.0, "s"),
    ("demo_s", "`nngrade demo`", "85 s", 15.0, "s"),
    ("call_ms", "one sandboxed call (round trip), grader and worker on one core as grading runs them "
     "(free to move: section 5)", "~0.7 ms (free to move)", 0.15, "ms"),
    ("quick_s", "`python -m pytest -m \"not integration\"` (the inner loop)", "—", 120.0, "s"),
    ("full_s", "the full suite (what CI runs)", "5–9 min", 180.0, "s"),
]


def _peers(f: dict, seconds: float | None) -> str:
    """'nbgrader 4.04 s (27×), otter 8.36 s (56×)': each peer's one-question time ÷ this figure."""
    if seconds is None or not f.get("peers"):
        return "—"
    parts = []
    for name, row in f["peers"].items():
        parts.append(f"{name} {row['seconds']:.2f} s ({row['seconds'] / seconds:.0f}× ours)")
    return ", ".join(parts)


def flatten(f: dict) -> dict:
    """The table's keys from the run's nested figures."""
    flat = dict(f)
    if "loop" in f:
        flat["loop_s"] = f["loop"]["seconds"]
    if "demo" in f:
        flat["demo_s"] = f["demo"]["seconds"]
    for tier in ("quick", "full"):
        if tier in f.get("tiers", {}):
            flat[f"{tier}_s"] = f["tiers"][tier]["seconds"]
    return flat


def table(f: dict) -> list[str]:
    flat = flatten(f)
    lines = ["## Goals (issue 12)", "",
             "Every figure from this one run. nbgrader and otter grade a one-function question; "
             "the ratio is their time ÷ ours (ours grades 19 functions, ~130 tests).", "",
             "| figure | before | now | goal | met | next to nbgrader and otter |",
             "|---|---:|---:|---:|:---:|---|"]
    for key, label, before, goal, unit in GOALS:
        label = label.format(mixed_n=f.get("mixed_n", 200))
        value = flat.get(key)
        if value is None:
            lines.append(f"| {label} | {before} | not measured | ≤ {goal:g} {unit} | | |")
            continue
        shown = f"{value:.3f} ms" if unit == "ms" else f"{value:.2f} s" if value < 10 else f"{value:.0f} s"
        peers = _peers(f, value) if key in ("per_submission_s", "grade_s") else "—"
        lines.append(f"| {label} | {before} | {shown} | ≤ {goal:g} {unit} | "
                     f"{'yes' if value <= goal else 'no'} | {peers} |")
    notes = []
    if "loop" in f:
        loop = f["loop"]
        notes.append(f"The looping submission: score {loop['score']:g}, {loop['tests']} tests "
                     f"({', '.join(loop['statuses'])}), every function graded: "
                     f"{'yes' if loop['every_function'] else 'no'}.")
    if "demo" in f:
        notes.append(f"`nngrade demo` graded {f['demo']['submissions']} submissions.")
    for tier, row in f.get("tiers", {}).items():
        notes.append(f"{tier} tier: exit {row['exit']}, `{row['summary'][:120]}`.")
    for name, row in f.get("peers", {}).items():
        if "paired_ratio" in row:
            notes.append(f"{name} ÷ `nngrade grade`, run in turn and paired run by run: "
                         f"{row['paired_ratio']:.1f}× (median of {row['reps']} pairs).")
    return lines + ([""] + notes if notes else []) + [""]
