"""Helpers shared by the server tests: an app on a fresh data folder, users, tokens, grading.

Kept as a plain module (not a conftest) so other test files are untouched.
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from autograder.assignments import get
from autograder.examples import apply_bug, bugs
from autograder.server.accounts import issue_token
from autograder.server.app import create_app
from autograder.server.config import ServerConfig
from autograder.server.db import session_scope
from autograder.server.grader import grade_next
from autograder.server.models import User

ASSIGNMENT = "activations"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def correct_source() -> str:
    return get(ASSIGNMENT).solution.read_text()


def buggy_source(name: str = "relu_grad_one_at_zero") -> str:
    bug = next(b for b in bugs(ASSIGNMENT) if b.name == name)
    return apply_bug(correct_source(), bug)


def zipped(name: str, text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, text)
    return buffer.getvalue()


def make_app(tmp_path: Path, **overrides):
    """An app on SQLite in tmp_path, or on an emptied $NNGRADE_TEST_DATABASE_URL (e.g. PostgreSQL)."""
    import os
    url = os.environ.get("NNGRADE_TEST_DATABASE_URL", "")
    if url:
        empty_database(url)
    config = ServerConfig(tmp_path / "data", database_url=url, **overrides)
    app = create_app(config)
    app.config["TESTING"] = True
    return app


def empty_database(url: str) -> None:
    from sqlalchemy import text

    from autograder.server.db import make_engine
    from autograder.server.models import Base
    engine = make_engine(url)
    Base.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


def factory(app):
    return app.extensions["nngrade"]["sessions"]


def add_user(app, name: str, role: str = "student") -> tuple[int, str]:
    """(user id, API token) of a new user."""
    with session_scope(factory(app)) as db:
        user = User(name=name, role=role)
        db.add(user)
        db.flush()
        return user.id, issue_token(db, user, "api")


def signin_token(app, name: str) -> str:
    from sqlalchemy import select
    with session_scope(factory(app)) as db:
        user = db.scalar(select(User).where(User.name == name))
        return issue_token(db, user, "signin")


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def upload(client, token: str, filename: str, data: bytes | str, assignment: str = ASSIGNMENT):
    if isinstance(data, str):
        data = data.encode()
    return client.post("/api/submissions", headers=bearer(token),
                       data={"assignment": assignment, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def drain(app, limit: int = 50) -> int:
    """Grade every queued job in this process (the grading processes' loop, run here); bounded."""
    config = app.extensions["nngrade"]["config"]
    done = 0
    while done < limit and grade_next(config, factory(app), "test-worker"):
        done += 1
    return done


def csrf_token(client, path: str = "/") -> str:
    page = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


class Serve:
    """`nngrade serve` as a real process on 127.0.0.1 (the way a course runs it)."""

    def __init__(self, data: Path, port: int, log: Path, *extra: str):
        self.data, self.port, self.log, self.extra = data, port, log, extra
        self.url = f"http://127.0.0.1:{port}"
        self.process = None

    def start(self, timeout: float = 90.0) -> "Serve":
        import os
        import subprocess
        import sys
        import time

        import requests
        root = Path(__file__).resolve().parent.parent
        env = {**os.environ, "PYTHONPATH": str(root)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "autograder", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--data", str(self.data), *self.extra], cwd=root, env=env, stdin=subprocess.DEVNULL,
            stdout=open(self.log, "a"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError("the server did not answer /healthz in time:\n" + self.log.read_text()[-3000:])

    def printed(self, prefix: str) -> str:
        line = next(line for line in self.log.read_text().splitlines() if line.startswith(prefix))
        return line[len(prefix):].strip()

    def kill9(self) -> None:
        import signal
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except Exception:  # noqa: BLE001 - then it is killed
                self.process.kill()
                self.process.wait(timeout=10)


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
