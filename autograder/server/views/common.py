"""What the pages and the API share: finding a submission the user may see, its public view."""
from __future__ import annotations

import json

from flask import abort, g, url_for

from autograder.reports.feedback import SHOWN_VISIBILITIES, hidden_summary
from autograder.server.accounts import current_user
from autograder.server.models import Submission


def visible_submission(submission_id: int) -> Submission:
    """The submission if the user owns it or is a TA; 403 for anyone else's, 404 if none."""
    user = current_user()
    if user is None:
        abort(401)
    submission = g.db.get(Submission, submission_id)
    if submission is None:
        abort(404)
    if submission.user_id != user.id and not user.is_ta:
        abort(403)
    return submission


def student_result(result: dict) -> dict:
    """The result as a student may read it: hidden tests summed, never listed."""
    shown = [t for t in result.get("tests", []) if t.get("visibility", "visible") in SHOWN_VISIBILITIES]
    count, score, max_score = hidden_summary(result)
    view = {k: v for k, v in result.items() if k not in ("tests", "isolation")}
    view["tests"] = shown
    view["hidden_tests"] = {"count": count, "score": score, "max_score": max_score}
    return view


def submission_dict(submission: Submission, full: bool = True) -> dict:
    data = {"id": submission.id, "assignment": submission.assignment, "student": submission.user.name,
            "filename": submission.original_name, "status": submission.status,
            "received_at": submission.received_at.isoformat() + "Z", "size": submission.size,
            "sha256": submission.sha256, "late_days": round(submission.late_days, 3),
            "penalty": submission.penalty, "score": submission.score, "max_score": submission.max_score,
            "graded_at": submission.graded_at.isoformat() + "Z" if submission.graded_at else None,
            "url": url_for("pages.submission", submission_id=submission.id, _external=True),
            "api_url": url_for("api.get_submission", submission_id=submission.id, _external=True),
            "feedback_url": url_for("pages.feedback", submission_id=submission.id, _external=True)}
    if full and submission.result_json:
        data["result"] = student_result(json.loads(submission.result_json))
    return data
