"""The database: an engine per process, sessions, and Alembic migrations to the newest schema.

    engine = make_engine("sqlite:////data/nngrade.db")
    upgrade(engine)                  # runs migrations/versions/* (alembic upgrade head)
    with session_scope(Session) as s: ...

SQLite gets WAL and a busy timeout, so the web process and the grading
processes can write at once; PostgreSQL needs nothing special.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False},
                               pool_size=10, max_overflow=100, pool_timeout=60)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):   # noqa: ANN001 - DB-API objects
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=60000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=FULL")   # a commit survives kill -9 and power loss
            cursor.close()
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=40, pool_timeout=60)


def sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]):
    """A session that commits on success and rolls back on an exception."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(engine: Engine):
    from alembic.config import Config
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (a new database is created from nothing)."""
    from alembic import command
    command.upgrade(alembic_config(engine), "head")
