"""The grading processes of `nngrade serve`: a process that dies is replaced, its job re-queued."""
from __future__ import annotations

import os
import signal
import time

from autograder.server.grader import Grader
from server_support import add_user, bearer, correct_source, make_app, upload


def wait_graded(client, token, sub_id, timeout=120.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = client.get(f"/api/submissions/{sub_id}", headers=bearer(token)).get_json()
        if answer["status"] == "graded":
            return answer
        time.sleep(0.2)
    raise AssertionError(f"submission {sub_id} was not graded in {timeout} s")


def test_a_killed_grading_process_is_replaced_and_nothing_is_lost(tmp_path):
    app = make_app(tmp_path, workers=1)
    client = app.test_client()
    _, token = add_user(app, "ann")
    grader = Grader(app.extensions["nngrade"]["config"]).start()
    try:
        first = upload(client, token, "activations.py", correct_source()).get_json()["id"]
        assert wait_graded(client, token, first)["score"] == 100
        (victim,) = grader.processes.values()
        os.kill(victim.pid, signal.SIGKILL)
        second = upload(client, token, "activations.py", correct_source()).get_json()["id"]
        assert wait_graded(client, token, second)["score"] == 100
        assert grader.restarts == 1 and victim.pid not in [p.pid for p in grader.processes.values()]
    finally:
        grader.stop()
    assert all(not p.is_alive() for p in grader.processes.values())
