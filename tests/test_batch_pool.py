"""The local pool survives a grading process that dies or hangs, and blames the right job."""
from __future__ import annotations

import os
import time

from autograder.batch import executors
from autograder.batch.executors import LocalPool


def behave(job: dict) -> dict:
    """Stands in for grade_job inside the pool: obeys job["do"]."""
    if job["do"] == "crash":
        os._exit(3)                 # as if the kernel killed the grading process
    if job["do"] == "hang":
        time.sleep(120)             # bounded, and the watchdog ends it long before
    if job["do"] == "zygote":       # this grading process's sandbox zygote, as grade_job starts it
        from autograder.batch.jobs import _zygote
        zygote = _zygote()
        assert zygote.mode != "unknown"
        return {"student": job["student"], "status": "graded", "pid": os.getpid(), "zygote": zygote._proc.pid}
    if job["do"] == "cpus":         # the cores this grading process may run on
        time.sleep(0.2)             # (so that both processes of the pool take jobs)
        return {"student": job["student"], "status": "graded", "pid": os.getpid(),
                "cpus": sorted(os.sched_getaffinity(0))}
    return {"student": job["student"], "status": "graded", "pid": os.getpid()}


def jobs(*plan: str, budget: float = 60.0) -> list[dict]:
    return [{"assignment": "backprop", "student": f"s{i}_{do}", "seed": 0, "sha256": "", "do": do,
             "budget_seconds": budget} for i, do in enumerate(plan)]


def run(pool: LocalPool, todo: list[dict]) -> dict[str, dict]:
    results: dict[str, dict] = {}
    pool.run(todo, lambda r: results.__setitem__(r["student"], r))
    return results


def test_a_crashing_submission_is_recorded_and_the_others_are_graded():
    results = run(LocalPool(2, grade=behave), jobs("ok", "crash", "ok", "ok", "ok"))
    assert sorted(results) == ["s0_ok", "s1_crash", "s2_ok", "s3_ok", "s4_ok"]
    crash = results["s1_crash"]
    assert crash["status"] == "ungradable" and crash["score"] == 0
    assert "crashed the grading process" in crash["message"]
    assert all(results[s]["status"] == "graded" for s in results if s.endswith("ok"))


def test_a_hung_grading_process_is_killed_by_the_watchdog(monkeypatch):
    monkeypatch.setattr(executors, "GRACE_SECONDS", 1.0)
    start = time.monotonic()
    results = run(LocalPool(2, grade=behave), jobs("hang", "ok", "ok", budget=0.5))
    assert time.monotonic() - start < 60
    assert "took far longer than its time budget" in results["s0_hang"]["message"]
    assert results["s1_ok"]["status"] == results["s2_ok"]["status"] == "graded"


def test_a_finished_batch_closes_its_zygotes_and_leaves_no_process_behind():
    """Killed at the end, the grading processes would leave their zygotes for init to reap
    (zombies, until it does): ended normally, each closes and reaps its own."""
    results = run(LocalPool(2, grade=behave), jobs("zygote", "zygote", "zygote", "zygote"))
    zygotes = {r["zygote"] for r in results.values()}
    assert zygotes and all(not os.path.exists(f"/proc/{pid}") for pid in zygotes), zygotes


def test_each_grading_process_has_a_core_of_its_own():
    """A grader and its worker ping-pong on one core (autograder/sandbox/cpus.py): a pool of as
    many processes as cores gives each process a different core; a larger pool pins nobody."""
    cores = sorted(os.sched_getaffinity(0))
    results = run(LocalPool(2, grade=behave), jobs(*["cpus"] * 6))
    by_process = {r["pid"]: r["cpus"] for r in results.values()}
    if len(cores) >= 2:
        assert len(by_process) == 2, by_process
        assert all(len(c) == 1 and c[0] in cores for c in by_process.values()), by_process
        assert len({c[0] for c in by_process.values()}) == 2, by_process
    else:
        assert all(c == cores for c in by_process.values()), by_process
    crowded = run(LocalPool(len(cores) + 1, grade=behave), jobs(*["cpus"] * 4))
    assert all(r["cpus"] == cores for r in crowded.values()), crowded
