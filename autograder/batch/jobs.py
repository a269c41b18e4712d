"""One submission → one result dict: the unit of work, shared by the local pool and Dask.

    parent:  make_job(entry)  reads the submission (the loader; no student code runs)
             → a plain dict: the source to grade, its hash, the loader's notes or error
    worker:  grade_job(job)   grades it in this process's sandbox zygote
             → GradeResult.to_dict()

A job is plain data, so it travels to a Dask worker on another machine as
easily as to a local process. The parent knows each submission's hash before
grading it, which is what `--resume` compares.
"""
from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from autograder.assignments import get
from autograder.submission import SubmissionError, prepare


@dataclass(frozen=True)
class Settings:
    assignment: str
    seed: int = 0
    budget_seconds: float = 120.0
    images: bool = True      # draw the feedback pictures (grade_submission)


def make_job(settings: Settings, student: str, path: Path | None, error: str = "") -> dict:
    """Read one student's submission into a job (never raises for a bad submission)."""
    job = {"assignment": settings.assignment, "student": student, "seed": settings.seed,
           "budget_seconds": settings.budget_seconds, "images": settings.images,
           "source": None, "sha256": "", "notes": [], "error": error}
    if error:
        return job
    with tempfile.TemporaryDirectory(prefix="nngrade-read-") as tmp:
        try:
            prepared = prepare(path, get(settings.assignment).student_file, Path(tmp))
        except SubmissionError as exc:
            job["error"] = str(exc)
            return job
        except OSError as exc:   # the loader reports what it expects; the disk may still fail
            job["error"] = f"{path.name} could not be read ({exc.strerror or exc})"
            return job
        job["source"] = prepared.path.read_text(encoding="utf-8")
    job["sha256"], job["notes"] = prepared.sha256, prepared.notes
    return job


_local = threading.local()      # one zygote per worker thread, kept for the process's life


def _zygote(packages: tuple[str, ...] = ()):
    """This thread's zygote, whose workers may import `packages` (the manifest's) besides numpy."""
    from autograder.sandbox import Zygote
    zygote = getattr(_local, "zygote", None)
    if zygote is not None and set(zygote.packages) != {"numpy", *packages}:
        zygote.close()
        zygote = None
    if zygote is None:
        zygote = _local.zygote = Zygote(packages=tuple(packages)).start()
        try:   # multiprocessing skips atexit in pool processes; its finalizers do run
            from multiprocessing import util
            util.Finalize(zygote, zygote.close, exitpriority=10)
        except Exception:  # noqa: BLE001 - the zygote also dies with its parent
            pass
    return zygote


def ungradable(job: dict, message: str) -> dict:
    """The result of a job that never reached the sandbox, shaped like `nngrade grade`'s."""
    from autograder import __version__
    from autograder.grading.runner import max_score
    from autograder.result import GradeResult

    assignment = get(job["assignment"])
    return GradeResult(assignment.id, job["student"], "ungradable", job["seed"], 0.0, [],
                       max_score(assignment.id), message=message, submission_sha256=job["sha256"],
                       suite_version=assignment.suite_version(), nngrade_version=__version__).to_dict()


def grade_job(job: dict) -> dict:
    """Grade one job in this process's sandbox; always returns a result dict."""
    from autograder.grading import grade_submission

    if job["source"] is None:
        return ungradable(job, job["error"])
    student_file = get(job["assignment"]).student_file
    with tempfile.TemporaryDirectory(prefix="nngrade-batch-") as tmp:
        path = Path(tmp) / student_file
        path.write_text(job["source"], encoding="utf-8")
        try:
            result = grade_submission(job["assignment"], path, seed=job["seed"], student=job["student"],
                                      sandbox=_zygote(get(job["assignment"]).worker_packages),
                                      budget_seconds=job["budget_seconds"],
                                      functions=tuple(job.get("functions", ())),
                                      images=job.get("images", True))
        except Exception as exc:  # noqa: BLE001 - one submission must never stop the class
            zygote = getattr(_local, "zygote", None)
            if zygote is not None:          # start afresh: the zygote may be what broke
                zygote.close()
                _local.zygote = None
            return ungradable(job, f"the grader failed on this submission ({type(exc).__name__}: "
                                   f"{str(exc)[:300]}); your TA has been told")
    data = result.to_dict()
    if data["status"] == "graded":
        # The loader ran in the parent on the original file; its notes are what `nngrade grade` says,
        # followed by what the grader learnt in the sandbox (a notebook's cells that raised).
        data["message"] = "\n".join(filter(None, ["; ".join(job["notes"]), data["message"]]))
    return data
