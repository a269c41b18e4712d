"""nngrade against nbgrader and otter-grader, on this machine, in one run; writes RESULTS.md.

    python benchmarks/run.py                 # the full run (about 20–40 minutes on 2 cores)
    python benchmarks/run.py --smoke --no-peers --out /tmp/r.md    # a minute: proves it runs

First the goals table of issue 12, each figure next to nbgrader and otter measured
in the same run; then the details. Measured (wall time; peak RSS and PSS of the
whole process tree, sampled):
1. one correct submission, graded by `nbgrader autograde` (one student), by
   `otter run`, and by `nngrade grade`, in turn (A B A B ...: ratios pair by pair);
2. `nngrade batch` on --n generated submissions (correct, buggy and hostile,
   from `autograder.examples`) at each -j, and on --n-correct correct ones at -j 2
   (the amortised time per submission);
3. `python -m student_lib check` on the correct file (a student's feedback loop);
4. the correct solution graded --zygote-n times through one Zygote (issue 3);
5. a submission whose every function loops forever; `nngrade demo`; one sandboxed
   call's round trip; a walled worker's start; pytest's own cost per run (collection
   reused or not);
6. the project's tests: `-m "not integration"` (the inner loop) and the full suite.
Heavy figures (demo, loop forever, test tiers) are skipped by --smoke.
A hand-written "## Profile" section of the previous RESULTS.md is kept.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import call_bench  # noqa: E402
import figures  # noqa: E402
import goals  # noqa: E402
import measure  # noqa: E402
import peers  # noqa: E402
import pytest_overhead  # noqa: E402
import sandbox_bench  # noqa: E402
import zygote_bench  # noqa: E402

ASSIGNMENT = "activations"


def median_run(cmd, reps: int, cwd=None) -> dict:
    runs = [measure.run(cmd(i), cwd=cwd) for i in range(reps)]
    failed = [r for r in runs if r.returncode != 0]
    if failed:
        raise RuntimeError(f"{' '.join(map(str, cmd(0)))} failed:\n{failed[0].output[-2000:]}")
    return {"seconds": statistics.median(r.seconds for r in runs),
            "rss": max(r.peak_rss_mb for r in runs), "pss": max(r.peak_pss_mb for r in runs), "reps": reps}


def per_submission(work: Path, reps: int, with_peers: bool) -> dict[str, dict]:
    """Each peer in turn with `nngrade grade` (A B A B ...); the rows and each peer's paired ratio."""
    from autograder.assignments import get
    solution = str(get(ASSIGNMENT).solution)

    def nngrade(tag):
        return lambda i: ["nngrade", "grade", ASSIGNMENT, solution, "--json", str(work / f"grade{tag}{i}.json")]
    rows = {}
    if with_peers:
        students = [f"s{i}" for i in range(reps)]
        course = peers.nbgrader_course(work / "nbgrader", students)
        pair = figures.paired(lambda i: ["nbgrader", "autograde", "relu", "--student", students[i], "--force"],
                              nngrade("nb"), reps, cwd_a=course)
        rows["nbgrader autograde (1 student)"] = {**pair["a"], "paired_ratio": pair["ratio"]}
        zip_path, submission = peers.otter_assignment(work / "otter")
        outs = [work / "otter" / f"out{i}" for i in range(reps)]
        for out in outs:
            out.mkdir()
        pair = figures.paired(lambda i: ["otter", "run", "-a", str(zip_path), "-o", str(outs[i]), str(submission)],
                              nngrade("ot"), reps)
        rows["otter run"] = {**pair["a"], "paired_ratio": pair["ratio"]}
        scores = [json.loads((out / "results.json").read_text())["tests"][-1]["score"] for out in outs]
        assert scores == [2.0] * reps, f"otter did not give the correct submission 2/2: {scores}"
    rows["nngrade grade"] = median_run(nngrade(""), reps)
    return rows


def class_folder(root: Path, n: int, correct_only: bool = False) -> Counter:
    """n submissions: every hostile example once, ~30 % buggy (cycling the bugs), the rest correct."""
    from autograder.examples import materialize
    examples = materialize(ASSIGNMENT, root / "_examples")
    hostile = sorted(k for k in examples if k.startswith("hostile_"))
    buggy = sorted(k for k in examples if k.startswith("buggy_"))
    if correct_only:
        plan = ["correct"] * n
    elif n < 10:      # smoke: one of each kind, the quick hostile one
        plan = (["correct", *buggy[:1], "hostile_exit_at_import"] * n)[:n]
    else:
        n_buggy = (3 * n) // 10 if buggy else 0
        plan = hostile + [buggy[i % len(buggy)] for i in range(n_buggy)]
        plan += ["correct"] * (n - len(plan))
    folder = root / "class"
    folder.mkdir(parents=True)
    for i, kind in enumerate(plan):
        shutil.copy(examples[kind], folder / f"s{i:03d}_{kind}.py")
    return Counter(k.split("_")[0] for k in plan)


