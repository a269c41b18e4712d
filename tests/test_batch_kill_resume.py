"""`nngrade batch` killed with SIGKILL halfway, then `--resume`: only the rest is graded, same results."""
from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from autograder.examples import materialize

ASSIGNMENT = "backprop"
# Right, wrong and ungradable; graded in this order (by name): the kill comes after ann and ben.
STUDENTS = {"ann": "correct", "ben": "buggy_db_averaged", "dov": "buggy_mse_missing_mean",
            "eli": "hostile_exit_at_import", "fen": "buggy_dw_transposed"}


def ctrl_c_as_in_a_terminal() -> None:
    """A test run started in the background of a script (`pytest &`) has SIGINT ignored, which
    its children inherit: give the batch the Ctrl-C a TA's terminal gives it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def batch(root: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "autograder", "batch", ASSIGNMENT, str(root), "-o", str(out),
                             "--seed", "1", *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=ctrl_c_as_in_a_terminal)


def descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            try:
                children = {int(c) for c in (task / "children").read_text().split()}
            except OSError:
                continue
            todo.extend(children - found)
            found |= children
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def results(out: Path) -> dict[str, dict]:
    return {p.stem: {k: v for k, v in json.loads(p.read_text()).items() if k != "execution_time"}
            for p in out.glob("*.json")}


def test_sigkill_then_resume_grades_only_what_was_missing(tmp_path):
    examples = materialize(ASSIGNMENT, tmp_path / "examples")
    root = tmp_path / "class"
    root.mkdir()
    for student, example in STUDENTS.items():
        shutil.copy(examples[example], root / f"{student}.py")

    out = tmp_path / "out"
    proc = batch(root, out, "-j", "1")
    deadline = time.monotonic() + 180
    while len(list(out.glob("*.json"))) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    family = descendants(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    done = {p.name: p.stat().st_ino for p in out.glob("*.json")}
    assert 2 <= len(done) < len(STUDENTS), "killed halfway"
    assert family, "the batch had grading processes"
    deadline = time.monotonic() + 15
    while any(alive(p) for p in family) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(p) for p in family), "grading processes outlived a killed batch"

    resumed = batch(root, out, "-j", "2", "--resume")
    log = resumed.communicate(timeout=300)[0]
    assert resumed.returncode == 0, log
    match = re.search(r"graded (\d+) submission\(s\), (\d+) kept from an earlier run", log)
    assert match and (int(match[1]), int(match[2])) == (len(STUDENTS) - len(done), len(done)), log
    assert {name: out.joinpath(name).stat().st_ino for name in done} == done, "results were rewritten"

    straight = tmp_path / "straight"            # the reference grades (no similarity report: not compared)
    assert batch(root, straight, "-j", "2", "--no-similarity").wait(timeout=300) == 0
    assert results(out) == results(straight)
    assert len(results(out)) == len(STUDENTS)
    scores = {student: result["score"] for student, result in results(out).items()}
    assert scores["ann"] == results(out)["ann"]["max_score"] > scores["ben"] > 0 == scores["eli"]
    assert (out / "grades.csv").read_text() == (straight / "grades.csv").read_text()


def test_ctrl_c_stops_cleanly_and_keeps_what_was_graded(tmp_path):
    examples = materialize(ASSIGNMENT, tmp_path / "examples")
    root = tmp_path / "class"
    root.mkdir()
    for i in range(4):
        shutil.copy(examples["correct"], root / f"s{i}.py")
    out = tmp_path / "out"
    proc = batch(root, out, "-j", "1")
    deadline = time.monotonic() + 180
    while not list(out.glob("*.json")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    log = proc.communicate(timeout=60)[0]
    assert proc.returncode == 130, log
    assert "run again with --resume" in log
    kept = list(out.glob("*.json"))
    assert 1 <= len(kept) < 4
    assert len((out / "grades.csv").read_text().splitlines()) == 1 + len(kept)


def test_a_ctrl_c_while_a_result_is_written_waits_for_the_write():
    import os

    from autograder.batch.runner import ctrl_c_after_this
    written = []
    before = signal.signal(signal.SIGINT, signal.default_int_handler)   # as in a terminal (see above)
    try:
        try:
            with ctrl_c_after_this():
                os.kill(os.getpid(), signal.SIGINT)      # lands mid-write (the handler runs at once)
                written.append("json")
                written.append("html")
        except KeyboardInterrupt:
            written.append("interrupted")
        assert written == ["json", "html", "interrupted"]
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, before)
