"""Sign-in and the student's pages: upload, live status, feedback, history."""
from __future__ import annotations

import json

from flask import (Blueprint, Response, abort, flash, g, redirect, render_template, request, session,
                   url_for)
from sqlalchemy import select

from autograder.assignments import all_assignments
from autograder.reports.html import render_result
from autograder.server.accounts import (audit, check_password, current_user, login_required, sign_in,
                                        user_from_token)
from autograder.server.intake import Refused, receive, settings_for
from autograder.server.models import Submission
from autograder.server.views.common import student_result, visible_submission

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    user = current_user()
    if user is None:
        return redirect(url_for("pages.signin"))
    chosen = request.args.get("assignment") or session.get("assignment")
    assignments = []
    for a in all_assignments():
        setting = settings_for(g.db, a.id)
        if (setting.enabled or user.is_ta) and (not chosen or chosen == a.id):
            assignments.append((a, setting))
    history = g.db.scalars(select(Submission).where(Submission.user_id == user.id)
                           .order_by(Submission.id.desc()).limit(200)).all()
    return render_template("home.html", user=user, assignments=assignments, history=history)


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    error = ""
    if request.method == "POST":
        user = check_password(g.db, request.form.get("name", ""), request.form.get("password", ""))
        if user is not None:
            sign_in(user)
            audit(g.db, user, "signin", "password")
            g.db.commit()
            return redirect(url_for("ta.dashboard" if user.is_ta else "pages.home"))
        error = "That name and password do not match an account."
    return render_template("signin.html", error=error), (401 if error else 200)


@bp.get("/signin/<token>")
def signin_link(token: str):
    user = user_from_token(g.db, token, "signin")
    if user is None:
        return render_template("error.html", status=403, message="This sign-in link is not valid "
                               "(it may have been replaced by a newer one); ask your TA for yours."), 403
    sign_in(user)
    audit(g.db, user, "signin", "roster link")
    g.db.commit()
    return redirect(url_for("pages.home"))


@bp.post("/signout")
def signout():
    session.clear()
    return redirect(url_for("pages.signin"))


@bp.post("/submit")
@login_required
def submit():
    user = current_user()
    upload = request.files.get("file")
    try:
        submission = receive(g.db, g.config, user, request.form.get("assignment", ""),
                             upload.filename if upload else "", upload.read() if upload else b"")
    except Refused as exc:
        g.db.rollback()
        flash(exc.message, "error")
        return redirect(url_for("pages.home")), 303
    g.db.commit()
    flash(f"Received {submission.original_name}: it is being graded.", "ok")
    return redirect(url_for("pages.submission", submission_id=submission.id), 303)


@bp.get("/submissions/<int:submission_id>")
def submission(submission_id: int):
    sub = visible_submission(submission_id)
    result = json.loads(sub.result_json) if sub.result_json else None
    return render_template("submission.html", sub=sub, user=current_user(),
                           result=student_result(result) if result else None)


@bp.get("/submissions/<int:submission_id>/feedback")
def feedback(submission_id: int):
    sub = visible_submission(submission_id)
    if not sub.result_json:
        abort(404, "not graded yet")
    page = render_result(json.loads(sub.result_json))
    return Response(page, mimetype="text/html",
                    headers={"Content-Security-Policy": "default-src 'none'; img-src data:; "
                             "style-src 'unsafe-inline'"})
