"""LTI 1.3 against a local platform (tests/lti_platform.py), over real HTTP on 127.0.0.1.

Deep linking by an Instructor, a Learner's launch, upload, grade and the score
received by the platform; forged, expired, replayed and wrong-audience
id_tokens refused; a platform that fails twice gets the score on the third try.
"""
from __future__ import annotations

import html
import re
import threading
import time

import pytest
from budgets import POLL
from sqlalchemy import select
from werkzeug.serving import make_server

from autograder.server.db import session_scope
from autograder.server.models import Outbox
from autograder.server.passback import send_due
from autograder.server.views.ta import register_platform
from lti_platform import Browser, Platform
from server_support import ASSIGNMENT, buggy_source, correct_source, drain, factory, make_app

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def lti(tmp_path):
    app = make_app(tmp_path, passback_backoff=0.05)
    app.config["TESTING"] = False
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL}, daemon=True)
    thread.start()
    tool = f"http://127.0.0.1:{server.server_port}"
    platform = Platform(tool).start()
    with session_scope(factory(app)) as db:
        register_platform(db, **platform.register())
    yield app, tool, platform
    platform.stop()
    server.shutdown()
    thread.join(timeout=5)


def deep_link(browser: Browser, platform: Platform, tool: str, assignment: str) -> str:
    """An Instructor adds the tool to the course and picks the assignment; returns the link id."""
    page = browser.launch(platform, tool, "prof", "Instructor")
    assert page.status_code == 200 and "Which assignment" in page.text
    launch_id = re.search(r'name="launch_id" value="([^"]+)"', page.text).group(1)
    answer = browser.http.post(f"{tool}/lti/deep_link", data={
        "csrf_token": CSRF.search(page.text).group(1), "launch_id": launch_id, "assignment": assignment})
    assert answer.status_code == 200
    action = re.search(r'action="([^"]+)"', answer.text).group(1)
    token = re.search(r'name="JWT" value="([^"]+)"', answer.text).group(1)
    assert action == f"{platform.url}/deep_link_return"
    created = browser.http.post(action, data={"JWT": token}).json()["created"]
    assert len(created) == 1
    return created[0]


def submit_page(browser: Browser, tool: str, source: str) -> int:
    home = browser.http.get(f"{tool}/")
    assert home.status_code == 200 and f'value="{ASSIGNMENT}"' in home.text
    sent = browser.http.post(f"{tool}/submit", allow_redirects=False, data={
        "csrf_token": CSRF.search(home.text).group(1), "assignment": ASSIGNMENT},
        files={"file": ("activations.py", source.encode())})
    assert sent.status_code == 303, sent.text[:300]
    return int(sent.headers["Location"].rstrip("/").split("/")[-1])


def pass_back(app, rounds: int = 60) -> None:
    config = app.extensions["nngrade"]["config"]
    for _ in range(rounds):
        send_due(config, factory(app))
        with session_scope(factory(app)) as db:
            if db.scalar(select(Outbox.id).where(Outbox.status.in_(("pending", "sending"))).limit(1)) is None:
                return
        time.sleep(0.05)


