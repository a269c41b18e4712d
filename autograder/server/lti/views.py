"""The LTI 1.3 endpoints.

    GET|POST /lti/login        OIDC login initiation (the platform sends the browser here)
    POST     /lti/launch       the signed id_token: resource link or deep linking request
    POST     /lti/deep_link    the instructor's choice of assignment, sent back to the platform
    GET      /lti/jwks         the tool's public key (JWKS)
    GET      /lti/config.json  a Canvas developer-key configuration for this server

A resource link names its assignment in the custom parameter `assignment`
(set by deep linking). A Learner is signed in as a student and their line item
is kept, so each graded submission posts its score there; an Instructor,
TeachingAssistant or Administrator is signed in as a TA.
"""
from __future__ import annotations

import json

from flask import Blueprint, current_app, g, jsonify, redirect, render_template, request, session, url_for
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem
from sqlalchemy import select

from autograder.assignments import UnknownAssignment, all_assignments, get, ids
from autograder.server.accounts import audit, clean_name, sign_in
from autograder.server.lti.tool import cached_launch, jwks, message_launch, oidc_login, tool_conf
from autograder.server.models import LtiLink, LtiPlatform, User, utcnow

bp = Blueprint("lti", __name__, url_prefix="/lti")
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
CUSTOM = "https://purl.imsglobal.org/spec/lti/claim/custom"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


def _factory():
    return current_app.extensions["nngrade"]["sessions"]


def refuse(message: str, status: int = 401):
    return render_template("error.html", status=status, message=message), status


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = request.values.get("target_link_uri") or url_for("lti.launch", _external=True)
    if not target.startswith(url_for("lti.launch", _external=True)):
        target = url_for("lti.launch", _external=True)
    try:
        return oidc_login(tool_conf(g.db, g.config), _factory()).redirect(target)
    except Exception as exc:  # noqa: BLE001 - pylti1p3 raises plain Exception for unknown issuers
        return refuse(f"This LMS login could not start: {exc}. Is this platform registered "
                      f"on the TA page?", 400)


@bp.post("/launch")
def launch():
    conf = tool_conf(g.db, g.config)
    try:
        message = message_launch(conf, _factory())
        data = message.get_launch_data()
    except Exception as exc:  # noqa: BLE001 - every validation failure is a refusal
        return refuse(f"This LMS launch could not be verified ({exc}). Open the link from your "
                      f"course again.")
    platform = g.db.scalar(select(LtiPlatform).where(LtiPlatform.issuer == data["iss"],
                                                     LtiPlatform.client_id == message.get_client_id()))
    is_staff = (message.check_teacher_access() or message.check_teaching_assistant_access()
                or message.check_staff_access())
    user = _user_for(data, is_staff)
    audit(g.db, user, "lti-launch", f"{data['iss']} {data.get('sub')} "
          f"{'staff' if is_staff else 'learner'} {message.is_deep_link_launch() and 'deep-link' or ''}")
    sign_in(user)
    if message.is_deep_link_launch():
        g.db.commit()
        if not is_staff:
            return refuse("Only an instructor can choose which assignment a link opens.", 403)
        session["lti_launch_id"] = message.get_launch_id()
        return render_template("deep_link.html", user=user, assignments=all_assignments(),
                               launch_id=message.get_launch_id())
    assignment_id = (data.get(CUSTOM) or {}).get("assignment", "")
    try:
        assignment = get(assignment_id)
    except UnknownAssignment:
        g.db.commit()
        return refuse("This link does not say which assignment it opens. The instructor should add "
                      "it again through the tool's assignment picker (deep linking), or set the "
                      f"custom parameter assignment=<id> (one of: {', '.join(ids())}).", 400)
    endpoint = data.get(AGS) or {}
    if not is_staff and platform is not None and endpoint.get("lineitem"):
        _keep_link(user, assignment.id, platform, endpoint)
    g.db.commit()
    session["assignment"] = assignment.id
    if is_staff:
        return redirect(url_for("ta.report", assignment_id=assignment.id))
    return redirect(url_for("pages.home", assignment=assignment.id))


