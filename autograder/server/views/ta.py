"""The TA's pages: set-up, class report, one student's history, re-grade, grades CSV, exports."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, select

from autograder.assignments import UnknownAssignment, all_assignments, get
from autograder.batch.store import grades_csv
from autograder.reports.class_report import render_class_report
from autograder.server.accounts import audit, current_user, import_roster, ta_required
from autograder.server.course import apply_settings
from autograder.server.intake import settings_for
from autograder.server.models import Audit, LtiPlatform, Outbox, Submission, User
from autograder.server.regrade import latest_submissions, regrade_stale

bp = Blueprint("ta", __name__, url_prefix="/ta")


def _assignment(assignment_id: str):
    try:
        return get(assignment_id)
    except UnknownAssignment:
        abort(404)


def latest_results(assignment_id: str) -> list[dict]:
    """Each student's newest graded result, named by the student's id (as `nngrade batch`)."""
    out = []
    for sub in latest_submissions(g.db, assignment_id):
        if sub.result_json:
            result = json.loads(sub.result_json)
            result["student"] = sub.user.name
            out.append(result)
    return out


@bp.get("/")
@ta_required
def dashboard():
    counts = dict(g.db.execute(select(Submission.assignment, func.count(Submission.id))
                               .group_by(Submission.assignment)).all())
    rows = [(a, settings_for(g.db, a.id), counts.get(a.id, 0)) for a in all_assignments()]
    platforms = g.db.scalars(select(LtiPlatform).order_by(LtiPlatform.id)).all()
    failed = g.db.scalars(select(Outbox).where(Outbox.status == "failed").limit(50)).all()
    students = g.db.scalars(select(User).where(User.role == "student").order_by(User.name).limit(2000)).all()
    log = g.db.scalars(select(Audit).order_by(Audit.id.desc()).limit(30)).all()
    names = dict(g.db.execute(select(User.id, User.name).where(User.id.in_({e.user_id for e in log}))).all())
    return render_template("ta.html", user=current_user(), rows=rows, platforms=platforms,
                           failed=failed, students=students, log=log, names=names)


@bp.post("/assignments/<assignment_id>")
@ta_required
def settings(assignment_id: str):
    assignment = _assignment(assignment_id)
    form = request.form
    try:
        setting = apply_settings(g.db, assignment.id, {
            "enabled": form.get("enabled") == "on", "due_at": form.get("due_at", ""),
            "late_policy": form.get("late_policy", "accept"), "penalty_percent": form.get("penalty_per_day"),
            "max_per_hour": form.get("max_per_hour"), "seed": form.get("seed")})
    except ValueError as exc:
        g.db.rollback()
        flash(f"Not saved: {exc}", "error")
        return redirect(url_for("ta.dashboard"), 303)
    audit(g.db, current_user(), "settings", f"{assignment.id}: due {setting.due_at}, "
          f"{setting.late_policy} {setting.penalty_per_day:g}/day, {setting.max_per_hour}/h, seed {setting.seed}")
    g.db.commit()
    flash(f"Saved the settings of {assignment.id}.", "ok")
    return redirect(url_for("ta.dashboard"), 303)


@bp.get("/report/<assignment_id>")
@ta_required
def report(assignment_id: str):
    assignment = _assignment(assignment_id)
    return Response(render_class_report(latest_results(assignment.id), [],
                                        title=f"{assignment.id}: {assignment.title}"), mimetype="text/html")


@bp.get("/grades/<assignment_id>.csv")
@ta_required
def grades(assignment_id: str):
    assignment = _assignment(assignment_id)
    return Response(grades_csv(latest_results(assignment.id)), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={assignment.id}-grades.csv"})


@bp.get("/export/moodle/<assignment_id>.csv")
@ta_required
def export_moodle(assignment_id: str):
    from autograder.exporters.moodle import grades_csv as moodle_csv
    from autograder.result import GradeResult
    assignment = _assignment(assignment_id)
    results = {r["student"]: GradeResult.from_dict(r) for r in latest_results(assignment.id)}
    text, _ = moodle_csv(results, assignment.title, identifier="username")
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={assignment.id}-moodle.csv"})


@bp.get("/results/<assignment_id>.zip")
@ta_required
def results_zip(assignment_id: str):
    """Each student's latest result as <student>.json: the folder `nngrade export canvas|moodle` reads."""
    import io
    import zipfile
    assignment = _assignment(assignment_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for result in latest_results(assignment.id):
            archive.writestr(f"{assignment.id}-results/{result['student']}.json",
                             json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return Response(buffer.getvalue(), mimetype="application/zip",
                    headers={"Content-Disposition": f"attachment; filename={assignment.id}-results.zip"})


@bp.get("/students/<int:user_id>")
@ta_required
def student(user_id: int):
    person = g.db.get(User, user_id) or abort(404)
    history = g.db.scalars(select(Submission).where(Submission.user_id == person.id)
                           .order_by(Submission.id.desc()).limit(500)).all()
    return render_template("ta_student.html", user=current_user(), person=person, history=history)


@bp.post("/regrade/<assignment_id>")
@ta_required
def regrade(assignment_id: str):
    assignment = _assignment(assignment_id)
    count = regrade_stale(g.db, g.config, current_user(), assignment.id,
                          everything=request.form.get("everything") == "on")
    g.db.commit()
    flash(f"{count} submission(s) of {assignment.id} queued for grading again.", "ok")
    return redirect(url_for("ta.dashboard"), 303)


@bp.post("/roster")
@ta_required
def roster():
    upload = request.files.get("roster")
    text = upload.read().decode("utf-8-sig", "replace") if upload else request.form.get("text", "")
    try:
        links = import_roster(g.db, text)
    except (ValueError, UnicodeDecodeError) as exc:
        g.db.rollback()
        flash(f"Roster not imported: {exc}", "error")
        return redirect(url_for("ta.dashboard"), 303)
    audit(g.db, current_user(), "roster", f"{len(links)} student(s), new sign-in links")
    g.db.commit()
    rows = [(u, url_for("pages.signin_link", token=t, _external=True)) for u, t in links]
    return render_template("roster_links.html", user=current_user(), rows=rows)


@bp.post("/platforms")
@ta_required
def add_platform():
    form = request.form
    fields = ("issuer", "client_id", "auth_login_url", "auth_token_url", "key_set_url")
    values = {f: form.get(f, "").strip() for f in fields}
    if not all(values.values()):
        flash("Not saved: every field but the audience is needed.", "error")
        return redirect(url_for("ta.dashboard"), 303)
    deployments = [d.strip() for d in form.get("deployment_ids", "").split(",") if d.strip()]
    register_platform(g.db, deployment_ids=deployments, auth_audience=form.get("auth_audience") or None,
                      **values)
    audit(g.db, current_user(), "platform", f"{values['issuer']} client {values['client_id']}")
    g.db.commit()
    flash("Platform saved.", "ok")
    return redirect(url_for("ta.dashboard"), 303)


def register_platform(db, *, issuer: str, client_id: str, auth_login_url: str, auth_token_url: str,
                      key_set_url: str, deployment_ids: list[str], auth_audience: str | None = None
                      ) -> LtiPlatform:
    """Add or update one platform registration (also used by `nngrade serve --lti-platform`)."""
    platform = db.scalar(select(LtiPlatform).where(LtiPlatform.issuer == issuer,
                                                   LtiPlatform.client_id == client_id))
    if platform is None:
        platform = LtiPlatform(issuer=issuer, client_id=client_id)
        db.add(platform)
    platform.auth_login_url, platform.auth_token_url = auth_login_url, auth_token_url
    platform.key_set_url, platform.auth_audience = key_set_url, auth_audience
    platform.deployment_ids = json.dumps(sorted(set(deployment_ids)))
    db.flush()
    return platform
