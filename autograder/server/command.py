"""`nngrade serve [--host H] [--port P] [--data DIR] [--database-url URL] [-j N] [--scheduler ADDRESS]`.

One command: migrates the database, re-queues what a crash left running,
prints the first TA account, starts the grading processes and the grade
passback, and serves HTTP. For production, `gunicorn` serves the same app
(`autograder.server.wsgi:app`) and `nngrade serve --grade-only` grades.
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    parser.add_argument("--data", default="nngrade-data", help="folder for the database, uploads and "
                        "keys (default ./nngrade-data)")
    parser.add_argument("--database-url", default="", help="SQLAlchemy URL, e.g. "
                        "postgresql+psycopg://user:pw@host/nngrade (default: SQLite in --data)")
    parser.add_argument("-j", "--jobs", type=int, default=1, metavar="N", help="grading processes (default 1)")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="grade on a Dask cluster instead")
    parser.add_argument("--budget", type=float, default=120.0, help="wall seconds to grade one submission")
    parser.add_argument("--grade-only", action="store_true", help="grade and pass back, serve no HTTP "
                        "(beside gunicorn)")
    parser.add_argument("--behind-proxy", action="store_true", help="trust X-Forwarded-Proto/Host "
                        "(behind nginx or a load balancer that terminates HTTPS)")
    parser.add_argument("--roster", metavar="CSV", help="import students and print their sign-in links")
    parser.add_argument("--lti-platform", metavar="JSON", help="register an LMS: a JSON file with issuer, "
                        "client_id, auth_login_url, auth_token_url, key_set_url, deployment_ids")
    parser.add_argument("--settings", metavar="JSON", help='assignment settings, e.g. {"<assignment id>": '
                        '{"due_at": "2027-03-01T23:59", "late_policy": "penalty", "penalty_percent": 10, '
                        '"max_per_hour": 20, "seed": 0, "enabled": true}} (a file, or the JSON itself)')
    parser.add_argument("--passback-backoff", type=float, default=2.0, help=argparse.SUPPRESS)


def _setup(args, config, factory, base: str) -> None:
    """First TA, roster, platform: everything printed goes to stdout, once."""
    from autograder.server.accounts import ensure_first_ta, import_roster, issue_token
    from autograder.server.course import apply_settings
    from autograder.server.db import session_scope
    from autograder.server.views.ta import register_platform
    with session_scope(factory) as db:
        first = ensure_first_ta(db)
        if first is not None:
            user, password = first
            print(f"First TA account: name {user.name!r}, password {password!r}")
            print(f"TA sign-in link: {base}/signin/{issue_token(db, user, 'signin')}")
            print(f"TA API token: {issue_token(db, user, 'api')}")
        if args.roster:
            for student, token in import_roster(db, Path(args.roster).read_text(encoding="utf-8-sig")):
                print(f"sign-in link for {student.name}: {base}/signin/{token}")
        if args.settings:
            text = args.settings if args.settings.lstrip().startswith("{") else Path(args.settings).read_text()
            for assignment_id, values in json.loads(text).items():
                setting = apply_settings(db, assignment_id, values)
                print(f"settings of {assignment_id}: open {setting.enabled}, due {setting.due_at or '-'}, "
                      f"late {setting.late_policy} ({100 * setting.penalty_per_day:g}%/day), "
                      f"{setting.max_per_hour}/hour, seed {setting.seed}")
        if args.lti_platform:
            spec = json.loads(Path(args.lti_platform).read_text())
            platform = register_platform(db, issuer=spec["issuer"], client_id=str(spec["client_id"]),
                                         auth_login_url=spec["auth_login_url"],
                                         auth_token_url=spec["auth_token_url"],
                                         key_set_url=spec["key_set_url"],
                                         deployment_ids=[str(d) for d in spec.get("deployment_ids", [])],
                                         auth_audience=spec.get("auth_audience"))
            print(f"LTI platform registered: {platform.issuer} (client {platform.client_id})")


def run(args: argparse.Namespace) -> int:
    from autograder.cli import UsageError
    from autograder.server.config import ServerConfig
    from autograder.server.db import make_engine, sessions, upgrade
    from autograder.server.grader import DaskGrader, Grader
    from autograder.server.jobs import requeue_running
    from autograder.server.passback import Passback

    if args.jobs < 1:
        raise UsageError("-j must be at least 1")
    config = ServerConfig(Path(args.data), args.database_url, workers=args.jobs, scheduler=args.scheduler,
                          budget_seconds=args.budget, behind_proxy=args.behind_proxy,
                          passback_backoff=args.passback_backoff).prepare()
    engine = make_engine(config.database_url)
    upgrade(engine)
    factory = sessions(engine)
    requeued = requeue_running(factory)
    if requeued:
        print(f"re-queued {requeued} submission(s) that were being graded when the server stopped")
    server = None
    if not args.grade_only:
        from werkzeug.serving import make_server

        from autograder.server.app import create_app
        server = make_server(args.host, args.port, create_app(config, engine), threaded=True)
    base = f"http://{args.host}:{server.server_port if server else args.port}"
    try:
        _setup(args, config, factory, base)
    except (ValueError, KeyError, OSError) as exc:    # a bad --settings, --roster or --lti-platform
        if server is not None:
            server.server_close()
        raise UsageError(str(exc).strip('"')) from None
    grader = (DaskGrader(config, args.scheduler) if args.scheduler else Grader(config)).start()
    passback = Passback(config, factory).start()
    stop = threading.Event()

    def _stop(*_):
        stop.set()
        if server is not None:
            threading.Thread(target=server.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    where = f"listening on {base}" if server else "grading only"
    print(f"nngrade serve: {where}; data in {config.data}; {config.workers} grading process(es)"
          + (f" on {args.scheduler}" if args.scheduler else ""), flush=True)
    sys.stdout.flush()
    try:
        if server is not None:
            server.serve_forever()
        else:
            while not stop.wait(1.0):
                pass
    finally:
        passback.stop()
        grader.stop()
    return 0
