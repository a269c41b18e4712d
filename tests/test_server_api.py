"""`nngrade serve` through Flask's test client: the JSON API, the pages, and bad input.

Grading runs in this process through `grade_next`, the loop body of the
grading processes (the same sandboxed engine as `nngrade batch`).
"""
from __future__ import annotations

import io
import json
import stat
import zipfile

import pytest
from budgets import POLL
from sqlalchemy import select

from autograder.server.db import session_scope
from autograder.server.jobs import claim
from autograder.server.models import AssignmentSetting, Audit, Submission
from server_support import (ASSIGNMENT, add_user, bearer, buggy_source, correct_source, csrf_token,
                            drain, factory, make_app, signin_token, upload, zipped)


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


def test_healthz_and_keys(app, client, tmp_path):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    private = tmp_path / "data" / "lti" / "private.pem"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "data" / "secret_key").stat().st_mode) == 0o600
    keys = client.get("/lti/jwks").get_json()["keys"]
    assert keys[0]["kty"] == "RSA" and "d" not in keys[0]      # the public half only


def test_correct_earns_full_marks_and_a_bug_loses_them(app, client):
    _, token = add_user(app, "alice")
    good = upload(client, token, "activations.py", correct_source())
    assert good.status_code == 201 and good.get_json()["status"] == "queued"
    bad = upload(client, token, "mine.py", buggy_source())
    sub_id = good.get_json()["id"]
    claimed = claim(factory(app), "test-worker")           # a grading process takes the first job
    assert claimed[1] == sub_id
    assert client.get(f"/api/submissions/{sub_id}", headers=bearer(token)).get_json()["status"] == "grading"
    from autograder.batch.jobs import grade_job
    from autograder.server.grader import job_for
    from autograder.server.jobs import finish
    with session_scope(factory(app)) as db:
        job = job_for(app.extensions["nngrade"]["config"], db, sub_id)
    result = grade_job(job)
    assert finish(factory(app), claimed[0], "test-worker", result)
    assert not finish(factory(app), claimed[0], "test-worker", grade_job(job))   # never twice
    assert drain(app) == 1
    first = client.get(f"/api/submissions/{sub_id}", headers=bearer(token)).get_json()
    second = client.get(f"/api/submissions/{bad.get_json()['id']}", headers=bearer(token)).get_json()
    assert first["status"] == second["status"] == "graded"
    assert first["score"] == first["max_score"] == 100, [   # what lost points, if anything did
        (t["name"], t["status"], t["output"][:300]) for t in result["tests"] if t["status"] != "passed"]
    assert second["score"] < second["max_score"]
    lost = {t["function"] for t in second["result"]["tests"] if t["score"] < t["max_score"]}
    assert lost == {"relu_grad"}
    page = client.get(first["feedback_url"].replace("http://localhost", ""), headers=bearer(token))
    assert page.status_code == 200 and "Every test passed" in page.get_data(as_text=True)


def test_zip_and_notebook_grade_like_the_file(app, client):
    import nbformat
    _, token = add_user(app, "bob")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# mine"),
                                         nbformat.v4.new_code_cell(buggy_source())])
    ids = [upload(client, token, "work.zip", zipped("hw/activations.py", buggy_source())).get_json()["id"],
           upload(client, token, "activations.ipynb", nbformat.writes(nb)).get_json()["id"]]
    assert drain(app) == 2
    scores = [client.get(f"/api/submissions/{i}", headers=bearer(token)).get_json()["score"] for i in ids]
    assert scores[0] == scores[1] < 100


def test_students_see_only_their_own(app, client):
    _, alice = add_user(app, "alice")
    _, mallory = add_user(app, "mallory")
    _, ta = add_user(app, "tina", role="ta")
    sub_id = upload(client, alice, "activations.py", correct_source()).get_json()["id"]
    assert client.get(f"/api/submissions/{sub_id}", headers=bearer(mallory)).status_code == 403
    assert client.get(f"/submissions/{sub_id}/feedback", headers=bearer(mallory)).status_code == 403
    assert client.get(f"/submissions/{sub_id}", headers=bearer(mallory)).status_code == 403
    assert client.get("/api/submissions", headers=bearer(mallory)).get_json()["submissions"] == []
    assert client.get(f"/api/submissions/{sub_id}", headers=bearer(ta)).status_code == 200
    assert client.get(f"/api/submissions/{sub_id}").status_code == 401
    assert client.get("/api/submissions/999", headers=bearer(alice)).status_code == 404
    assert client.get("/ta/", headers=bearer(alice)).status_code == 403
    assert client.get(f"/ta/report/{ASSIGNMENT}", headers=bearer(alice)).status_code == 403
    assert client.get("/ta/").status_code == 401
    assert client.get("/ta/", headers=bearer(ta)).status_code == 200
    assert client.get("/api/submissions", headers=bearer("not-a-token")).status_code == 401


