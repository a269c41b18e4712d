"""`nngrade new ID`: a fourth assignment is only files, and every command handles it at once.

Works in a copy of the repository (in tmp_path): `nngrade new`, then list, grade,
release, batch, audit and check-suite on the new assignment, then the project's
data-driven tests, all as subprocesses with PYTHONPATH pointing at the copy.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.assignments import ROOT

NEW = "toy_layer"


def nngrade(repo: Path, *args, timeout: float = 240) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(repo), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("repo") / "nngrade"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
        ".git", "__pycache__", "*.egg-info", ".pytest_cache", "audit-*", "benchmarks", "build", "dist"))
    run = nngrade(copy, "new", NEW, "--title", "A toy layer")
    assert run.returncode == 0, run.stderr
    return copy


def test_new_writes_the_skeleton_and_refuses_to_overwrite(repo):
    for rel in [f"assignments/{NEW}/assignment.toml", f"assignments/{NEW}/{NEW}.py",
                f"assignments/{NEW}/test_{NEW}.py", f"assignments/{NEW}/README.md",
                f"solutions/{NEW}/{NEW}.py", f"autograder/suites/{NEW}/test_{NEW}.py",
                f"autograder/examples/{NEW}/bugs.toml"]:
        assert (repo / rel).is_file(), rel
    solution = (repo / f"solutions/{NEW}/{NEW}.py").read_text()
    assert "### BEGIN SOLUTION" in solution and "### END SOLUTION" in solution
    assert "NotImplementedError" in (repo / f"assignments/{NEW}/{NEW}.py").read_text()
    again = nngrade(repo, "new", NEW)
    assert again.returncode == 2 and "already exists" in again.stderr
    bad = nngrade(repo, "new", "Bad-Id")
    assert bad.returncode == 2 and "not a valid id" in bad.stderr


def test_list_and_grade_see_it(repo, tmp_path):
    listed = nngrade(repo, "list")
    assert listed.returncode == 0 and f"{NEW} — A toy layer: 2 tests, 3 points" in listed.stdout
    right = json.loads(nngrade(repo, "grade", NEW, repo / f"solutions/{NEW}/{NEW}.py", "--json", "-").stdout)
    assert right["status"] == "graded" and right["score"] == right["max_score"] == 3
    wrong = tmp_path / f"{NEW}.py"
    wrong.write_text((repo / f"solutions/{NEW}/{NEW}.py").read_text().replace("w * x + b", "w * x - b"))
    graded = json.loads(nngrade(repo, "grade", NEW, wrong, "--json", "-").stdout)
    assert graded["score"] == 0 and {t["function"] for t in graded["tests"]} == {"affine"}


def test_release_and_batch_handle_it(repo, tmp_path):
    handout = tmp_path / "handout"
    assert nngrade(repo, "release", NEW, "-o", handout).returncode == 0
    assert {f"{NEW}.py", f"test_{NEW}.py", "assignment.toml", "README.md"} <= {p.name for p in handout.iterdir()}
    assert "out = w * x + b" not in (handout / f"{NEW}.py").read_text()
    assert not (handout / "solutions").exists()
    klass = tmp_path / "class"
    klass.mkdir()
    shutil.copy(repo / f"solutions/{NEW}/{NEW}.py", klass / "alice.py")
    (klass / "bob.py").write_text((handout / f"{NEW}.py").read_text())     # the untouched scaffold
    run = nngrade(repo, "batch", NEW, klass, "-o", tmp_path / "out", "-j", "1")
    assert run.returncode == 0, run.stderr
    scores = {s: json.loads((tmp_path / "out" / f"{s}.json").read_text())["score"] for s in ("alice", "bob")}
    assert scores == {"alice": 3, "bob": 0}


def test_audit_and_check_suite_handle_it(repo, tmp_path):
    run = nngrade(repo, "audit", NEW, "-o", tmp_path / "audit", "--seeds", "2", "-j", "1", "--json", "-")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["assignment"] == NEW and report["mutants"] >= 5
    assert set(report["functions"]) == {"affine"} and report["kill_rate"] == 1.0
    assert (tmp_path / "audit" / "audit.html").is_file()
    checked = nngrade(repo, "check-suite", NEW, "--seeds", "2", "--json", "-")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert json.loads(checked.stdout)["ok"] is True


# The project's tests that read the list of assignments: in these modules every test (none names a
# bundled assignment), in the others those parametrized by the new id (`-k` matches module and test
# names, so no other word: "ids" would also pick relu_approx's bug `sigmoids_upcast_float32`).
DATA_DRIVEN = ["tests/test_scaffold_sync.py", "tests/test_assignment_ids.py", "tests/test_grading_examples.py",
               "tests/test_leaks_examples.py", "tests/test_backends_agree.py", "tests/test_release_handout.py"]


def test_the_projects_data_driven_tests_pick_it_up(repo):
    env = {**os.environ, "PYTHONPATH": str(repo)}
    run = subprocess.run([sys.executable, "-m", "pytest", "-v", "-x", "-p", "no:cacheprovider", *DATA_DRIVEN,
                          "-k", f"{NEW} or scaffold_sync or assignment_ids"],
                         cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:]
    assert " passed" in run.stdout and "skipped" not in run.stdout
    passed = [line.split(" PASSED")[0] for line in run.stdout.splitlines() if " PASSED" in line]
    assert {test.split("::")[0] for test in passed} == set(DATA_DRIVEN)
    assert {test.split("::")[0] for test in passed if f"[{NEW}" in test} == set(DATA_DRIVEN[2:])  # run for it


def test_audit_finds_survivors_of_a_weak_suite_and_flags_equivalent_ones(repo, tmp_path):
    """A suite that checks only shapes lets real bugs survive; no-op edits are flagged equivalent."""
    weak = "toy_weak"
    assert nngrade(repo, "new", weak).returncode == 0
    solution = repo / f"solutions/{weak}/{weak}.py"
    solution.write_text(solution.read_text().replace("    out = w * x + b\n",
                                                     "    out = w * x + b\n    out = out + 0.0\n"))
    for tests in (repo / f"assignments/{weak}/test_{weak}.py", repo / f"autograder/suites/{weak}/test_{weak}.py"):
        text = tests.read_text()
        start = text.index("    checks.assert_close(")
        tests.write_text(text[:start] + "    assert np.shape(student.affine(np.ones(3))) == (3,)\n")
    (repo / f"autograder/suites/{weak}/audit_accepted.toml").write_text(
        '[[accepted]]\nfunction = "affine"\nline = "out = out + 0.0"\nchange = "`0.0` -> `1.0`"\n'
        'reason = "a reviewer says so"\n')
    run = nngrade(repo, "audit", weak, "-o", tmp_path / "audit", "--seeds", "2", "-j", "1", "--json", "-")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    survivors = {(s["change"], s["line"]): s for s in report["survivors"]}
    plus = next(s for (change, _), s in survivors.items() if change == "`*` -> `/`")
    assert not plus["equivalent"] and plus["seeds"] == [0, 1] and "-    out = w * x + b" in plus["diff"]
    assert survivors[("`+` -> `-`", 21)]["equivalent"]          # out - 0.0: the same outputs
    assert survivors[("`out + 0.0` -> `(out)`", 21)]["equivalent"]
    assert survivors[("`0.0` -> `1.0`", 21)]["accepted"] == "a reviewer says so"
    assert report["kill_rate"] < 0.5 and report["accepted"] == 1
    assert "SURVIVES" in (tmp_path / "audit" / "audit.html").read_text()


def test_check_suite_finds_a_dependent_test_a_stray_function_and_wrong_points(repo):
    bad = "toy_bad"
    assert nngrade(repo, "new", bad).returncode == 0
    manifest = repo / f"assignments/{bad}/assignment.toml"
    manifest.write_text(manifest.read_text().replace("points = 3", "points = 4"))
    (repo / f"autograder/suites/{bad}/test_order.py").write_text(
        "import pytest\n\nSEEN = []\n\n\n"
        "@pytest.mark.grade(points=1, function='affine')\ndef test_first(student):\n    SEEN.append(1)\n\n\n"
        "@pytest.mark.grade(points=1, function='affine')\ndef test_second(student):\n"
        "    assert SEEN, 'runs only after test_first'\n\n\n"
        "@pytest.mark.grade(points=1, function='softmax')\ndef test_stray(student):\n    pass\n")
    run = nngrade(repo, "check-suite", bad, "--seeds", "1", "--json", "-")
    assert run.returncode == 1
    checks = {c["name"]: c for c in json.loads(run.stdout)["checks"]}
    failed = {name for name, c in checks.items() if not c["ok"]}
    assert failed == {"every test names a function of the student file",
                      "points add up to the manifest's (4)",
                      "every function graded by the hidden suite has a public test",
                      "no test depends on another (same score alone, in order, reversed)"}
    dependent = " ".join(checks["no test depends on another (same score alone, in order, reversed)"]["details"])
    assert "test_second" in dependent and "test_first" not in dependent
    assert "the tests give 6 points" in checks["points add up to the manifest's (4)"]["details"][0]


def test_worker_packages_in_the_manifest_are_what_student_code_may_import(repo, tmp_path):
    """The allow-list sandbox lets a worker import numpy only, plus the manifest's `worker_packages`."""
    pkg = "toy_pkg"
    assert nngrade(repo, "new", pkg).returncode == 0
    submission = tmp_path / f"{pkg}.py"
    submission.write_text("import rich\n" + (repo / f"solutions/{pkg}/{pkg}.py").read_text())
    refused = json.loads(nngrade(repo, "grade", pkg, submission, "--json", "-").stdout)
    if not refused["isolation"].get("confined"):
        pytest.skip("the kernel grants no confinement here, so every package is readable")
    assert refused["status"] == "ungradable" and "No module named 'rich'" in refused["message"]
    manifest = repo / f"assignments/{pkg}/assignment.toml"
    manifest.write_text(manifest.read_text().replace("worker_packages = []", 'worker_packages = ["rich"]'))
    allowed = json.loads(nngrade(repo, "grade", pkg, submission, "--json", "-").stdout)
    assert allowed["status"] == "graded" and allowed["score"] == allowed["max_score"] == 3