def _user_for(data: dict, is_staff: bool) -> User:
    user = g.db.scalar(select(User).where(User.lti_iss == data["iss"], User.lti_sub == data["sub"]))
    if user is None:
        base = clean_name((data.get("email") or "").split("@")[0] or data.get("name") or data["sub"])
        name, n = base, 1
        while g.db.scalar(select(User.id).where(User.name == name)) is not None and n < 1000:
            n += 1
            name = f"{base}-{n}"
        user = User(name=name, lti_iss=data["iss"], lti_sub=data["sub"], role="student")
        g.db.add(user)
    user.display_name = (data.get("name") or user.display_name or user.name)[:200]
    user.email = (data.get("email") or user.email or "")[:320]
    if is_staff:
        user.role = "ta"
    g.db.flush()
    return user


def _keep_link(user: User, assignment_id: str, platform: LtiPlatform, endpoint: dict) -> None:
    link = g.db.scalar(select(LtiLink).where(LtiLink.user_id == user.id, LtiLink.assignment == assignment_id))
    if link is None:
        link = LtiLink(user_id=user.id, assignment=assignment_id, platform_id=platform.id)
        g.db.add(link)
    link.platform_id, link.lineitem_url = platform.id, endpoint["lineitem"]
    link.scopes, link.updated_at = json.dumps(endpoint.get("scope") or [SCORE_SCOPE]), utcnow()


@bp.post("/deep_link")
def deep_link():
    launch_id = request.form.get("launch_id", "")
    if not launch_id or launch_id != session.get("lti_launch_id"):
        return refuse("This choice does not belong to your LMS session; open the link again.", 403)
    try:
        assignment = get(request.form.get("assignment", ""))
    except UnknownAssignment as exc:
        return refuse(str(exc), 400)
    try:
        message = cached_launch(launch_id, tool_conf(g.db, g.config), _factory())
    except Exception as exc:  # noqa: BLE001
        return refuse(f"This LMS session has expired ({exc}); open the link again.")
    from autograder.grading.runner import max_score
    resource = (DeepLinkResource().set_url(url_for("lti.launch", _external=True))
                .set_title(f"{assignment.id}: {assignment.title}")
                .set_custom_params({"assignment": assignment.id})
                .set_lineitem(LineItem().set_score_maximum(max_score(assignment.id))
                              .set_label(assignment.title).set_resource_id(assignment.id)))
    audit(g.db, g.get("user"), "deep-link", assignment.id)
    g.db.commit()
    session.pop("lti_launch_id", None)
    return message.get_deep_link().output_response_form([resource])


@bp.get("/jwks")
def keys():
    return jsonify(jwks(g.config))


@bp.get("/config.json")
def canvas_config():
    """The JSON a Canvas admin pastes (or points to) when creating an LTI developer key."""
    base = url_for("pages.home", _external=True).rstrip("/")
    return jsonify({
        "title": "nngrade", "description": "Sandboxed autograder: submit, get feedback in seconds",
        "oidc_initiation_url": f"{base}/lti/login", "target_link_uri": f"{base}/lti/launch",
        "public_jwk_url": f"{base}/lti/jwks", "scopes": [
            "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
            "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly", SCORE_SCOPE],
        "extensions": [{"platform": "canvas.instructure.com", "privacy_level": "public",
                        "settings": {"placements": [
                            {"placement": "link_selection", "message_type": "LtiDeepLinkingRequest",
                             "target_link_uri": f"{base}/lti/launch"},
                            {"placement": "assignment_selection", "message_type": "LtiDeepLinkingRequest",
                             "target_link_uri": f"{base}/lti/launch"}]}}],
        "custom_fields": {}})
