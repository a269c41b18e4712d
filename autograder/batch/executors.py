"""Run jobs in parallel: a local process pool, or a Dask cluster. Same jobs, same results.

Both call `jobs.grade_job` and hand each result dict to `on_result` in the
parent as soon as it arrives (the parent writes it at once), so an interrupted
batch loses only the submissions in flight.

The local pool survives its own workers dying: when a pool process is killed
(by the kernel, by a hung submission's watchdog) the jobs in flight are retried
one at a time, and a job that breaks the pool alone is recorded as crashed.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterable

from autograder.batch.jobs import grade_job, ungradable
from autograder.sandbox.cpus import PoolSlots

OnResult = Callable[[dict], None]
GRACE_SECONDS = 60.0     # beyond a job's own budget, before the watchdog kills its process


def die_with_parent() -> None:
    """In a grading process: if its parent is killed (even with SIGKILL), it goes too; Ctrl-C is
    the parent's to handle. (The batch pool's processes, and the server's.)"""
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)    # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _start_process(slots: PoolSlots) -> None:
    """Pool initializer: a core of its own (cpus.py), and it dies with the batch."""
    slots.take()
    die_with_parent()


def crashed(job: dict, why: str) -> dict:
    return ungradable(job, f"grading this submission {why}, so it was stopped; it earned no points")


class LocalPool:
    """`workers` processes, each grading with its own sandbox zygote."""

    def __init__(self, workers: int, grade: Callable[[dict], dict] = grade_job):
        self.workers = max(1, workers)
        self.grade = grade      # a module-level function (it is sent to the pool by name)
        self._executor: ProcessPoolExecutor | None = None

    def _start(self) -> ProcessPoolExecutor:
        if self._executor is None:
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_start_process,
                                                 initargs=(PoolSlots(context, self.workers),))
        return self._executor

    def _kill(self) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return
        for process in list(getattr(executor, "_processes", {}).values()):
            try:
                os.kill(process.pid, signal.SIGKILL)
            except OSError:
                pass
        executor.shutdown(wait=True, cancel_futures=True)

    def run(self, jobs: Iterable[dict], on_result: OnResult) -> None:
        pending = deque((job, 0) for job in jobs)    # (job, times it was in a broken pool)
        inflight: dict = {}                          # future -> (job, attempts, started)
        try:
            while pending or inflight:
                self._fill(pending, inflight)
                done, _ = wait(list(inflight), timeout=1.0, return_when=FIRST_COMPLETED)
                broken = False
                for future in done:
                    job, attempts, _ = inflight.pop(future)
                    try:
                        on_result(future.result())
                    except BrokenProcessPool:
                        broken = True
                        if attempts >= 1:      # it ran alone and the pool broke: it is the cause
                            on_result(crashed(job, "crashed the grading process"))
                        else:
                            pending.append((job, attempts + 1))
                overdue = [f for f, (job, _, t0) in inflight.items()
                           if time.monotonic() - t0 > job["budget_seconds"] + GRACE_SECONDS]
                if overdue:
                    for future in overdue:
                        job, _, _ = inflight.pop(future)
                        on_result(crashed(job, "took far longer than its time budget"))
                    broken = True
                if broken:
                    for future, (job, attempts, _) in inflight.items():
                        pending.appendleft((job, attempts))
                    inflight.clear()
                    self._kill()
        except BaseException:
            self._kill()
            raise
        self._close()

    def _close(self) -> None:
        """All done: let the processes end on their own, closing their zygotes (which then reap
        their workers); killed instead, their zygotes would be left for init to reap."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)

    def _fill(self, pending: deque, inflight: dict) -> None:
        """Keep every worker busy; a job that was in a broken pool runs alone."""
        while pending and len(inflight) < self.workers:
            job, attempts = pending[0]
            if attempts and inflight:
                return
            pending.popleft()
            future = self._start().submit(self.grade, job)
            inflight[future] = (job, attempts, time.monotonic())
            if attempts:
                return


class DaskCluster:
    """The same jobs on a Dask distributed cluster; results come back to this process."""

    def __init__(self, address: str):
        self.address = address

    def run(self, jobs: Iterable[dict], on_result: OnResult) -> None:
        from dask.distributed import Client, as_completed

        jobs = list(jobs)
        with Client(self.address, set_as_default=False) as client:
            futures = {client.submit(grade_job, job, pure=False, retries=1,
                                     key=f"nngrade-{job['assignment']}-{job['student']}-{id(job)}"): job
                       for job in jobs}
            try:
                for future in as_completed(list(futures), loop=client.loop):
                    job = futures[future]
                    try:
                        result = future.result()
                    except Exception as exc:  # noqa: BLE001 - KilledWorker, lost connections
                        result = crashed(job, f"crashed the Dask worker ({type(exc).__name__})")
                    on_result(result)
            finally:
                client.cancel(list(futures))
