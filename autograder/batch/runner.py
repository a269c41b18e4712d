"""Grade a whole class: discover → read → (skip what is current) → grade in parallel → write.

    run_batch("activations", "submissions/", "out/", workers=2, resume=True)

Each result is written the moment it arrives; grades.csv and report.html are
rebuilt from all results at the end (also after Ctrl-C). Same inputs and seed
give byte-identical JSON apart from `execution_time`, whatever the number of
workers and whether the grading ran here or on a Dask cluster.
"""
from __future__ import annotations

import os
import signal
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from autograder.assignments import get
from autograder.batch import store
from autograder.batch.discover import MAX_ENTRIES, discover
from autograder.batch.executors import DaskCluster, LocalPool
from autograder.batch.jobs import Settings, make_job


@dataclass
class Summary:
    layout: str
    results: list[dict]                  # every discovered student's result, sorted by student
    graded: int                          # graded in this run
    reused: int                          # kept from an earlier run (--resume)
    problems: list[str] = field(default_factory=list)
    interrupted: bool = False

    @property
    def total(self) -> int:
        return self.graded + self.reused


class Hooks:
    """What the command line shows while a batch runs; the default shows nothing."""

    def start(self, total: int, reused: int) -> None: ...
    def advance(self, result: dict) -> None: ...
    def stop(self) -> None: ...


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


@contextmanager
def ctrl_c_after_this():
    """A Ctrl-C that lands inside the block is raised when the block ends, so a result is never
    left half-written (or a module half-imported: an interrupted import made Python exit by
    SIGINT instead of with the 130 that says "interrupted, resume me")."""
    if threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield
        return
    hit = []
    signal.signal(signal.SIGINT, lambda *_: hit.append(True))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if hit:
            raise KeyboardInterrupt


def run_batch(assignment_id: str, root: str | Path, out: str | Path, *, workers: int | None = None,
              seed: int = 0, resume: bool = False, scheduler: str | None = None,
              budget_seconds: float = 120.0, max_entries: int = MAX_ENTRIES,
              hooks: Hooks | None = None, similarity: bool = True,
              only: dict[str, tuple[str, ...]] | None = None, images: bool = True) -> Summary:
    """Grade every submission under `root` into `out`. Raises DiscoveryError for an unknown layout.

    `only`: {student: functions} whose submissions are graded on those functions' tests alone
    (`nngrade audit` grades a mutant of one function this way). `images`: see grade_submission.
    """
    assignment = get(assignment_id)
    root, out = Path(root), Path(out)
    hooks = hooks or Hooks()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nngrade-class-") as staging:
        found = discover(root, assignment.id, Path(staging), max_entries=max_entries)
        settings = Settings(assignment.id, seed, budget_seconds, images)
        jobs = [make_job(settings, e.student, e.path, e.error) for e in found.entries]
        for job in jobs:
            if only and only.get(job["student"]):
                job["functions"] = list(only[job["student"]])
    suite_version = assignment.suite_version()
    results: dict[str, dict] = {}
    todo = []
    for job in jobs:
        stored = store.load(out, job["student"]) if resume else None
        if store.is_current(stored, job, suite_version):
            results[job["student"]] = stored
        else:
            todo.append(job)
    reused = len(results)

    def on_result(result: dict) -> None:
        with ctrl_c_after_this():
            store.save(out, result)
            store.save_html(out, result)
            results[result["student"]] = result
            hooks.advance(result)

    executor = DaskCluster(scheduler) if scheduler else LocalPool(workers or default_workers())
    interrupted = False
    hooks.start(len(jobs), reused)
    try:
        if todo:
            executor.run(todo, on_result)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        hooks.stop()
        for job in jobs:      # a Ctrl-C may land between writing a result and noting it here
            stored = None if job["student"] in results else store.load(out, job["student"])
            if store.is_current(stored, job, suite_version):
                results[job["student"]] = stored
        ordered = [results[s] for s in sorted(results)]
        section = ""
        if similarity and not interrupted:     # after grading, from the sources already read
            from autograder.similarity.batch import batch_section
            section = batch_section(assignment.id, jobs, out)
        store.write_summary(out, ordered, found.problems,
                            title=f"{assignment.id}: {assignment.title}", extra_html=section)
    return Summary(found.layout, ordered, len(results) - reused, reused, found.problems, interrupted)