def test_forms_need_a_csrf_token(app, client):
    add_user(app, "carol")
    assert client.get(f"/signin/{signin_token(app, 'carol')}").status_code == 302
    data = {"assignment": ASSIGNMENT, "file": (io.BytesIO(correct_source().encode()), "activations.py")}
    refused = client.post("/submit", data=data, content_type="multipart/form-data")
    assert refused.status_code == 400 and "expired" in refused.get_data(as_text=True)
    token = csrf_token(client)
    data = {"assignment": ASSIGNMENT, "csrf_token": token,
            "file": (io.BytesIO(correct_source().encode()), "activations.py")}
    accepted = client.post("/submit", data=data, content_type="multipart/form-data")
    assert accepted.status_code == 303 and "/submissions/1" in accepted.headers["Location"]
    page = client.get("/submissions/1").get_data(as_text=True)
    assert "queued" in page and 'http-equiv="refresh"' in page        # the page watches itself
    drain(app)
    page = client.get("/submissions/1").get_data(as_text=True)
    assert "100 / 100" in page and 'http-equiv="refresh"' not in page


def test_session_cookie_is_iframe_ready_over_https_only(app, client):
    add_user(app, "dora")
    token = signin_token(app, "dora")
    plain = client.get(f"/signin/{token}").headers.get("Set-Cookie")
    assert "SameSite=Lax" in plain and "Secure" not in plain
    secure = app.test_client().get(f"/signin/{token}", base_url="https://lms-tool.example")
    cookie = secure.headers.get("Set-Cookie")
    assert "SameSite=None" in cookie and "Secure" in cookie and "HttpOnly" in cookie


def test_behind_a_tls_proxy_the_cookie_is_iframe_ready(tmp_path):
    app = make_app(tmp_path, behind_proxy=True)
    add_user(app, "dora")
    link = f"/signin/{signin_token(app, 'dora')}"
    cookie = app.test_client().get(link, headers={"X-Forwarded-Proto": "https"}).headers["Set-Cookie"]
    assert "SameSite=None" in cookie and "Secure" in cookie


def test_bad_uploads_get_clear_messages_and_nothing_is_kept(app, client, tmp_path):
    _, token = add_user(app, "eve")
    cases = {
        "empty": (upload(client, token, "activations.py", b""), 400, "empty"),
        "suffix": (upload(client, token, "activations.txt", "x = 1"), 415, "not a file nngrade can grade"),
        "bomb": (upload(client, token, "bomb.zip", zipped("activations.py", "#" * 4_000_000)), 400, "zip bomb"),
        "damaged": (upload(client, token, "broken.zip", b"PK\x03\x04 not really"), 400, "not a valid zip"),
        "binary": (upload(client, token, "activations.py", b"\xff\xfe\x00bad"), 400, "UTF-8"),
        "assignment": (upload(client, token, "activations.py", "x=1", assignment="nope"), 404, "unknown"),
        "too big": (upload(client, token, "activations.py", b"#" * 5_100_000), 413, "too large"),
    }
    for name, (response, status, text) in cases.items():
        assert response.status_code == status, name
        assert text in response.get_json()["error"], (name, response.get_json())
    as_json = client.post("/api/submissions", headers=bearer(token), json={"file": "print(1)"})
    assert as_json.status_code == 415 and "multipart/form-data" in as_json.get_json()["error"]
    with session_scope(factory(app)) as db:
        assert db.scalar(select(Submission.id).limit(1)) is None
    assert not any((tmp_path / "data" / "submissions").iterdir())
    assert not any((tmp_path / "data" / "tmp").iterdir())


