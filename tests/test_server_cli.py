"""`nngrade serve`'s set-up from the command line: first TA, roster links, settings, LMS registration."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from autograder.server.command import _setup, add_arguments
from autograder.server.config import ServerConfig
from autograder.server.db import make_engine, session_scope, sessions, upgrade
from autograder.server.models import AssignmentSetting, LtiPlatform, User

ROOT = Path(__file__).resolve().parents[1]


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


def test_setup_prints_the_ta_once_and_applies_roster_settings_and_platform(tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("student,name\nann,Ann A\nbob,Bob B\n")
    platform = tmp_path / "lms.json"
    platform.write_text(json.dumps({"issuer": "https://lms.example", "client_id": "42",
                                    "auth_login_url": "https://lms.example/auth",
                                    "auth_token_url": "https://lms.example/token",
                                    "key_set_url": "https://lms.example/jwks", "deployment_ids": ["d1"]}))
    config = ServerConfig(tmp_path / "data").prepare()
    engine = make_engine(config.database_url)
    upgrade(engine)
    factory = sessions(engine)
    args = parse("--roster", str(roster), "--lti-platform", str(platform), "--settings",
                 '{"activations": {"late_policy": "refuse", "due_at": "2027-03-01T23:59", "max_per_hour": 5}}')
    _setup(args, config, factory, "http://127.0.0.1:8000")
    out = capsys.readouterr().out
    assert "First TA account: name 'ta'" in out and out.count("sign-in link for") == 2
    assert "settings of activations: open True, due 2027-03-01 23:59:00, late refuse" in out
    _setup(parse(), config, factory, "http://127.0.0.1:8000")
    assert "First TA" not in capsys.readouterr().out                # only on the first start
    with session_scope(factory) as db:
        assert sorted(u.name for u in db.scalars(select(User))) == ["ann", "bob", "ta"]
        setting = db.get(AssignmentSetting, "activations")
        assert (setting.late_policy, setting.max_per_hour) == ("refuse", 5)
        assert db.scalar(select(LtiPlatform)).client_id == "42"


def test_bad_settings_are_a_usage_error(tmp_path):
    done = subprocess.run([sys.executable, "-m", "autograder", "serve", "--port", "0", "--data",
                           str(tmp_path / "data"), "--settings", '{"activations": {"late_policy": "never"}}'],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2 and "late policy must be one of accept, penalty, refuse" in done.stderr


def test_migrations_build_exactly_the_models_schema(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from autograder.server.models import Base
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    upgrade(engine)                                      # a second start changes nothing
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
