"""Load and crash: a real `nngrade serve -j 2` process, a local LTI platform, many students.

- 200 submissions posted through the upload page by 50 concurrent students (threads, bounded):
  every one is graded exactly once and its score reaches the platform exactly once.
- kill -9 of the server while it grades, restart: every submission ends graded, once, and
  passed back once.

The files are tiny and quick to grade (a mix of correct, buggy, not-started and syntax-error
files of the smallest assignment), so the tests measure the plumbing, not the suites.
"""
from __future__ import annotations

import json
import re
import sqlite3
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from autograder.assignments import get
from lti_platform import Browser, Platform
from server_support import ASSIGNMENT, Serve, buggy_source, correct_source, free_port

pytestmark = pytest.mark.integration
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
KINDS = {"correct": correct_source, "buggy": buggy_source, "syntax": lambda: "def relu(x:\n",
         "scaffold": lambda: get(ASSIGNMENT).scaffold.read_text()}


def expected(kind: str, score: float, status: str) -> bool:
    return {"correct": score == 100, "buggy": 0 < score < 100, "scaffold": score == 0 and status == "graded",
            "syntax": score == 0 and status == "ungradable"}[kind]


@pytest.fixture
def course(tmp_path):
    port = free_port()
    platform = Platform(f"http://127.0.0.1:{port}").start()
    platform.add_link("rl-1", ASSIGNMENT)
    spec = tmp_path / "platform.json"
    spec.write_text(json.dumps(platform.register()))
    serve = Serve(tmp_path / "data", port, tmp_path / "serve.log", "-j", "2", "--lti-platform", str(spec),
                  "--passback-backoff", "0.2")
    yield platform, serve
    serve.stop()
    platform.stop()


def student(platform: Platform, url: str, name: str, kinds: list[str]) -> list[tuple[int, str]]:
    """One student: LTI launch, then upload each file through the page; [(submission id, kind)]."""
    browser = Browser()
    landed = browser.launch(platform, url, name, "Learner", "rl-1")
    assert landed.status_code == 302, landed.text[-600:]
    sent = []
    for kind in kinds:
        home = browser.http.get(f"{url}/", timeout=60)
        answer = browser.http.post(f"{url}/submit", allow_redirects=False, timeout=60, data={
            "csrf_token": CSRF.search(home.text).group(1), "assignment": ASSIGNMENT},
            files={"file": ("activations.py", KINDS[kind]().encode())})
        assert answer.status_code == 303, answer.text[:300]
        sent.append((int(answer.headers["Location"].rstrip("/").split("/")[-1]), kind))
    return sent


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def rows(serve: Serve) -> dict[int, tuple]:
    with sqlite3.connect(serve.data / "nngrade.db", timeout=60) as db:
        return {r[0]: r[1:] for r in db.execute(
            "SELECT id, status, score, times_graded, result_json FROM submissions")}


def outbox(serve: Serve) -> Counter:
    with sqlite3.connect(serve.data / "nngrade.db", timeout=60) as db:
        return Counter(dict(db.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall()))


def check_all(serve: Serve, platform: Platform, sent: list[tuple[int, str]], reposts: int = 0) -> None:
    """Every submission graded once, scored as its kind deserves, and passed back exactly once.

    `reposts`: a kill -9 between the platform's answer and our commit may re-post that one score
    (same user, same timestamp: the same grade to the platform); nothing else may be posted twice.
    """
    table = rows(serve)
    assert sorted(table) == sorted(i for i, _ in sent)
    for sub_id, kind in sent:
        status, score, times, result = table[sub_id]
        assert (status, times) == ("graded", 1), (sub_id, kind, status, times)
        assert expected(kind, score, json.loads(result)["status"]), (sub_id, kind, score)
    stamps = Counter((s["userId"], s["timestamp"]) for s in platform.scores)
    assert len(stamps) == len(sent) and sum(stamps.values()) - len(stamps) <= reposts
    given = {(s["userId"], s["timestamp"]): s["scoreGiven"] for s in platform.scores}
    assert sorted(given.values()) == sorted(table[i][1] for i, _ in sent)


def test_200_submissions_from_50_concurrent_students(course):
    platform, serve = course
    serve.start()
    mix = (["correct"] * 2 + ["buggy"] * 2 + ["scaffold"] * 4 + ["syntax"] * 12) * 10    # 200
    plans = [(f"s{n:02d}", mix[4 * n:4 * n + 4]) for n in range(50)]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=50) as pool:
        futures = [pool.submit(student, platform, serve.url, name, kinds) for name, kinds in plans]
        sent = [item for f in futures for item in f.result(timeout=300)]
    received = time.monotonic() - started
    assert len(sent) == 200 and len({i for i, _ in sent}) == 200
    wait_for(lambda: all(r[0] == "graded" for r in rows(serve).values()), 400, "every grade")
    graded = time.monotonic() - started
    wait_for(lambda: outbox(serve)["sent"] == 200, 120, "every score at the platform")
    check_all(serve, platform, sent)
    assert platform.score_posts == 200
    print(f"\n200 submissions: received in {received:.1f} s, graded after {graded:.1f} s, "
          f"passed back after {time.monotonic() - started:.1f} s")


def test_kill_9_during_grading_loses_nothing_and_passes_back_once(course):
    platform, serve = course
    serve.start()
    kinds = (["correct", "buggy", "scaffold"] * 8)[:24]
    sent = []
    with ThreadPoolExecutor(max_workers=12) as pool:
        futures = [pool.submit(student, platform, serve.url, f"k{n:02d}", [kind]) for n, kind in enumerate(kinds)]
        sent = [item for f in futures for item in f.result(timeout=300)]
    wait_for(lambda: sum(r[0] == "graded" for r in rows(serve).values()) >= 3, 120, "a few grades")
    serve.kill9()
    before = rows(serve)
    unfinished = [i for i, r in before.items() if r[0] != "graded"]
    assert unfinished, "the kill came after the last grade; nothing was tested"
    serve.start()
    assert "re-queued" in serve.log.read_text() or all(before[i][0] == "queued" for i in unfinished)
    wait_for(lambda: all(r[0] == "graded" for r in rows(serve).values()), 300, "every grade after restart")
    wait_for(lambda: outbox(serve)["sent"] == len(sent), 120, "every score at the platform")
    check_all(serve, platform, sent, reposts=1)
    for sub_id, row in before.items():                  # what was graded before the kill was kept
        if row[0] == "graded":
            assert rows(serve)[sub_id][1:3] == row[1:3]
