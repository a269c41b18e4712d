"""The workers' root: one read-only allow-list tree, built once by the zygote, a /submission each.

Checked from inside workers (what they can list and write) and from the host (the
zygote's mounts never reach it; its empty folder is gone after). The fallback, where
each worker builds its own tree, gives the same walls.
"""
from __future__ import annotations

import os
import sys

import pytest

from autograder.sandbox import SandboxBackend, Zygote
from grading_contract.calls import StudentError

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the sandbox needs Linux")

PROBE = '''import os

def ls(path):
    return sorted(os.listdir(path))

def write(path):
    with open(path, "w") as f:
        f.write("x")
    return True
'''


def worker(zygote: Zygote, folder) -> SandboxBackend:
    folder.mkdir()
    (folder / "probe.py").write_text(PROBE)
    backend = SandboxBackend(zygote, folder / "probe.py")
    backend.start_test(30)
    assert backend.probe() is None
    return backend


@pytest.mark.parametrize("shared", [True, False], ids=["shared-root", "own-root"])
def test_a_worker_sees_the_allow_list_and_writes_only_its_own_folder(tmp_path, shared):
    with Zygote(shared_root=shared) as zygote:
        if zygote.mode != "namespaces":
            pytest.skip(f"namespaces refused here ({zygote.notes}); the Landlock walls are tested in test_sandbox_walls")
        scratch = zygote._scratch
        assert (scratch is not None) == shared
        if shared:   # the tree lives in the zygote's own mount namespace: the host sees an empty folder
            assert os.listdir(scratch) == []
        first, second = worker(zygote, tmp_path / "a"), worker(zygote, tmp_path / "b")
        try:
            top = first.call("ls", ("/",), {})
            assert {"usr", "dev", "submission"} <= set(top) and not {"home", "proc", "work"} & set(top)
            assert first.call("write", ("/submission/note.txt",), {}) is True
            assert "note.txt" in first.call("ls", ("/submission",), {})
            assert "note.txt" not in second.call("ls", ("/submission",), {})   # a /submission each
            for path in ("/escape.txt", "/usr/escape.txt", "/dev/escape.txt", "/old/escape.txt"):
                with pytest.raises(StudentError, match="Read-only|Permission denied"):
                    first.call("write", (path,), {})
            with pytest.raises(StudentError, match="Permission denied"):
                first.call("ls", ("/old",), {})   # the host's tree, covered
            assert first.isolation["confined"] and "pivot_root" in first.isolation["filesystem"]
        finally:
            first.close()
            second.close()
    if shared:
        assert not os.path.exists(scratch)
