"""Re-grade after a suite fix, by the rules of `nngrade batch --resume`.

A student's latest submission is graded again unless its stored result is for
the same submission (SHA-256), the same suite version and the same seed; the
re-grade is audited, and its new score is passed back like any other.
"""
from __future__ import annotations

import json

from sqlalchemy import func, select

from autograder.assignments import get
from autograder.server.accounts import audit
from autograder.server.intake import settings_for
from autograder.server.jobs import enqueue
from autograder.server.models import Job, Submission


def latest_submissions(db, assignment_id: str) -> list[Submission]:
    newest = (select(func.max(Submission.id)).where(Submission.assignment == assignment_id)
              .group_by(Submission.user_id))
    return list(db.scalars(select(Submission).where(Submission.id.in_(newest)).order_by(Submission.id)))


def is_current(result: dict | None, suite_version: str, seed: int) -> bool:
    return (result is not None and result.get("suite_version") == suite_version
            and result.get("seed") == seed and bool(result.get("submission_sha256") or
                                                    result.get("status") == "ungradable"))


def regrade_stale(db, config, user, assignment_id: str, everything: bool = False) -> int:
    """Queue a job for every latest submission whose grade is stale (or all, if `everything`)."""
    assignment = get(assignment_id)
    seed, suite_version = settings_for(db, assignment.id).seed, assignment.suite_version()
    count = 0
    for submission in latest_submissions(db, assignment.id):
        pending = db.scalar(select(Job.id).where(Job.submission_id == submission.id,
                                                 Job.status.in_(("queued", "running"))).limit(1))
        result = json.loads(submission.result_json) if submission.result_json else None
        if pending is None and (everything or not is_current(result, suite_version, seed)):
            enqueue(db, submission, "regrade")
            count += 1
    audit(db, user, "regrade", f"{assignment.id}: {count} submission(s) queued "
                               f"(suite {suite_version}, seed {seed}{', all' if everything else ''})")
    return count
