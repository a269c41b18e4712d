"""The JSON API, for scripts and tests: `Authorization: Bearer <token>`.

    POST /api/submissions          multipart: assignment, file  -> 201 {id, status, url, ...}
    GET  /api/submissions          your submissions (a TA: everyone's, ?assignment=)
    GET  /api/submissions/<id>     one submission; its result once graded (yours only, or a TA)
    POST /api/users                (TA) {"name": ...} -> a student with an API token and sign-in link
    POST /api/regrade/<assignment> (TA) re-grade what a suite change made stale
"""
from __future__ import annotations

from flask import Blueprint, abort, g, jsonify, request, url_for
from sqlalchemy import select

from autograder.server.accounts import (audit, clean_name, current_user, issue_token, login_required,
                                        ta_required)
from autograder.server.intake import Refused, receive
from autograder.server.models import Submission, User
from autograder.server.regrade import regrade_stale
from autograder.server.views.common import submission_dict, visible_submission

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.post("/submissions")
@login_required
def create_submission():
    if not request.mimetype.startswith("multipart/form-data"):
        abort(415, f"send the file as multipart/form-data with the fields `assignment` and `file` "
                   f"(this request was {request.mimetype or 'of no content type'})")
    upload = request.files.get("file")
    try:
        submission = receive(g.db, g.config, current_user(), request.form.get("assignment", ""),
                             upload.filename if upload else "", upload.read() if upload else b"")
    except Refused as exc:
        g.db.rollback()
        return jsonify(error=exc.message), exc.status
    g.db.commit()
    return jsonify(submission_dict(submission)), 201, {"Location": submission_dict(submission)["url"]}


@bp.get("/submissions")
@login_required
def list_submissions():
    user = current_user()
    query = select(Submission).order_by(Submission.id)
    if not user.is_ta:
        query = query.where(Submission.user_id == user.id)
    if request.args.get("assignment"):
        query = query.where(Submission.assignment == request.args["assignment"])
    return jsonify(submissions=[submission_dict(s, full=False) for s in g.db.scalars(query.limit(10_000))])


@bp.get("/submissions/<int:submission_id>")
def get_submission(submission_id: int):
    return jsonify(submission_dict(visible_submission(submission_id)))


@bp.post("/users")
@ta_required
def create_user():
    body = request.get_json(silent=True) or {}
    name = clean_name(str(body.get("name", "")))
    user = g.db.scalar(select(User).where(User.name == name))
    if user is None:
        user = User(name=name, display_name=str(body.get("display_name", name))[:200], role="student")
        g.db.add(user)
        g.db.flush()
    token, link = issue_token(g.db, user, "api"), issue_token(g.db, user, "signin")
    audit(g.db, current_user(), "user-created", name)
    g.db.commit()
    return jsonify(name=user.name, token=token,
                   signin_url=url_for("pages.signin_link", token=link, _external=True)), 201


@bp.post("/regrade/<assignment>")
@ta_required
def regrade(assignment: str):
    count = regrade_stale(g.db, g.config, current_user(), assignment)
    g.db.commit()
    return jsonify(queued=count)
