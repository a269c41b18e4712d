"""The database tables (SQLAlchemy 2 declarative). Migrations live in `migrations/`.

Times are UTC, stored naive (SQLite keeps no zone). A submission's result is
the SPEC §4 JSON as text; scores are copied into columns only to sort and list.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("lti_iss", "lti_sub", name="uq_users_lti"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)     # login / student id in results
    display_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    role: Mapped[str] = mapped_column(String(16), default="student")   # student | ta
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    lti_iss: Mapped[str | None] = mapped_column(String(500), nullable=True)
    lti_sub: Mapped[str | None] = mapped_column(String(255), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def is_ta(self) -> bool:
        return self.role == "ta"


class Token(Base):
    """A secret that signs someone in: a roster link (`signin`) or an API token (`api`). Stored hashed."""
    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user: Mapped[User] = relationship()


class AssignmentSetting(Base):
    """What the TA set for one assignment: open or not, due date, late policy, hourly limit, seed."""
    __tablename__ = "assignment_settings"
    assignment: Mapped[str] = mapped_column(String(64), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    due_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    late_policy: Mapped[str] = mapped_column(String(16), default="accept")   # accept | penalty | refuse
    penalty_per_day: Mapped[float] = mapped_column(Float, default=0.0)      # fraction of the score
    max_per_hour: Mapped[int] = mapped_column(Integer, default=20)
    seed: Mapped[int] = mapped_column(Integer, default=0)


class Submission(Base):
    __tablename__ = "submissions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assignment: Mapped[str] = mapped_column(String(64), index=True)
    original_name: Mapped[str] = mapped_column(String(255))     # as uploaded: shown escaped, never a path
    stored_name: Mapped[str] = mapped_column(String(255))       # under DATA/submissions/<id>/
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    status: Mapped[str] = mapped_column(String(16), default="queued")   # queued | grading | graded
    late_days: Mapped[float] = mapped_column(Float, default=0.0)
    penalty: Mapped[float] = mapped_column(Float, default=0.0)     # fraction taken off the score
    score: Mapped[float | None] = mapped_column(Float, nullable=True)         # after the penalty
    max_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    result_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    graded_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    times_graded: Mapped[int] = mapped_column(Integer, default=0)
    user: Mapped[User] = relationship()


class Job(Base):
    """One grading of one submission. queued → running → done; `running` rows of a dead server re-queue."""
    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    reason: Mapped[str] = mapped_column(String(16), default="submit")   # submit | regrade
    worker: Mapped[str | None] = mapped_column(String(64), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class LtiPlatform(Base):
    """An LMS registered with this tool (one Canvas developer key, one Moodle tool)."""
    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id", name="uq_platform"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(1000))
    auth_token_url: Mapped[str] = mapped_column(String(1000))
    key_set_url: Mapped[str] = mapped_column(String(1000))
    auth_audience: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    deployment_ids: Mapped[str] = mapped_column(Text, default="[]")     # JSON list


class LtiLink(Base):
    """Where a student's grades for one assignment go: the line item of their last launch."""
    __tablename__ = "lti_links"
    __table_args__ = (UniqueConstraint("user_id", "assignment", name="uq_link"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assignment: Mapped[str] = mapped_column(String(64))
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id"))
    lineitem_url: Mapped[str] = mapped_column(String(1000))
    scopes: Mapped[str] = mapped_column(Text, default="[]")     # JSON list
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Outbox(Base):
    """One score to pass back: written in the same transaction as the grade, sent once."""
    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("lti_links.id"))
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")
    timestamp: Mapped[str] = mapped_column(String(40))       # ISO 8601, also the platform's dedup key
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # pending|sending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class KeyValue(Base):
    """pylti1p3's launch data, states and nonces (a nonce is deleted when used: no replay)."""
    __tablename__ = "lti_kv"
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[float] = mapped_column(Float)


class Audit(Base):
    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
