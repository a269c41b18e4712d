"""The workers' root: one read-only allow-list tree, built once by the zygote, a /submission each.

Checked from inside workers (what they can list and write) and from the host (the
zygote's mounts never reach it; its empty folder is gone after), as this process's
user and, when that is root, as a normal user (tests/confine.py --uid: the zygote then
makes its namespaces inside a user namespace). The fallback, where each worker builds
its own tree, gives the same walls.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from budgets import TEST_UID

from autograder.sandbox import SandboxBackend, Zygote
from grading_contract.calls import StudentError

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the sandbox needs Linux")

CONFINE = Path(__file__).with_name("confine.py")
PROBE = '''import os

def ls(path):
    return sorted(os.listdir(path))

def write(path):
    with open(path, "w") as f:
        f.write("x")
    return True
'''
ESCAPES = ("/escape.txt", "/usr/escape.txt", "/dev/escape.txt", "/old/escape.txt")


def worker(zygote: Zygote, folder: Path) -> SandboxBackend:
    folder.mkdir()
    (folder / "probe.py").write_text(PROBE)
    backend = SandboxBackend(zygote, folder / "probe.py")
    backend.start_test(30)
    assert backend.probe() is None
    return backend


def refusal(backend: SandboxBackend, *call) -> str:
    """The error a call gets ('' if it succeeded)."""
    try:
        backend.call(*call, {})
    except StudentError as exc:
        return str(exc)
    return ""


def look(shared: bool, folder: Path) -> dict:
    """What two workers of one zygote see and may write, and what the host sees of the zygote."""
    seen: dict = {}
    with Zygote(shared_root=shared) as zygote:
        seen["mode"], scratch = zygote.mode, zygote._scratch
        if zygote.mode != "namespaces":
            return seen
        seen["scratch made"] = scratch is not None
        seen["host sees in scratch"] = os.listdir(scratch) if scratch else []
        first, second = worker(zygote, folder / "a"), worker(zygote, folder / "b")
        try:
            seen["top"] = first.call("ls", ("/",), {})
            seen["wrote"] = first.call("write", ("/submission/note.txt",), {})
            seen["first sees"] = first.call("ls", ("/submission",), {})
            seen["second sees"] = second.call("ls", ("/submission",), {})
            seen["escapes"] = {path: refusal(first, "write", (path,)) for path in ESCAPES}
            seen["old"] = refusal(first, "ls", ("/old",))
            seen["isolation"] = first.isolation
        finally:
            first.close()
            second.close()
    seen["scratch left"] = bool(scratch) and os.path.exists(scratch)
    return seen


def check(seen: dict, shared: bool) -> None:
    assert seen["scratch made"]   # the shared tree is built there, or (own root) each worker mounts its own there
    assert seen["host sees in scratch"] == []   # the tree lives in the zygote's own mount namespace
    assert {"usr", "dev", "submission"} <= set(seen["top"]) and not {"home", "proc", "work"} & set(seen["top"])
    assert seen["wrote"] is True and "note.txt" in seen["first sees"]
    assert "note.txt" not in seen["second sees"]    # a /submission each
    for path, error in seen["escapes"].items():
        assert "Read-only" in error or "Permission denied" in error, (path, error)
    assert "Permission denied" in seen["old"]         # the host's tree, covered
    assert seen["isolation"]["confined"] and "pivot_root" in seen["isolation"]["filesystem"]
    assert "PID namespace" in seen["isolation"]["processes"]
    assert not seen["scratch left"]


@pytest.mark.parametrize("shared", [True, False], ids=["shared-root", "own-root"])
def test_a_worker_sees_the_allow_list_and_writes_only_its_own_folder(tmp_path, shared):
    seen = look(shared, tmp_path)
    if seen["mode"] != "namespaces":
        pytest.skip(f"namespaces refused here ({seen['mode']}); the Landlock walls are tested in test_sandbox_walls")
    check(seen, shared)


@pytest.mark.skipif(os.geteuid() != 0, reason="this process is a normal user already (the test above)")
@pytest.mark.parametrize("shared", [True, False], ids=["shared-root", "own-root"])
def test_the_same_walls_for_a_normal_user(shared):
    folder = Path(tempfile.mkdtemp(prefix="nngrade-root-test-"))
    try:
        os.chmod(folder, 0o777)   # the normal user writes its probes here
        code = (f"import json, sys; from pathlib import Path; sys.path.insert(0, {str(CONFINE.parent)!r}); "
                f"from test_sandbox_root import look; print(json.dumps(look({shared!r}, Path({str(folder)!r}))))")
        proc = subprocess.run([sys.executable, str(CONFINE), "--uid", str(TEST_UID), "--", sys.executable, "-c", code],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr[-2000:]
        seen = json.loads(proc.stdout.strip().splitlines()[-1])
        assert seen["mode"] == "namespaces", seen   # user namespaces are granted on this machine
        check(seen, shared)
        assert seen["isolation"]["user"].startswith(f"uid {TEST_UID}"), seen["isolation"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