def test_paths_and_html_in_file_names_stay_harmless(app, client, tmp_path):
    _, token = add_user(app, "frank")
    sneaky = upload(client, token, "../../../outside.py", correct_source())
    html_name = '<img src=x onerror=alert(1)>.py'
    tagged = upload(client, token, html_name, correct_source())
    assert sneaky.status_code == tagged.status_code == 201
    assert sneaky.get_json()["filename"] == "outside.py"
    assert sorted(p.parent.name + "/" + p.name for p in (tmp_path / "data" / "submissions").rglob("*.py")) \
        == ["1/outside.py", "2/img_srcx_onerroralert1.py"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]      # nothing written beside DATA
    client.get(f"/signin/{signin_token(app, 'frank')}")
    home = client.get("/").get_data(as_text=True)
    assert "<img src=x" not in home and "&lt;img src=x onerror=alert(1)&gt;.py" in home


def test_printed_html_is_escaped_in_feedback(app, client):
    _, token = add_user(app, "gina")
    source = "print('<script>alert(\"owned\")</script>')\n" + correct_source()
    sub_id = upload(client, token, "activations.py", source).get_json()["id"]
    drain(app)
    page = client.get(f"/submissions/{sub_id}/feedback", headers=bearer(token))
    text = page.get_data(as_text=True)
    assert "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;" in text
    assert "<script>alert" not in text
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]


def test_hourly_limit_due_date_and_late_penalty(app, client):
    from datetime import timedelta

    from autograder.server.models import utcnow
    _, token = add_user(app, "hank")
    with session_scope(factory(app)) as db:
        db.add(AssignmentSetting(assignment=ASSIGNMENT, max_per_hour=2, late_policy="penalty",
                                 penalty_per_day=0.1, due_at=utcnow() - timedelta(hours=1)))
    first = upload(client, token, "activations.py", correct_source())
    assert upload(client, token, "activations.py", correct_source()).status_code == 201
    third = upload(client, token, "activations.py", correct_source())
    assert third.status_code == 429 and "limit your TA set" in third.get_json()["error"]
    drain(app)
    late = client.get(f"/api/submissions/{first.get_json()['id']}", headers=bearer(token)).get_json()
    assert late["penalty"] == pytest.approx(0.1) and late["score"] == pytest.approx(90.0)
    assert late["result"]["score"] == 100          # the grade itself is untouched
    with session_scope(factory(app)) as db:
        db.get(AssignmentSetting, ASSIGNMENT).late_policy = "refuse"
        db.get(AssignmentSetting, ASSIGNMENT).max_per_hour = 100
    refused = upload(client, token, "activations.py", correct_source())
    assert refused.status_code == 403 and "due date" in refused.get_json()["error"]


def test_audit_log_regrade_and_class_report(app, client):
    _, alice = add_user(app, "alice")
    _, ta = add_user(app, "tina", role="ta")
    upload(client, alice, "activations.py", buggy_source())
    drain(app)
    assert client.post(f"/api/regrade/{ASSIGNMENT}", headers=bearer(ta)).get_json() == {"queued": 0}
    with session_scope(factory(app)) as db:     # a new seed makes every grade stale (as --resume)
        db.add(AssignmentSetting(assignment=ASSIGNMENT, seed=7))
    assert client.post(f"/api/regrade/{ASSIGNMENT}", headers=bearer(ta)).get_json() == {"queued": 1}
    assert client.post(f"/api/regrade/{ASSIGNMENT}", headers=bearer(alice)).status_code == 403
    drain(app)
    result = client.get("/api/submissions/1", headers=bearer(alice)).get_json()
    assert result["result"]["seed"] == 7 and result["status"] == "graded"
    with session_scope(factory(app)) as db:
        log = [(a.action, a.user_id) for a in db.scalars(select(Audit).order_by(Audit.id))]
    assert ("submit", 1) in log and ("regrade", 2) in log
    report = client.get(f"/ta/report/{ASSIGNMENT}", headers=bearer(ta)).get_data(as_text=True)
    assert "class report" in report and "alice" in report and "relu_grad" in report
    grades = client.get(f"/ta/grades/{ASSIGNMENT}.csv", headers=bearer(ta)).get_data(as_text=True)
    assert grades.splitlines()[1].startswith("alice,graded,")
    moodle = client.get(f"/ta/export/moodle/{ASSIGNMENT}.csv", headers=bearer(ta)).get_data(as_text=True)
    assert moodle.splitlines()[1].startswith(f"alice,{result['result']['score']:g},")
    bundle = zipfile.ZipFile(io.BytesIO(client.get(f"/ta/results/{ASSIGNMENT}.zip", headers=bearer(ta)).data))
    stored = json.loads(bundle.read(f"{ASSIGNMENT}-results/alice.json"))
    assert stored["student"] == "alice" and stored["seed"] == 7


