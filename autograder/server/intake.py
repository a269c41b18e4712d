"""An upload becomes a stored file, a submission row and a queued job, or a clear refusal.

    submission = receive(db, config, user, "activations", "alice.py", data)

Everything is checked before anything is kept: the assignment is open, the
name has a gradable suffix, the file is not empty, the loader can read it (a
zip bomb or a damaged notebook is refused with the loader's own message), the
hourly limit and the due date allow it. Then the file is written under
DATA/submissions/<id>/ and fsync'ed, and the row and its job are committed
together: when the student reads "received", both are on disk.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from werkzeug.utils import secure_filename

from autograder.assignments import UnknownAssignment, get
from autograder.server.accounts import audit
from autograder.server.jobs import enqueue
from autograder.server.models import AssignmentSetting, Submission, User, utcnow
from autograder.submission import SubmissionError, prepare

SUFFIXES = (".py", ".ipynb", ".zip")


class Refused(Exception):
    """An upload we do not keep; `message` is for the student, `status` the HTTP code."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


def settings_for(db, assignment_id: str, create: bool = False) -> AssignmentSetting:
    """The TA's settings; the defaults (not stored) until a TA saves some, unless `create`."""
    setting = db.get(AssignmentSetting, assignment_id)
    if setting is None:
        setting = AssignmentSetting(assignment=assignment_id, enabled=True, late_policy="accept",
                                    penalty_per_day=0.0, max_per_hour=20, seed=0)
        if create:
            db.add(setting)
            db.flush()
    return setting


def stored_name(original: str) -> str:
    """A safe file name that keeps the suffix the loader goes by (`../x.py` → `x.py`)."""
    suffix = Path(original).suffix.lower()
    base = secure_filename(Path(original).stem)[:80] or "submission"
    return base + suffix


def late_penalty(setting: AssignmentSetting, now) -> tuple[float, float]:
    """(days late, fraction of the score taken off); refuses when the policy says so."""
    if setting.due_at is None or now <= setting.due_at:
        return 0.0, 0.0
    days = (now - setting.due_at).total_seconds() / 86400
    if setting.late_policy == "refuse":
        raise Refused(f"the due date ({setting.due_at:%Y-%m-%d %H:%M} UTC) has passed; "
                      f"this assignment no longer accepts submissions", 403)
    if setting.late_policy == "penalty":
        import math
        return days, min(1.0, math.ceil(days) * setting.penalty_per_day)
    return days, 0.0


def check_readable(config, data: bytes, name: str, student_file: str) -> None:
    """Run the grader's loader on the upload now (no student code runs), so a bad file is refused."""
    scratch = Path(tempfile.mkdtemp(prefix="upload-", dir=config.tmp_dir))
    try:
        path = scratch / name
        path.write_bytes(data)
        work = scratch / "work"
        work.mkdir()
        prepare(path, student_file, work)
    except SubmissionError as exc:
        raise Refused(str(exc)) from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def receive(db, config, user: User, assignment_id: str, filename: str, data: bytes) -> Submission:
    """Check, store and queue one upload (the caller commits). Raises Refused."""
    try:
        assignment = get(assignment_id or "")
    except UnknownAssignment as exc:
        raise Refused(str(exc), 404) from None
    setting = settings_for(db, assignment.id)
    if not setting.enabled and not user.is_ta:
        raise Refused(f"{assignment.id} is not open for submissions", 403)
    original = (filename or "").replace("\\", "/").split("/")[-1][:255]
    if not original:
        raise Refused("no file was sent; choose your file and submit again")
    if Path(original).suffix.lower() not in SUFFIXES:
        raise Refused(f"{original} is not a file nngrade can grade; submit {assignment.student_file}, "
                      f"a .zip containing it, or a notebook (.ipynb)", 415)
    if not data:
        raise Refused(f"{original} is empty (0 bytes); check that you saved your work and submit again")
    if len(data) > config.max_upload_bytes:
        raise Refused(f"{original} is larger than {config.max_upload_bytes // 1_000_000} MB", 413)
    now = utcnow()
    if not user.is_ta:
        recent = db.scalar(select(func.count(Submission.id)).where(
            Submission.user_id == user.id, Submission.assignment == assignment.id,
            Submission.received_at > now - timedelta(hours=1)))
        if recent >= setting.max_per_hour:
            raise Refused(f"you have submitted {assignment.id} {recent} times in the last hour, the "
                          f"limit your TA set; please wait a little and submit again", 429)
    late_days, penalty = late_penalty(setting, now)
    safe = stored_name(original)
    check_readable(config, data, safe, assignment.student_file)
    submission = Submission(user_id=user.id, assignment=assignment.id, original_name=original,
                            stored_name=safe, sha256=_sha256(data), size=len(data), received_at=now,
                            status="queued", late_days=late_days, penalty=penalty)
    db.add(submission)
    db.flush()
    folder = config.submissions_dir / str(submission.id)
    folder.mkdir(parents=True, exist_ok=True)
    _write_durably(folder / safe, data)
    enqueue(db, submission, "submit")
    audit(db, user, "submit", f"submission {submission.id}: {assignment.id} {original!r} "
                              f"({len(data)} bytes, sha256 {submission.sha256[:12]})")
    return submission


def submission_path(config, submission: Submission) -> Path:
    return config.submissions_dir / str(submission.id) / submission.stored_name


def _sha256(data: bytes) -> str:
    import hashlib
    return hashlib.sha256(data).hexdigest()


def _write_durably(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