def batch(work: Path, n: int, jobs: list[int], correct_only: bool = False) -> tuple[Counter, dict[int, dict]]:
    work = work / ("batch_correct" if correct_only else "batch")
    kinds = class_folder(work, n, correct_only)
    rows = {}
    for j in jobs:
        out = work / f"out_j{j}"
        m = measure.run(["nngrade", "batch", ASSIGNMENT, str(work / "class"), "-o", str(out),
                         "-j", str(j)], timeout=3600)
        if m.returncode != 0:
            raise RuntimeError(f"nngrade batch -j {j} failed:\n{m.output[-2000:]}")
        results = [json.loads(p.read_text()) for p in out.glob("*.json")]
        wrong = [r["student"] for r in results
                 if r["student"].endswith("_correct") and r["score"] != r["max_score"]]
        per_kind = {kind: statistics.median(r["execution_time"] for r in results if f"_{kind}" in r["student"])
                    for kind in ("correct", "buggy", "hostile")
                    if any(f"_{kind}" in r["student"] for r in results)}
        rows[j] = {"seconds": m.seconds, "rate": n / m.seconds, "rss": m.peak_rss_mb, "pss": m.peak_pss_mb,
                   "per_kind": per_kind,
                   "slowest": sorted(((r["execution_time"], r["student"]) for r in results), reverse=True)[:3],
                   "graded": len(results), "statuses": Counter(r["status"] for r in results),
                   "correct_not_full": wrong,
                   "hostile_points": sum(r["score"] for r in results if "_hostile_" in r["student"])}
    return kinds, rows


def check_latency(work: Path, reps: int) -> dict:
    from autograder.assignments import get
    folder = work / "student"
    folder.mkdir()
    assignment = get(ASSIGNMENT)
    shutil.copy(assignment.solution, folder / assignment.student_file)
    if assignment.public_tests.exists():      # what the student's handout folder holds
        shutil.copy(assignment.public_tests, folder / assignment.public_tests.name)
    runs = [measure.run([sys.executable, "-m", "student_lib", "check", assignment.student_file], cwd=folder)
            for _ in range(reps)]
    return {"seconds": statistics.median(r.seconds for r in runs), "rss": max(r.peak_rss_mb for r in runs),
            "pss": max(r.peak_pss_mb for r in runs), "exit": runs[0].returncode,
            "tail": runs[0].output.strip().splitlines()[-1:] or [""]}


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    mem = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))) // 1024
    return (f"{platform.system()} {platform.release()}, {cpu}, {len(os.sched_getaffinity(0))} cores, "
            f"{mem} MB RAM, Python {platform.python_version()}")


def tool_versions() -> str:
    versions = []
    for name in ("autograder", "nbgrader", "otter", "numpy", "dask"):
        try:
            module = __import__(name)
            versions.append(f"{'nngrade' if name == 'autograder' else name} {module.__version__}")
        except ImportError:
            pass
    return ", ".join(versions)


def kept_profile(path: Path) -> list[str]:
    """The hand-written '## Profile' section of the previous results, if any (it is analysis, not a run)."""
    if not path.exists():
        return []
    text = path.read_text()
    start = text.find("\n## Profile")
    if start < 0:
        return []
    end = text.find("\n## ", start + 1)
    return text[start + 1:end if end > 0 else len(text)].rstrip().splitlines() + [""]


