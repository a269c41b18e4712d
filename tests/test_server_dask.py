"""`nngrade serve --scheduler`: jobs claimed from the table, graded on a Dask cluster, finished once."""
from __future__ import annotations

import time

import pytest

from autograder.server.grader import DaskGrader
from server_support import add_user, bearer, buggy_source, correct_source, make_app, upload

distributed = pytest.importorskip("dask.distributed")


@pytest.mark.integration
def test_dask_grader_grades_the_queue(tmp_path):
    app = make_app(tmp_path)
    client = app.test_client()
    _, token = add_user(app, "ann")
    ids = [upload(client, token, "activations.py", source).get_json()["id"]
           for source in (correct_source(), buggy_source(), "def relu(x:\n")]
    with distributed.LocalCluster(n_workers=1, processes=True, threads_per_worker=1, dashboard_address=None,
                                  host="127.0.0.1", memory_limit="1GiB") as cluster:
        grader = DaskGrader(app.extensions["nngrade"]["config"], cluster.scheduler_address).start()
        try:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                answers = [client.get(f"/api/submissions/{i}", headers=bearer(token)).get_json() for i in ids]
                if all(a["status"] == "graded" for a in answers):
                    break
                time.sleep(0.5)
        finally:
            grader.stop()
    assert [a["status"] for a in answers] == ["graded"] * 3
    assert answers[0]["score"] == 100 and 0 < answers[1]["score"] < 100
    assert answers[2]["result"]["status"] == "ungradable" and "syntax error on line 1" in answers[2]["result"]["message"]
