"""The job table: what is to be graded, claimed by one grading process at a time.

    enqueue(db, submission, reason)          a new `queued` job (the caller commits)
    claim(Session, worker) -> (job, sub) ids a `queued` job made `running`, atomically, or None
    finish(Session, job_id, worker, result)  store the grade, close the job, add the outbox row:
                                             one transaction, and only if this worker still owns it
    requeue_running(Session)                 at start-up: jobs a dead server left `running`

A claim is `UPDATE … WHERE id = ? AND status = 'queued'`: of two processes
racing for one job, exactly one sees a row changed (SQLite and PostgreSQL alike).
"""
from __future__ import annotations

import json

from sqlalchemy import select, update

from autograder.server.db import session_scope
from autograder.server.models import Job, LtiLink, Outbox, Submission, utcnow

MAX_ATTEMPTS = 3           # a job whose grading process died this often is recorded as crashed
CLAIM_CANDIDATES = 8       # bounded: how many queued jobs one claim tries before giving up


def enqueue(db, submission: Submission, reason: str) -> Job:
    job = Job(submission_id=submission.id, status="queued", reason=reason)
    submission.status = "queued"
    db.add(job)
    db.flush()
    return job


def claim(factory, worker: str) -> tuple[int, int, int] | None:
    """(job id, submission id, attempts) of a job this worker now owns, or None if none is queued."""
    with session_scope(factory) as db:
        candidates = db.execute(select(Job.id, Job.submission_id, Job.attempts)
                                .where(Job.status == "queued").order_by(Job.id)
                                .limit(CLAIM_CANDIDATES)).all()
        for job_id, submission_id, attempts in candidates:
            changed = db.execute(update(Job).where(Job.id == job_id, Job.status == "queued")
                                 .values(status="running", worker=worker, claimed_at=utcnow(),
                                         attempts=Job.attempts + 1)).rowcount
            if changed == 1:
                db.execute(update(Submission).where(Submission.id == submission_id)
                           .values(status="grading"))
                return job_id, submission_id, attempts + 1
    return None


def finish(factory, job_id: int, worker: str, result: dict) -> bool:
    """Record the grade of a claimed job. False (and nothing written) if the job is not ours."""
    with session_scope(factory) as db:
        changed = db.execute(update(Job).where(Job.id == job_id, Job.status == "running",
                                               Job.worker == worker)
                             .values(status="done", finished_at=utcnow())).rowcount
        if changed != 1:
            db.rollback()
            return False
        job = db.get(Job, job_id)
        submission = db.get(Submission, job.submission_id)
        raw = float(result.get("score", 0.0))
        now = utcnow()
        submission.result_json = json.dumps(result, ensure_ascii=False)
        submission.score = round(raw * (1.0 - submission.penalty), 6)
        submission.max_score = float(result.get("max_score", 0.0))
        submission.graded_at = now
        submission.times_graded += 1
        still_queued = db.scalar(select(Job.id).where(Job.submission_id == submission.id,
                                                      Job.status.in_(("queued", "running"))).limit(1))
        submission.status = "queued" if still_queued else "graded"
        link = db.scalar(select(LtiLink).where(LtiLink.user_id == submission.user_id,
                                               LtiLink.assignment == submission.assignment))
        if link is not None:
            db.add(Outbox(submission_id=submission.id, link_id=link.id, score=submission.score,
                          max_score=submission.max_score, comment=score_comment(result, submission),
                          timestamp=now.isoformat(timespec="milliseconds") + "Z", next_try_at=now))
        return True


def score_comment(result: dict, submission: Submission) -> str:
    from autograder.exporters.results import comment
    from autograder.result import GradeResult
    text = comment(GradeResult.from_dict(result))
    if submission.penalty:
        text += f" (late: {100 * submission.penalty:g}% off)"
    return text[:1000]


def requeue_running(factory, worker: str | None = None) -> int:
    """Put `running` jobs (all, or one dead worker's) back in the queue; returns how many."""
    with session_scope(factory) as db:
        query = update(Job).where(Job.status == "running")
        if worker is not None:
            query = query.where(Job.worker == worker)
        count = db.execute(query.values(status="queued", worker=None)).rowcount
        waiting = select(Job.submission_id).where(Job.status == "queued")
        db.execute(update(Submission).where(Submission.status == "grading", Submission.id.in_(waiting))
                   .values(status="queued"))
        return count


def give_up(factory, job_id: int, worker: str, result: dict) -> bool:
    """A job that crashed its grading process too often: recorded with the crash result."""
    return finish(factory, job_id, worker, result)