def report(args, started, load_before, rows, kinds, batch_rows, check, loop, figs) -> str:
    from autograder.assignments import get
    base = rows["nngrade grade"]["seconds"]
    lines = ["# Benchmarks: nngrade, nbgrader and otter-grader on one machine", "",
             f"Run {started:%Y-%m-%d %H:%M} UTC with `python benchmarks/run.py"
             f"{' --smoke' if args.smoke else ''}` on {machine()}.", f"Versions: {tool_versions()}.",
             f"Load average (1 min) before / after: {load_before:.1f} / {os.getloadavg()[0]:.1f} "
             f"(the machine was shared with other work: absolute times are noisy, ratios less so).",
             f"This machine's speed, 10⁷ additions in a pure-Python loop (best of 3), before / after the run: "
             f"{figs['speed']:.2f} / {measure.python_speed():.2f} s (lower is faster).", "",
             *goals.table(figs), *kept_profile(args.out),
             "## 1. One correct submission, graded alone", "",
             "nbgrader and otter grade a one-function question (`relu`, a visible and a hidden test); "
             f"nngrade grades the whole `{ASSIGNMENT}` assignment ({len(get(ASSIGNMENT).functions)} "
             "functions, the public tests and the hidden suite), each student call in a sandboxed worker.", "",
             "| tool | wall s (median) | peak tree RSS MB | peak tree PSS MB | time ÷ nngrade grade |",
             "|---|---:|---:|---:|---:|"]
    for name, r in rows.items():
        lines.append(f"| {name} | {r['seconds']:.2f} | {r['rss']:.0f} | {r['pss']:.0f} | {r['seconds'] / base:.1f}× |")
    per_sub = {j: r["seconds"] / sum(kinds.values()) for j, r in batch_rows.items()}
    best = min(per_sub.values())
    lines.append(f"| nngrade batch -j {min(per_sub, key=per_sub.get)}, per submission (amortised) | "
                 f"{best:.2f} | (below) | | {best / base:.2f}× |")
    lines += ["", f"Medians of {rows['nngrade grade']['reps']} runs; peak memory is the maximum over runs.", "",
              f"## 2. `nngrade batch` on {sum(kinds.values())} submissions", "",
              "The class: " + ", ".join(f"{v} {k}" for k, v in sorted(kinds.items()))
              + " (every hostile example once: infinite loops, fork bombs, huge allocations, ...).", "",
              "| -j | wall s | submissions/s | peak tree RSS MB | peak tree PSS MB | statuses | correct below full marks | points earned by hostile |",
              "|---:|---:|---:|---:|---:|---|---:|---:|"]
    for j, r in batch_rows.items():
        statuses = ", ".join(f"{v} {k}" for k, v in sorted(r["statuses"].items()))
        lines.append(f"| {j} | {r['seconds']:.1f} | {r['rate']:.2f} | {r['rss']:.0f} | {r['pss']:.0f} | "
                     f"{statuses} | {len(r['correct_not_full'])} | {r['hostile_points']:g} |")
    for j, r in batch_rows.items():
        kinds_text = ", ".join(f"{k} {v:.2f} s" for k, v in r["per_kind"].items())
        slowest = ", ".join(f"{name.split('_', 1)[1]} {t:.0f} s" for t, name in r["slowest"])
        lines.append(f"\n-j {j}: median grading time per submission by kind: {kinds_text}; slowest: {slowest}.")
    lines += ["", "## 3. A student's feedback loop", "",
              f"`python -m student_lib check {ASSIGNMENT}.py` on the correct file: {check['seconds']:.2f} s "
              f"(median), peak RSS {check['rss']:.0f} MB, exit {check['exit']}; last line: "
              f"`{check['tail'][0][:100]}`.", "",
              "## 4. The correct solution through one Zygote (issue 3)", "",
              f"`python benchmarks/zygote_bench.py -n {loop['n']}`: median {loop['median_s']:.2f} s per "
              f"submission (first {loop['first_s']:.2f} s), peak tree RSS {loop['peak_rss_mb']:.0f} MB "
              f"(PSS {loop['peak_pss_mb']:.0f} MB), scores {loop['scores']}. One `nngrade grade` call, "
              f"start-up included: {base:.2f} s (table 1).", "",
              "## 5. Sandboxed calls and pytest's own cost", "",
              f"`python benchmarks/call_bench.py -n {figs['call']['n']}` (grader and worker on one core, as "
              f"`grade`, `batch` and `demo` run them): median {figs['call']['median_ms']:.3f} ms a round trip "
              f"(90th percentile {figs['call']['p90_ms']:.3f} ms); with `--free` (left to the scheduler, as "
              f"Dask and the server run them): median {figs['call_free']['median_ms']:.3f} ms "
              f"(90th percentile {figs['call_free']['p90_ms']:.3f} ms).", "",
              f"`python benchmarks/sandbox_bench.py` ({figs['worker']['mode']}, {len(figs['worker']['start'])} "
              f"workers, {len(figs['worker']['call'])} calls): a walled worker's start {sandbox_bench.percentiles(figs['worker']['start'])} "
              f"(issue 11: ≤ 5 ms), one call {sandbox_bench.percentiles(figs['worker']['call'])} (≤ 1 ms).", "",
              f"`python benchmarks/pytest_overhead.py`: {figs['pytest']['tests']} tests, a submission whose every "
              f"call fails at once: `pytest.main` per submission {1000 * figs['pytest']['main_s']:.1f} ms; the suite "
              f"collected once ({1000 * figs['pytest']['collect_s']:.0f} ms per process and suite version) then "
              f"{1000 * figs['pytest']['session_s']:.1f} ms per submission "
              f"({1000 * figs['pytest']['session_s'] / figs['pytest']['tests']:.2f} ms a test).", "",
              "## Targets (issue 4)", ""]
    for name in ("nbgrader autograde (1 student)", "otter run"):
        if name in rows:
            ratio = rows[name]["seconds"] / best
            lines.append(f"- ≥10× faster per submission than {name.split(' (')[0]}: "
                         f"{ratio:.1f}× (batch, amortised) — {'met' if ratio >= 10 else 'not met'}.")
    if 2 in batch_rows:
        r = batch_rows[2]
        lines.append(f"- {sum(kinds.values())} submissions in < 60 s at -j 2: {r['seconds']:.0f} s — "
                     f"{'met' if r['seconds'] < 60 else 'not met'}.")
        lines.append(f"- peak RSS of the batch tree < 300 MB at -j 2: {r['rss']:.0f} MB summed RSS, "
                     f"{r['pss']:.0f} MB PSS — {'met' if r['rss'] < 300 else 'met by PSS only' if r['pss'] < 300 else 'not met'}.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="nngrade vs nbgrader and otter-grader; writes RESULTS.md")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: prove the benchmark runs")
    parser.add_argument("--no-peers", action="store_true", help="skip nbgrader and otter")
    parser.add_argument("--n", type=int, default=None, help="submissions in the batch (default 200)")
    parser.add_argument("--reps", type=int, default=None, help="runs per single-submission tool (default 3)")
    parser.add_argument("--zygote-n", type=int, default=None, help="gradings in the Zygote loop (default 20)")
    parser.add_argument("--jobs", default="1,2", help="the -j values for the batch (default 1,2)")
    parser.add_argument("--n-correct", type=int, default=None,
                        help="correct submissions for the amortised figure at -j 2 (default 100)")
    parser.add_argument("--no-tests", action="store_true", help="skip timing the project's own test tiers")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    n = args.n or (3 if args.smoke else 200)
    n_correct = args.n_correct or (4 if args.smoke else 100)
    reps = args.reps or (1 if args.smoke else 3)
    zn = args.zygote_n or (1 if args.smoke else 20)
    started, load_before = datetime.datetime.now(datetime.timezone.utc), os.getloadavg()[0]
    speed_before = measure.python_speed()
    with tempfile.TemporaryDirectory(prefix="nngrade-bench-") as tmp:
        work = Path(tmp)
        print("1/7 one submission: nbgrader, otter, nngrade, in turn ...", flush=True)
        rows = per_submission(work, reps, with_peers=not args.no_peers)
        print(f"2/7 nngrade batch on {n} submissions, and on {n_correct} correct ones at -j 2 ...", flush=True)
        jobs = [int(j) for j in args.jobs.split(",")]
        kinds, batch_rows = batch(work, n, jobs)
        _, correct_rows = batch(work, n_correct, [2], correct_only=True)
        print("3/7 student_lib check ...", flush=True)
        check = check_latency(work, reps)
        print("4/7 one Zygote, many gradings ...", flush=True)
        loop = zygote_bench.zygote_loop(ASSIGNMENT, zn)
        print("5/7 one sandboxed call; pytest's own cost ...", flush=True)
        figs = {"call": call_bench.round_trips(200 if args.smoke else 5000),
                "call_free": call_bench.round_trips(200 if args.smoke else 5000, pinned=False),
                "worker": sandbox_bench.measure(40 if args.smoke else 400),
                "pytest": pytest_overhead.measure(ASSIGNMENT, 3 if args.smoke else 20),
                "per_submission_s": correct_rows[2]["seconds"] / n_correct,
                "grade_s": rows["nngrade grade"]["seconds"], "mixed_n": n,
                "peers": {name.split(" ")[0]: row for name, row in rows.items() if name != "nngrade grade"}}
        figs["call_ms"] = figs["call"]["median_ms"]
        figs["speed"] = speed_before
        if 2 in batch_rows:
            figs["mixed_s"] = batch_rows[2]["seconds"]
        if not args.smoke:
            print("6/7 a submission that loops forever; nngrade demo ...", flush=True)
            figs["loop"] = figures.loop_forever(work)
            figs["demo"] = figures.demo()
            if not args.no_tests:
                print("7/7 the project's tests: the inner loop, then the full suite ...", flush=True)
                figs["tiers"] = figures.test_tiers(["quick", "full"])
    text = report(args, started, load_before, rows, kinds, batch_rows, check, loop, figs)
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
