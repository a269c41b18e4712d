"""Who is who: TA accounts, roster sign-in links, API tokens, and the signed-in user.

    ensure_first_ta(db)            -> (user, password) or None when a TA exists
    import_roster(db, csv_text)    -> [(user, sign-in token)]  one personal link per student
    issue_token(db, user, kind)    -> the secret (stored only as its SHA-256)
    user_from_token(db, secret, kind)

A page request is signed in through the session cookie; an API request
through `Authorization: Bearer <token>` (no cookie, so no CSRF to fear).
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import secrets
from functools import wraps

from flask import abort, g, request, session
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from autograder.server.models import Audit, Token, User

NAME_RE = re.compile(r"[^A-Za-z0-9._-]+")


def clean_name(text: str) -> str:
    """A student id as results use it: letters, digits, `.`, `_`, `-` (as `nngrade batch`)."""
    return NAME_RE.sub("_", text.strip())[:120].strip("._") or "student"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_token(db, user: User, kind: str) -> str:
    secret = secrets.token_urlsafe(32)
    db.add(Token(user_id=user.id, kind=kind, digest=digest(secret)))
    db.flush()
    return secret


def user_from_token(db, secret: str, kind: str) -> User | None:
    if not secret or len(secret) > 200:
        return None
    token = db.scalar(select(Token).where(Token.digest == digest(secret), Token.kind == kind,
                                          Token.revoked.is_(False)))
    return token.user if token else None


def audit(db, user: User | None, action: str, detail: str = "") -> None:
    db.add(Audit(user_id=user.id if user else None, action=action, detail=detail[:2000]))


def ensure_first_ta(db, name: str = "ta") -> tuple[User, str] | None:
    """Create the first TA account with a random password, if there is no TA yet."""
    if db.scalar(select(User).where(User.role == "ta").limit(1)) is not None:
        return None
    password = secrets.token_urlsafe(12)
    user = User(name=name, display_name="Teaching assistant", role="ta",
                password_hash=generate_password_hash(password))
    db.add(user)
    db.flush()
    audit(db, None, "ta-created", name)
    return user, password


def check_password(db, name: str, password: str) -> User | None:
    user = db.scalar(select(User).where(User.name == name))
    if user is None or not user.password_hash or not check_password_hash(user.password_hash, password):
        return None
    return user


def import_roster(db, text: str) -> list[tuple[User, str]]:
    """Students from a CSV with a `student` (or `id`, `login`, `username`) column, and optional
    `name` and `email`; each gets a new personal sign-in token (older links stop working)."""
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows:
        raise ValueError("the roster is empty; it needs a header line and one line per student")
    header = {k.strip().lower(): k for k in rows[0] if k}
    key = next((header[k] for k in ("student", "id", "login", "username", "email") if k in header), None)
    if key is None:
        raise ValueError(f"the roster has no `student` column (found: {', '.join(header) or 'nothing'})")
    out = []
    for row in rows[:5000]:
        raw = (row.get(key) or "").strip()
        if not raw:
            continue
        name = clean_name(raw.split("@")[0] if key == header.get("email") else raw)
        user = db.scalar(select(User).where(User.name == name))
        if user is None:
            user = User(name=name, role="student")
            db.add(user)
        user.display_name = (row.get(header.get("name", ""), "") or user.display_name or name).strip()[:200]
        user.email = (row.get(header.get("email", ""), "") or user.email or "").strip()[:320]
        db.flush()
        for old in db.scalars(select(Token).where(Token.user_id == user.id, Token.kind == "signin")):
            old.revoked = True
        out.append((user, issue_token(db, user, "signin")))
    return out


def current_user() -> User | None:
    """The user of this request: API token first, then the session cookie."""
    if "user" in g:
        return g.user
    db = g.db
    user = None
    auth = request.headers.get("Authorization", "")
    if auth.startswith("Bearer "):
        user = user_from_token(db, auth[7:].strip(), "api")
        g.via_token = True
    elif session.get("user_id") is not None:
        user = db.get(User, session["user_id"])
    g.user = user
    return user


def sign_in(user: User) -> None:
    session.clear()
    session["user_id"] = user.id
    session.permanent = True


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_user() is None:
            abort(401)
        return view(*args, **kwargs)
    return wrapper


def ta_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        user = current_user()
        if user is None:
            abort(401)
        if not user.is_ta:
            abort(403)
        return view(*args, **kwargs)
    return wrapper
