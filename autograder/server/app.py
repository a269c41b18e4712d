"""create_app(config): the Flask app (pages, JSON API, LTI), on a migrated database.

Cookies: over HTTPS the session cookie is `SameSite=None; Secure`, so it works
inside the LMS's iframe; over plain HTTP (a laptop, the tests) it is
`SameSite=Lax` and not Secure. Forms carry a CSRF token (Flask-WTF); the API
(bearer tokens, no cookies) and the two LTI endpoints the platform posts to
(validated by state, nonce and signature) are exempt.
"""
from __future__ import annotations

from flask import Flask, g, jsonify, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy import text

from autograder.server.config import ServerConfig
from autograder.server.db import make_engine, sessions, upgrade

csrf = CSRFProtect()


class IframeSessions(SecureCookieSessionInterface):
    """SameSite=None; Secure over HTTPS (the LMS iframe), Lax over HTTP."""

    def get_cookie_samesite(self, app):
        return "None" if request.is_secure else "Lax"

    def get_cookie_secure(self, app):
        return request.is_secure


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def create_app(config: ServerConfig, engine=None) -> Flask:
    config.prepare()
    engine = engine or make_engine(config.database_url)
    upgrade(engine)
    app = Flask(__name__)
    app.config.update(SECRET_KEY=config.secret_key(), MAX_CONTENT_LENGTH=config.max_upload_bytes,
                      SESSION_COOKIE_HTTPONLY=True, WTF_CSRF_TIME_LIMIT=None,
                      MAX_FORM_MEMORY_SIZE=config.max_upload_bytes)
    app.session_interface = IframeSessions()
    if config.behind_proxy:
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    app.extensions["nngrade"] = {"config": config, "engine": engine, "sessions": sessions(engine)}
    csrf.init_app(app)

    from autograder.server.lti.views import bp as lti_bp
    from autograder.server.lti.views import launch, login
    from autograder.server.views.api import bp as api_bp
    from autograder.server.views.pages import bp as pages_bp
    from autograder.server.views.ta import bp as ta_bp
    for blueprint in (pages_bp, ta_bp, api_bp, lti_bp):
        app.register_blueprint(blueprint)
    csrf.exempt(api_bp)
    csrf.exempt(login)        # the platform posts these two; state, nonce and signature guard them
    csrf.exempt(launch)

    @app.before_request
    def _open_session():
        g.db = app.extensions["nngrade"]["sessions"]()
        g.config = config

    @app.teardown_request
    def _close_session(exc):
        db = g.pop("db", None)
        if db is not None:
            if exc is not None:
                db.rollback()
            db.close()

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @app.get("/healthz")
    def healthz():
        g.db.execute(text("SELECT 1"))
        return jsonify(status="ok")

    def error(status: int, message: str):
        if wants_json():
            return jsonify(error=message), status
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return error(400, "this form has expired or did not come from this site; reload the page "
                          "and try again")

    messages = {400: "the request was not understood", 401: "please sign in first",
                403: "you do not have access to this page",
                404: "there is nothing here", 405: "this address does not accept that method",
                413: f"the upload is too large: at most {config.max_upload_bytes // 1_000_000} MB; "
                     f"submit only your source file",
                415: "send the file as multipart/form-data (field `file`)",
                429: "too many submissions; please wait"}
    for status, message in messages.items():
        app.register_error_handler(status, lambda exc, s=status, m=message:
                                   error(s, getattr(exc, "description", None)
                                         if s in (400, 403, 415) and _custom(exc) else m))
    return app


def _custom(exc) -> bool:
    """Whether an HTTPException carries our own description rather than Werkzeug's default."""
    return type(exc).description != getattr(exc, "description", None)
