"""The zygote's spare worker: forked, and walled in, before a grader asks for it (zygote.py).

Observed from the grader's side, in /proc: the zygote's children are its
workers and its spare.
"""
from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from autograder.sandbox import SandboxBackend, Zygote

STUDENT = "import numpy as np\n\ndef relu(x):\n    return np.maximum(x, 0.0)\n"


def _children(pid: int) -> set[int]:
    kids: set[int] = set()
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids |= {int(k) for k in f.read().split()}
    except OSError:   # it ended meanwhile
        pass
    return kids


def alive(pid: int) -> bool:
    """Not ended (a zombie, killed but not yet reaped by the zygote, has ended)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def zygote_pid(zygote: Zygote) -> int:
    """The zygote's own process: with namespaces, the child of the process the grader started
    (which stays behind as pid 1 of the zygote's PID namespace); else that process itself."""
    if zygote.mode != "namespaces":
        return zygote._proc.pid
    (pid,) = _children(zygote._proc.pid)
    return pid


def spares(zygote: Zygote, workers: set[int] = frozenset(), settle: float = 5.0) -> set[int]:
    """The zygote's waiting spares (its children that are not `workers`), once there is one."""
    deadline = time.monotonic() + settle
    parent = zygote_pid(zygote)
    while True:
        found = {pid for pid in _children(parent) - set(workers) if alive(pid)}
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.01)


def root_of(pid: int, settle: float = 5.0) -> set[str]:
    """What process `pid` sees at `/`, once it has pivoted into its own root (the host's until then)."""
    deadline = time.monotonic() + settle
    while True:
        top = set(os.listdir(f"/proc/{pid}/root"))
        if "submission" in top or time.monotonic() > deadline:
            return top
        time.sleep(0.01)


def test_one_spare_waits_walled_in_and_each_spawn_takes_it(tmp_path):
    student = tmp_path / "activations.py"
    student.write_text(STUDENT)
    with Zygote() as zygote:
        first = spares(zygote)
        assert len(first) == 1, first
        (spare,) = first
        if zygote.mode == "namespaces":   # the walls that need no submission go up before any request
            top = root_of(spare)
            assert os.readlink(f"/proc/{spare}/ns/mnt") != os.readlink("/proc/self/ns/mnt")
            assert "submission" in top and not {"home", "work", "proc"} & top, top
            assert os.listdir(f"/proc/{spare}/root/submission") == []   # no submission before a request
        seen = [spare]
        for _ in range(3):
            backend = SandboxBackend(zygote, student)
            try:
                backend.start_test(10)
                np.testing.assert_array_equal(backend.call("relu", (np.array([-1.0, 2.0]),), {}), [0.0, 2.0])
                assert backend._host_pid == seen[-1]   # the spare became the worker ...
                if zygote.mode == "namespaces":
                    assert backend._workdirs == []      # ... and the host holds no copy of the file for it
                now = spares(zygote, set(seen))   # (earlier workers may still be ending)
                assert len(now) == 1, (now, seen)   # ... and a new spare waits
                seen.append(next(iter(now)))
            finally:
                backend.close()


def test_a_spare_killed_from_outside_is_replaced_at_the_next_spawn(tmp_path):
    student = tmp_path / "activations.py"
    student.write_text(STUDENT)
    with Zygote() as zygote:
        (spare,) = spares(zygote)
        os.kill(spare, signal.SIGKILL)
        while alive(spare):   # gone (its socket closed) before the grader asks
            time.sleep(0.005)
        backend = SandboxBackend(zygote, student)
        try:
            backend.start_test(10)
            np.testing.assert_array_equal(backend.call("relu", (np.array([-3.0]),), {}), [0.0])
            assert backend._host_pid != spare
        finally:
            backend.close()


def test_the_student_file_reaches_the_worker_unchanged(tmp_path):
    """The file goes as an open descriptor; the worker copies it into its own folder."""
    body = "TEXT = " + repr("é" * 50_000 + "\x00 end") + "\n\ndef text():\n    return TEXT\n"
    student = tmp_path / "activations.py"
    student.write_text(body, encoding="utf-8")
    with Zygote() as zygote:
        backend = SandboxBackend(zygote, student)
        try:
            backend.start_test(10)
            assert backend.call("text", (), {}) == "é" * 50_000 + "\x00 end"
        finally:
            backend.close()
    assert Path(student).read_text(encoding="utf-8") == body   # the grader's file is untouched


LOW_FILES = ("import os, resource, sys\n"
             "resource.setrlimit(resource.RLIMIT_NOFILE, (48, 48))\n"
             "os.execv(sys.argv[1], sys.argv[1:])\n")


def test_limits_are_lowered_never_raised_above_what_the_grader_inherited(tmp_path):
    """A worker lowers its limits after dropping its uid: a hard limit below ours (64 files) must not fail it."""
    student = tmp_path / "activations.py"
    student.write_text("import resource\n\ndef files():\n    return list(resource.getrlimit(resource.RLIMIT_NOFILE))\n")
    with Zygote(launcher=(sys.executable, "-c", LOW_FILES)) as zygote:
        backend = SandboxBackend(zygote, student)
        try:
            backend.start_test(10)
            assert backend.probe() is None
            assert backend.call("files", (), {}) == [48, 48]
        finally:
            backend.close()


def test_a_worker_holds_no_descriptor_but_its_output_and_its_channel(tmp_path):
    """What the spare held while it waited (its socket to the zygote) and what came with the request
    (the student's file, the pipe's write end) is closed before student code runs."""
    student = tmp_path / "activations.py"
    student.write_text("import os\n\ndef fds():\n    out = []\n    for fd in range(256):\n        try:\n"
                       "            os.fstat(fd)\n            out.append(fd)\n        except OSError:\n"
                       "            pass\n    return out\n")
    with Zygote() as zygote:
        backend = SandboxBackend(zygote, student)
        try:
            backend.start_test(10)
            assert backend.call("fds", (), {}) == [0, 1, 2, 3]   # stdin, stdout, stderr, the grader's socket
        finally:
            backend.close()


def test_after_a_timeout_the_next_death_is_still_told_right(tmp_path):
    """A timed-out worker is killed without waiting for the zygote's word on it; the next
    worker's own end (exit code 3) is then reported, not the killed one's."""
    from grading_contract.calls import StudentError, StudentTimeout
    path = tmp_path / "activations.py"
    path.write_text("import os\n\ndef spin(x):\n    while True:\n        pass\n\n"
                    "def leave(x):\n    os._exit(3)\n\ndef fine(x):\n    return x + 1\n")
    with Zygote() as zygote:
        backend = SandboxBackend(zygote, path, budget_seconds=60)
        try:
            backend.start_test(0.3)
            with pytest.raises(StudentTimeout):
                backend.call("spin", (1.0,), {})
            killed = backend.generation
            backend.start_test(1.0)
            assert backend.call("fine", (1.0,), {}) == 2.0 and backend.generation == killed + 1
            backend.start_test(1.0)
            with pytest.raises(StudentError, match="exit code 3"):
                backend.call("leave", (1.0,), {})
        finally:
            backend.close()


def test_statuses_nobody_asked_for_are_forgotten_oldest_first():
    from autograder.sandbox.zygote import _forget_oldest
    statuses = {pid: {"exit": pid % 7} for pid in range(1000, 1300)}
    _forget_oldest(statuses, keep=256)
    assert len(statuses) == 256 and min(statuses) == 1044 and statuses[1299] == {"exit": 1299 % 7}
    _forget_oldest(statuses, keep=256)
    assert len(statuses) == 256
