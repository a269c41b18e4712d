"""`nngrade batch --scheduler`: the same grading on a Dask cluster gives the same results as locally."""
from __future__ import annotations

import json
import shutil

import pytest

from autograder.batch import run_batch
from autograder.examples import materialize

ASSIGNMENT = "backprop"
distributed = pytest.importorskip("dask.distributed")


def results(out) -> dict[str, dict]:
    return {p.stem: {k: v for k, v in json.loads(p.read_text()).items() if k != "execution_time"}
            for p in out.glob("*.json")}


@pytest.mark.integration
def test_dask_local_cluster_matches_the_local_pool(tmp_path):
    examples = materialize(ASSIGNMENT, tmp_path / "examples")
    root = tmp_path / "class"
    root.mkdir()
    for student, example in {"ann": "correct", "ben": "buggy_db_averaged", "cat": "hostile_exit_at_import",
                             "dov": "buggy_softmax_unstable"}.items():
        shutil.copy(examples[example], root / f"{student}.py")
    (root / "eve.zip").write_bytes(b"not a zip")

    local = run_batch(ASSIGNMENT, root, tmp_path / "local", workers=2, seed=5)
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None,
                                  memory_limit="1GiB") as cluster:
        remote = run_batch(ASSIGNMENT, root, tmp_path / "dask", seed=5, scheduler=cluster.scheduler_address)
    assert remote.graded == local.graded == 5
    assert results(tmp_path / "dask") == results(tmp_path / "local")
    assert {r["student"]: r["status"] for r in remote.results} == {
        "ann": "graded", "ben": "graded", "cat": "ungradable", "dov": "graded", "eve": "ungradable"}
    assert (tmp_path / "dask" / "grades.csv").read_text() == (tmp_path / "local" / "grades.csv").read_text()