def test_round_trip_instructor_and_learners(lti):
    app, tool, platform = lti
    prof = Browser()
    link = deep_link(prof, platform, tool, ASSIGNMENT)
    assert platform.links[link]["custom"] == {"assignment": ASSIGNMENT}
    assert platform.lineitems["1"]["scoreMaximum"] == 100

    ann, ben = Browser(), Browser()
    for browser, user, source in ((ann, "ann", correct_source()), (ben, "ben", buggy_source())):
        landed = browser.launch(platform, tool, user, "Learner", link)
        assert landed.status_code == 302 and f"assignment={ASSIGNMENT}" in landed.headers["Location"]
        submit_page(browser, tool, source)
    assert drain(app) == 2
    pass_back(app)
    (ann_score,), (ben_score,) = platform.scores_for("ann"), platform.scores_for("ben")
    assert ann_score["scoreGiven"] == ann_score["scoreMaximum"] == 100
    assert ben_score["scoreGiven"] < 100 and "relu_grad" in ben_score["comment"]
    assert ann_score["activityProgress"] == "Completed" and ann_score["gradingProgress"] == "FullyGraded"
    assert ann_score["timestamp"].endswith("Z") and ann_score["lineitem"] == "1"
    assert ben.http.get(f"{tool}/ta/").status_code == 403            # a Learner is no TA

    report = prof.launch(platform, tool, "prof", "Instructor", link)
    assert report.status_code == 302 and report.headers["Location"].endswith(f"/ta/report/{ASSIGNMENT}")
    page = prof.http.get(f"{tool}/ta/report/{ASSIGNMENT}")
    assert page.status_code == 200 and "ann" in page.text and "ben" in page.text
    pass_back(app)
    assert platform.score_posts == 2                                 # each grade exactly once


@pytest.mark.parametrize("tamper, reason", [("forge", "Signature verification failed"),
                                            ("expire", "expired"),
                                            ("audience", "not found")])
def test_bad_id_tokens_are_refused(lti, tamper, reason):
    app, tool, platform = lti
    platform.add_link("rl-x", ASSIGNMENT)
    browser = Browser()
    platform.tamper = tamper
    refused = browser.launch(platform, tool, "ann", "Learner", "rl-x")
    assert refused.status_code == 401 and reason in html.unescape(refused.text)
    assert browser.http.get(f"{tool}/", allow_redirects=False).headers["Location"].endswith("/signin")
    assert browser.launch(platform, tool, "ann", "Learner", "rl-x").status_code == 302   # an honest one works


def test_a_replayed_id_token_is_refused(lti):
    app, tool, platform = lti
    platform.add_link("rl-x", ASSIGNMENT)
    browser, captured = Browser(), {}
    first = browser.launch(platform, tool, "ann", "Learner", "rl-x",
                           before_post=lambda action, fields: captured.update(action=action, fields=fields))
    assert first.status_code == 302
    again = browser.last_post(captured["action"], captured["fields"])
    assert again.status_code == 401 and "Invalid Nonce" in again.text
    stranger = Browser().last_post(captured["action"], captured["fields"])   # another browser, no state
    assert stranger.status_code == 401


def test_unknown_platform_and_missing_assignment(lti):
    app, tool, platform = lti
    params = platform.login_params("ann", "Learner", None)
    params["iss"] = "https://evil.example"
    assert Browser().http.post(f"{tool}/lti/login", data=params).status_code == 400
    platform.add_link("rl-none", None)
    answer = Browser().launch(platform, tool, "ann", "Learner", "rl-none")
    assert answer.status_code == 400 and "does not say which assignment" in answer.text
    learner_deep_link = Browser().launch(platform, tool, "ann", "Learner", None)
    assert learner_deep_link.status_code == 403


def test_score_passback_retries_with_back_off(lti):
    app, tool, platform = lti
    platform.add_link("rl-1", ASSIGNMENT)
    browser = Browser()
    browser.launch(platform, tool, "ann", "Learner", "rl-1")
    submit_page(browser, tool, correct_source())
    drain(app)
    platform.fail_scores = 2
    config = app.extensions["nngrade"]["config"]
    send_due(config, factory(app))
    with session_scope(factory(app)) as db:
        row = db.scalar(select(Outbox))
        assert (row.status, row.attempts) == ("pending", 1) and "503" in row.last_error
    assert send_due(config, factory(app)) == 0          # not due yet: it waits its back-off
    pass_back(app)
    with session_scope(factory(app)) as db:
        row = db.scalar(select(Outbox))
        assert (row.status, row.attempts) == ("sent", 3)
    assert platform.score_posts == 3 and len(platform.scores) == 1
    assert platform.scores[0]["scoreGiven"] == 100
