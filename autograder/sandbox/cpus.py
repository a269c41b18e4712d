"""Which CPUs a grading process and its workers run on.

A call is a ping-pong: the grader sends and waits, the worker answers and
waits. Left to the scheduler, the two hop between cores: a wake-up lands on
another core (on a VM, an idle virtual core must first be woken by the host)
and each side finds its caches cold. On the 2-core VM of benchmarks/RESULTS.md,
a long-lived grading process graded the reference `activations` (378 calls) in
0.54–0.85 s with grader and worker free to move, 0.39–0.43 s with both on one
core; `nngrade demo` took 27.4–28.2 s unpinned and 24.1–25.6 s pinned (medians
of 7 paired runs).

So a worker runs on the CPUs of the process that grades it (the spawn request
carries them; `zygote._spare_main` applies them as its request comes), and a batch
pool gives each of its processes a core of its own (`PoolSlots`); `nngrade grade`
keeps to the core it is on while it grades (`on_one_cpu`). Elsewhere (Dask, the
server) nothing is pinned and workers follow their grader's mask, whatever it is.
Scores never depend on this: a call's time limit is wall time the grader spends
waiting for it, its cost the worker's own CPU clock.
"""
from __future__ import annotations

import os
from contextlib import contextmanager


def allowed() -> list[int]:
    """The CPUs this process may run on."""
    return sorted(os.sched_getaffinity(0))


def pin(cpus) -> bool:
    """Run this process (and what it starts from now on) on `cpus`; False if refused."""
    try:
        os.sched_setaffinity(0, set(cpus))
        return True
    except (OSError, ValueError):
        return False


def current() -> int | None:
    """The CPU this thread is running on now (field 39 of /proc/thread-self/stat), or None."""
    try:
        with open("/proc/thread-self/stat") as f:
            stat = f.read()
        return int(stat[stat.rindex(")") + 2:].split()[36])
    except (OSError, ValueError, IndexError):
        return None


@contextmanager
def on_one_cpu():
    """Within the block, this thread runs on the core it is on now (its workers follow)."""
    before, cpu = os.sched_getaffinity(0), current()
    pinned = len(before) > 1 and cpu in before and pin({cpu})
    try:
        yield
    finally:
        if pinned:
            pin(before)


class PoolSlots:
    """A core for each process of a batch pool: the i-th process started runs on the i-th core.

    Shared memory (a multiprocessing Value) counts the processes started; a pool
    that breaks is started afresh with new slots. With more processes than cores
    nobody is pinned: the scheduler spreads them better than a fixed deal would.
    """

    def __init__(self, context, workers: int):
        cpus = allowed()
        self.cpus = cpus if 1 < len(cpus) and workers <= len(cpus) else []
        self.started = context.Value("i", 0)

    def take(self) -> int | None:
        """In a pool process: pin it to its slot's core; the core, or None."""
        if not self.cpus:
            return None
        with self.started.get_lock():
            slot, self.started.value = self.started.value, self.started.value + 1
        cpu = self.cpus[slot % len(self.cpus)]
        return cpu if pin({cpu}) else None
