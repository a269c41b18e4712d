"""The figures of issue 12's goals table that `run.py` did not measure before.

    loop_forever(work)      `nngrade grade` of a submission whose every function loops forever
    demo()                  `nngrade demo`, the README's first command
    test_tiers(tiers)       the project's own tests: the inner loop and the full suite (what CI runs)
    paired(a, b, reps)      two commands in turn, A B A B ..., and the ratio A/B pair by pair

Each is a whole command timed from outside (wall seconds, peak memory of its
process tree), as a user or CI would see it.
"""
from __future__ import annotations

import json
import re
import statistics
import sys
from pathlib import Path

import measure

ROOT = Path(__file__).resolve().parent.parent


def loop_forever(work: Path, assignment: str = "activations") -> dict:
    """Grade the `while True` example: wall seconds, and whether every function was still graded."""
    from autograder.assignments import get
    from autograder.examples import materialize

    path = materialize(assignment, work / "loop_forever")["hostile_infinite_loop"]
    out = work / "loop_forever" / "result.json"
    m = measure.run(["nngrade", "grade", assignment, str(path), "--json", str(out)], timeout=900)
    if m.returncode != 0:
        raise RuntimeError(f"nngrade grade of the looping submission failed:\n{m.output[-2000:]}")
    result = json.loads(out.read_text())
    functions = {t["function"] for t in result["tests"]}
    return {"seconds": m.seconds, "rss": m.peak_rss_mb, "score": result["score"],
            "tests": len(result["tests"]), "statuses": sorted({t["status"] for t in result["tests"]}),
            "every_function": functions == set(get(assignment).functions)}


def demo(jobs: int | None = None) -> dict:
    """`nngrade demo` (all cores unless `jobs`): wall seconds and the number of submissions graded."""
    cmd = ["nngrade", "demo"] + (["-j", str(jobs)] if jobs else [])
    m = measure.run(cmd, timeout=1800)
    if m.returncode != 0:
        raise RuntimeError(f"nngrade demo failed:\n{m.output[-2000:]}")
    graded = re.search(r"(\d+) submissions graded", m.output)
    return {"seconds": m.seconds, "rss": m.peak_rss_mb, "submissions": int(graded.group(1)) if graded else 0}


TIERS = {"quick": ["-m", "not integration"], "full": []}


def test_tiers(tiers: list[str]) -> dict[str, dict]:
    """`python -m pytest [-m "not integration"]` from the repository: wall seconds and pytest's last line."""
    rows = {}
    for tier in tiers:
        m = measure.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TIERS[tier]],
                        cwd=ROOT, timeout=3600)
        last = next((line for line in reversed(m.output.strip().splitlines()) if line.strip()), "")
        rows[tier] = {"seconds": m.seconds, "rss": m.peak_rss_mb, "exit": m.returncode,
                      "summary": last.strip("= ")}
    return rows


def paired(cmd_a, cmd_b, reps: int, cwd_a=None, cwd_b=None) -> dict:
    """Run A and B in turn `reps` times; medians and the median of the per-pair ratios A/B.

    Pairing keeps the ratio honest when the machine's speed drifts (other work
    starting or stopping): each A is compared with the B run right after it.
    """
    a_runs, b_runs = [], []
    for i in range(reps):
        for cmd, cwd, runs in ((cmd_a, cwd_a, a_runs), (cmd_b, cwd_b, b_runs)):
            r = measure.run(cmd(i), cwd=cwd)
            if r.returncode != 0:
                raise RuntimeError(f"{' '.join(map(str, cmd(i)))} failed:\n{r.output[-2000:]}")
            runs.append(r)
    ratios = [a.seconds / b.seconds for a, b in zip(a_runs, b_runs)]

    def summary(runs):
        return {"seconds": statistics.median(r.seconds for r in runs), "reps": reps,
                "rss": max(r.peak_rss_mb for r in runs), "pss": max(r.peak_pss_mb for r in runs)}
    return {"a": summary(a_runs), "b": summary(b_runs), "ratio": statistics.median(ratios),
            "ratio_range": (min(ratios), max(ratios))}
