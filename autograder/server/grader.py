"""Grading processes fed by the job table, through the same sandboxed engine as `nngrade batch`.

    Grader(config).start()        -j spawn processes, each: claim → grade → finish, in a loop
    grade_next(config, Session, worker)   one job in this process (what each process loops on)
    DaskGrader(config, address)   the same jobs sent to a Dask scheduler instead

Each grading process keeps one sandbox zygote for its life (`batch.jobs.grade_job`),
dies with the server (PR_SET_PDEATHSIG), and is restarted if it dies alone; the
job it held goes back to the queue. A job that killed its process MAX_ATTEMPTS
times is recorded as crashed, so one hostile file cannot stall the queue.
"""
from __future__ import annotations

import multiprocessing
import os
import socket
import threading
import time
from pathlib import Path

from autograder.batch.executors import die_with_parent
from autograder.batch.jobs import Settings, grade_job, make_job, ungradable
from autograder.server.config import ServerConfig
from autograder.server.db import make_engine, session_scope, sessions
from autograder.server.jobs import MAX_ATTEMPTS, claim, finish, requeue_running
from autograder.server.models import Submission

POLL_SECONDS = 0.1
MAX_RESTARTS = 1000        # grading processes restarted in one server's life, then we stop trying


def job_for(config: ServerConfig, db, submission_id: int) -> dict:
    """The batch engine's job dict for one stored submission (the loader runs here, no student code)."""
    from autograder.server.intake import settings_for, submission_path
    submission = db.get(Submission, submission_id)
    setting = settings_for(db, submission.assignment)
    # The sandbox's walls are an allow-list: a worker sees neither DATA nor other submissions.
    settings = Settings(assignment=submission.assignment, seed=setting.seed,
                        budget_seconds=config.budget_seconds)
    path = submission_path(config, submission)
    if not path.is_file():
        return make_job(settings, submission.user.name, None, f"the file of submission "
                        f"{submission_id} is missing on the server; please submit again")
    return make_job(settings, submission.user.name, path)


def grade_next(config: ServerConfig, factory, worker: str) -> bool:
    """Grade one queued job here. False when the queue is empty."""
    claimed = claim(factory, worker)
    if claimed is None:
        return False
    job_id, submission_id, attempts = claimed
    with session_scope(factory) as db:
        job = job_for(config, db, submission_id)
    if attempts > MAX_ATTEMPTS:
        result = ungradable(job, "grading this submission crashed the grading process "
                                 f"{attempts - 1} times, so it was stopped; it earned no points")
    else:
        result = grade_job(job)
    finish(factory, job_id, worker, result)
    return True


def worker_main(data: str, database_url: str, budget: float, worker: str) -> None:
    """A grading process: loop until the server (our parent) is gone."""
    die_with_parent()
    parent = os.getppid()
    config = ServerConfig(Path(data), database_url, budget_seconds=budget)
    factory = sessions(make_engine(config.database_url))
    while os.getppid() == parent:
        try:
            busy = grade_next(config, factory, worker)
        except Exception as exc:  # noqa: BLE001 - the database may be briefly locked; try again
            print(f"nngrade grader {worker}: {type(exc).__name__}: {exc}", flush=True)
            busy = False
        if not busy:
            time.sleep(POLL_SECONDS)


class Grader:
    """`workers` grading processes, watched: a dead one's job is re-queued and it is restarted."""

    def __init__(self, config: ServerConfig):
        self.config = config
        self.factory = sessions(make_engine(config.database_url))
        self.context = multiprocessing.get_context("spawn")
        self.processes: dict[str, multiprocessing.Process] = {}
        self.restarts = 0
        self._stop = threading.Event()
        self._watch = threading.Thread(target=self._watchdog, name="nngrade-grader-watch", daemon=True)

    def _spawn(self, slot: int) -> None:
        name = f"{socket.gethostname()}-{os.getpid()}-{slot}-{self.restarts}"
        process = self.context.Process(target=worker_main, name=f"nngrade-grader-{slot}", daemon=True,
                                       args=(str(self.config.data), self.config.database_url,
                                             self.config.budget_seconds, name))
        process.start()
        self.processes[name] = process

    def start(self) -> "Grader":
        for slot in range(max(1, self.config.workers)):
            self._spawn(slot)
        self._watch.start()
        return self

    def _watchdog(self) -> None:
        while not self._stop.wait(1.0):
            for name, process in list(self.processes.items()):
                if process.is_alive() or self._stop.is_set():
                    continue
                del self.processes[name]
                requeue_running(self.factory, worker=name)
                if self.restarts < MAX_RESTARTS:
                    self.restarts += 1
                    self._spawn(int(name.split("-")[-2]))

    def stop(self) -> None:
        self._stop.set()
        for process in self.processes.values():
            process.kill()
        for process in self.processes.values():
            process.join(timeout=5)


class DaskGrader:
    """Jobs claimed here, graded on a Dask cluster (`--scheduler`), finished here."""

    def __init__(self, config: ServerConfig, address: str):
        self.config, self.address = config, address
        self.factory = sessions(make_engine(config.database_url))
        self.worker = f"dask-{socket.gethostname()}-{os.getpid()}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="nngrade-dask", daemon=True)

    def start(self) -> "DaskGrader":
        self._thread.start()
        return self

    def _run(self) -> None:
        """Reconnect (every 5 s) while the scheduler is unreachable; jobs in flight go back to the queue."""
        while not self._stop.is_set():
            try:
                self._serve()
            except Exception as exc:  # noqa: BLE001 - scheduler gone, connection lost
                print(f"nngrade dask grader: {type(exc).__name__}: {exc}", flush=True)
            requeue_running(self.factory, worker=self.worker)
            self._stop.wait(5.0)

    def _serve(self) -> None:
        from dask.distributed import Client
        with Client(self.address, set_as_default=False) as client:
            slots = max(1, sum(client.nthreads().values()))
            inflight: dict = {}
            while not self._stop.is_set():
                while len(inflight) < slots:
                    claimed = claim(self.factory, self.worker)
                    if claimed is None:
                        break
                    job_id, submission_id, _ = claimed
                    with session_scope(self.factory) as db:
                        job = job_for(self.config, db, submission_id)
                    inflight[client.submit(grade_job, job, pure=False, retries=1)] = (job_id, job)
                done = [future for future in inflight if future.done()]
                if not done:
                    self._stop.wait(POLL_SECONDS)
                for future in done:
                    job_id, job = inflight.pop(future)
                    try:
                        result = future.result()
                    except Exception as exc:  # noqa: BLE001 - KilledWorker, lost connections
                        result = ungradable(job, f"grading this submission crashed the Dask worker "
                                                 f"({type(exc).__name__}); it earned no points")
                    finish(self.factory, job_id, self.worker, result)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