def test_roster_links_sign_students_in(app, client):
    _, ta = add_user(app, "tina", role="ta")
    client.get(f"/signin/{signin_token(app, 'tina')}")
    token = csrf_token(client, "/ta/")
    roster = "student,name,email\nzoe,Zoe Z,zoe@uni.example\n<b>x</b>,Bad Name,\n"
    page = client.post("/ta/roster", data={"csrf_token": token, "roster": (io.BytesIO(roster.encode()),
                                                                         "roster.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    links = [line.split("<code>")[1].split("</code>")[0] for line in page.split("<tr>") if "<code>" in line]
    assert len(links) == 2 and "<b>" not in page
    student = page.split("<tr><td>")[1].split("</td>")[0]
    assert student == "zoe"
    fresh = app.test_client()
    assert fresh.get(links[0].replace("http://localhost", "")).status_code == 302
    assert "Zoe Z" in fresh.get("/").get_data(as_text=True)
    assert app.test_client().get("/signin/forged-token").status_code == 403


def test_a_200_mb_upload_is_refused_before_it_is_read(app):
    """The server answers 413 from the headers alone; the 200 MB are never sent or stored."""
    import socket
    import threading

    from werkzeug.serving import make_server
    _, token = add_user(app, "ivan")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL}, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=30) as conn:
            conn.sendall((f"POST /api/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          f"Authorization: Bearer {token}\r\n"
                          f"Content-Type: multipart/form-data; boundary=xyz\r\n"
                          f"Content-Length: 200000000\r\nConnection: close\r\n\r\n"
                          f"--xyz\r\n").encode() + b"#" * 65536)
            answer = b""
            while len(answer) < 100_000 and not _complete(answer):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                answer += chunk
    finally:
        server.shutdown()
        thread.join(timeout=5)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert b"too large" in body
    with session_scope(factory(app)) as db:
        assert db.scalar(select(Submission.id).limit(1)) is None


def _complete(answer: bytes) -> bool:
    """A whole HTTP response: headers and as many body bytes as Content-Length says."""
    head, sep, body = answer.partition(b"\r\n\r\n")
    if not sep:
        return False
    lengths = [int(line.split(b":")[1]) for line in head.split(b"\r\n")
               if line.lower().startswith(b"content-length:")]
    return bool(lengths) and len(body) >= lengths[0]


def test_hostile_submissions_score_zero_and_the_server_goes_on(app, client, tmp_path):
    from autograder.examples import materialize
    _, token = add_user(app, "oscar")
    examples = materialize(ASSIGNMENT, tmp_path / "examples")
    names = ["hostile_kill_grader", "hostile_write_results", "hostile_fake_result"]
    ids = [upload(client, token, "activations.py", examples[n].read_text()).get_json()["id"] for n in names]
    good = upload(client, token, "activations.py", correct_source()).get_json()["id"]
    assert drain(app) == 4
    for sub_id in ids:
        answer = client.get(f"/api/submissions/{sub_id}", headers=bearer(token)).get_json()
        assert answer["status"] == "graded" and answer["score"] == 0, answer["filename"]
    assert client.get(f"/api/submissions/{good}", headers=bearer(token)).get_json()["score"] == 100
    assert client.get("/healthz").status_code == 200


def test_a_job_that_keeps_killing_its_grading_process_is_recorded_as_crashed(app, client):
    from autograder.server.jobs import MAX_ATTEMPTS, requeue_running
    _, token = add_user(app, "rex")
    sub_id = upload(client, token, "activations.py", correct_source()).get_json()["id"]
    for n in range(MAX_ATTEMPTS):            # each time its process died: re-queued by the watchdog
        assert claim(factory(app), f"process-{n}")[2] == n + 1
        assert requeue_running(factory(app), worker=f"process-{n}") == 1
    assert drain(app) == 1
    answer = client.get(f"/api/submissions/{sub_id}", headers=bearer(token)).get_json()
    assert answer["status"] == "graded" and answer["score"] == 0
    assert "crashed the grading process 3 times" in answer["result"]["message"]
