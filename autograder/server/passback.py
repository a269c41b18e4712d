"""The outbox: each grade posted to the LMS line item once, retried with back-off until accepted.

A grade and its outbox row are written in one transaction (`jobs.finish`).
Here a row is claimed (`pending → sending`), posted through pylti1p3's
Assignment and Grade Services, and marked `sent`. A refused or failed post goes
back to `pending` with its next try doubled (2 s, 4 s, … up to 10 min), and is
marked `failed` after `passback_max_attempts` (50 tries, about 7 hours; the TA page lists those). The
score carries the row's fixed timestamp, so if the server dies between the
platform's answer and our commit, the one re-post is the same score at the same
time, which AGS platforms treat as the same grade.
"""
from __future__ import annotations

import json
import threading
from datetime import timedelta

from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.grade import Grade
from pylti1p3.service_connector import ServiceConnector
from sqlalchemy import select, update

from autograder.server.db import session_scope
from autograder.server.lti.tool import registration
from autograder.server.models import LtiLink, LtiPlatform, Outbox, User, utcnow

BATCH = 20         # rows sent per round (bounded)


def reset_sending(factory) -> int:
    """At start-up: rows a dead server was sending go back to `pending`."""
    with session_scope(factory) as db:
        return db.execute(update(Outbox).where(Outbox.status == "sending")
                          .values(status="pending")).rowcount


def post_score(config, platform: LtiPlatform, link: LtiLink, user: User, row: Outbox) -> None:
    """POST the score to the line item's /scores endpoint (raises on any failure)."""
    connector = ServiceConnector(registration(config, platform))
    service = AssignmentsGradesService(connector, {"scope": json.loads(link.scopes or "[]"),
                                                   "lineitem": link.lineitem_url})
    grade = (Grade().set_score_given(row.score).set_score_maximum(row.max_score)
             .set_timestamp(row.timestamp).set_activity_progress("Completed")
             .set_grading_progress("FullyGraded").set_user_id(user.lti_sub).set_comment(row.comment))
    service.put_grade(grade)


def send_due(config, factory, now=None) -> int:
    """Send every row whose time has come; returns how many were accepted."""
    now = now or utcnow()
    with session_scope(factory) as db:
        due = db.scalars(select(Outbox.id).where(Outbox.status == "pending", Outbox.next_try_at <= now)
                         .order_by(Outbox.id).limit(BATCH)).all()
    accepted = 0
    for row_id in due:
        with session_scope(factory) as db:
            if db.execute(update(Outbox).where(Outbox.id == row_id, Outbox.status == "pending")
                          .values(status="sending")).rowcount != 1:
                continue
        with session_scope(factory) as db:
            row = db.get(Outbox, row_id)
            link = db.get(LtiLink, row.link_id)
            platform, user = db.get(LtiPlatform, link.platform_id), db.get(User, link.user_id)
            try:
                post_score(config, platform, link, user, row)
            except Exception as exc:  # noqa: BLE001 - network, HTTP errors, a platform that refuses
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:1000]
                delay = min(config.passback_backoff * 2 ** (row.attempts - 1), config.passback_max_backoff)
                row.next_try_at = utcnow() + timedelta(seconds=delay)
                row.status = "failed" if row.attempts >= config.passback_max_attempts else "pending"
                continue
            row.attempts += 1
            row.status, row.sent_at, row.last_error = "sent", utcnow(), ""
            accepted += 1
    return accepted


class Passback:
    """A thread that empties the outbox, polling every `interval` seconds until stopped."""

    def __init__(self, config, factory, interval: float = 0.5):
        self.config, self.factory, self.interval = config, factory, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="nngrade-passback", daemon=True)

    def start(self) -> "Passback":
        reset_sending(self.factory)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                send_due(self.config, self.factory)
            except Exception as exc:  # noqa: BLE001 - a locked database: the next round retries
                print(f"nngrade passback: {type(exc).__name__}: {exc}", flush=True)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
