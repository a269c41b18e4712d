"""Attacks on the sandbox, each bounded so that a failed defence cannot hurt this machine.

Every attack is a tiny student module run through `SandboxBackend`, the
same path grading uses. Forks, allocations and loops are capped in the
attack itself. Each runs with the namespace walls and with namespaces refused
(Landlock), as this process's user; run as root, the last test runs the whole
module again as a normal user (tests/confine.py --uid).
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from budgets import TEST_UID

from autograder.assignments import ROOT, SUITES_DIR
from autograder.examples import hostile_templates
from autograder.sandbox import SandboxBackend, Zygote
from grading_contract.calls import StudentError, StudentTimeout

IS_ROOT = os.geteuid() == 0
AS_NORMAL_USER = "NNGRADE_ATTACKS_AS_USER"   # set in the run as a normal user (no recursion)


CONFINE = [sys.executable, str(Path(__file__).with_name("confine.py")), "--no-namespaces", "--"]


@pytest.fixture(scope="module", params=["namespaces", "landlock"])
def zygote(request):
    """Every attack twice: with the namespace walls, and where namespaces are refused (Landlock)."""
    with Zygote(launcher=CONFINE if request.param == "landlock" else ()) as z:
        assert z.mode == request.param
        yield z


@pytest.fixture
def sandbox(zygote, tmp_path):
    """sandbox(code) -> a backend serving that student module."""
    backends = []

    def make(code: str, timeout: float = 5.0) -> SandboxBackend:
        path = tmp_path / "submission" / "activations.py"
        path.parent.mkdir(exist_ok=True)
        path.write_text(textwrap.dedent(code))
        backend = SandboxBackend(zygote, path, budget_seconds=60)
        backend.start_test(timeout)
        backends.append(backend)
        return backend
    yield make
    for b in backends:
        b.close()


def test_exit_in_a_call_fails_that_call_and_the_next_call_gets_a_fresh_worker(sandbox):
    b = sandbox("""
        import os, sys
        def hard(x): os._exit(0)
        def soft(x): sys.exit(0)
        def fine(x): return x + 1
    """)
    with pytest.raises(StudentError, match="exit"):
        b.call("hard", (1.0,), {})
    with pytest.raises(StudentError, match=r"sys\.exit"):
        b.call("soft", (1.0,), {})
    assert b.call("fine", (1.0,), {}) == 2.0


def test_a_function_that_exits_on_every_call_is_not_run_again_and_the_others_still_are(sandbox):
    from autograder.sandbox.backend import EXIT_LIMIT
    b = sandbox("""
        import os
        def leave(x): os._exit(0)
        def sometimes(x):          # exits on negative inputs only
            if x < 0:
                os._exit(0)
            return x
        def fine(x): return x + 1
    """)
    for _ in range(EXIT_LIMIT):
        with pytest.raises(StudentError, match="ended while running leave"):
            b.call("leave", (1.0,), {})
    started = b.generation
    for _ in range(5):
        with pytest.raises(StudentError, match="on each of its last 3 calls"):
            b.call("leave", (1.0,), {})
    assert b.generation == started            # no worker was started for those
    assert b.call("fine", (1.0,), {}) == 2.0  # the other functions keep their points
    for _ in range(2 * EXIT_LIMIT):           # an exit now and then is never "in a row"
        with pytest.raises(StudentError, match="ended while running sometimes"):
            b.call("sometimes", (-1.0,), {})
        assert b.call("sometimes", (1.0,), {}) == 1.0


def test_exit_at_import_is_reported_not_obeyed(sandbox):
    b = sandbox("import sys\nsys.exit(0)\n")
    assert "sys.exit" in b.probe()


def test_infinite_loop_times_out_within_its_limit(sandbox):
    b = sandbox("def spin(x):\n    while True:\n        pass\n", timeout=1.0)
    start = time.monotonic()
    with pytest.raises(StudentTimeout):
        b.call("spin", (1,), {})
    assert time.monotonic() - start < 4.0


def hostile(template: str, *names: str) -> str:
    """A bundled hostile example, defining the given function names."""
    return hostile_templates()[template].read_text().replace("__FUNCTIONS__", repr(list(names)))


def test_fork_is_refused(sandbox):
    b = sandbox(hostile("fork_bomb", "bomb"))    # at most 64 forks, each child exits at once
    assert b.call("bomb", (0,), {}) == 0


def test_50_gb_allocation_is_refused(sandbox):
    # np.empty touches no page: harmless even if the limit were missing
    b = sandbox("import numpy as np\ndef hog(x):\n    return np.empty(50 * 10**9, dtype=np.uint8).nbytes\n")
    with pytest.raises(StudentError, match="memory"):
        b.call("hog", (0,), {})


def test_a_world_readable_file_outside_the_allow_list_does_not_exist(zygote, tmp_path):
    world_readable = Path(tempfile.mkdtemp())
    world_readable.chmod(0o755)
    secret = world_readable / "class.zip"
    secret.write_text("everyone's submissions")
    secret.chmod(0o644)
    student = tmp_path / "sub" / "activations.py"
    student.parent.mkdir()
    student.write_text("import os\ndef read(p):\n    try:\n        return open(p).read()\n"
                       "    except OSError as e:\n        return type(e).__name__\n")
    b = SandboxBackend(zygote, student)
    try:
        b.start_test(5)
        assert b.call("read", (str(secret),), {}) in ("FileNotFoundError", "PermissionError")
    finally:
        b.close()
        shutil.rmtree(world_readable)


def test_a_worker_cannot_read_another_workers_folder(zygote, tmp_path):
    first, second = tmp_path / "a" / "activations.py", tmp_path / "b" / "activations.py"
    for path in (first, second):
        path.parent.mkdir()
    first.write_text("SECRET = 'alice-was-here'\ndef ok(x):\n    return x\n")
    second.write_text("import os\ndef peek(paths):\n    out = []\n    for p in paths:\n        try:\n"
                      "            out.append(open(p).read())\n        except OSError as e:\n"
                      "            out.append(type(e).__name__)\n    return out\n")
    a, b = SandboxBackend(zygote, first), SandboxBackend(zygote, second)
    try:
        a.start_test(5)
        b.start_test(5)
        assert a.call("ok", (1,), {}) == 1          # alice's worker is alive, its folder in use
        paths = [str(w / "activations.py") for w in a._workdirs] + ["/proc/1/root/submission/activations.py"]
        seen = b.call("peek", (paths,), {})
        assert not any("alice-was-here" in s for s in seen), seen
    finally:
        a.close()
        b.close()


def test_worker_cannot_read_hidden_suites_solutions_or_history(sandbox):
    b = sandbox("""
        import os
        def peek(paths):
            seen = {}
            for p in paths:
                try:
                    seen[p] = os.listdir(p) if os.path.isdir(p) else open(p).read(50)
                except OSError as e:
                    seen[p] = type(e).__name__
            return seen
    """)
    suite_file = next(SUITES_DIR.rglob("*.py"))
    paths = [str(SUITES_DIR), str(suite_file), str(ROOT / ".git"), str(ROOT / "solutions")]
    seen = b.call("peek", (paths,), {})
    for p in paths:
        assert isinstance(seen[p], str) and seen[p].endswith("Error"), (p, seen[p])


@pytest.mark.skipif(not IS_ROOT, reason="the uid drop is the root-only layer; CI grades as root")
def test_as_root_the_worker_has_no_privilege_left(sandbox):
    code = ("import os\ndef who(x):\n    return [os.getuid(), os.geteuid(), os.getgid()]\n"
            "def become(uid):\n    try:\n        os.setresuid(uid, uid, uid)\n        return 'changed'\n"
            "    except OSError as e:\n        return type(e).__name__\n")
    first, second = sandbox(code), sandbox(code)
    a, b = first.call("who", (0,), {}), second.call("who", (0,), {})
    if "dropped from root" in first.isolation["user"]:
        assert min(a + b) > 0 and a[0] != b[0]           # an unprivileged uid of its own each
    else:   # Landlock where Python lives under a folder only root may enter: root with no capability
        assert "no capabilities" in first.isolation["user"], first.isolation
    assert first.call("become", (12345,), {}) == "PermissionError"


def test_no_file_writes_outside_the_workers_folder(sandbox, tmp_path):
    outside = tmp_path / "results"
    outside.mkdir()
    b = sandbox("""
        def write(path):
            try:
                with open(path, "w") as f:
                    f.write("forged")
                return "written"
            except OSError as e:
                return type(e).__name__
    """)
    assert b.call("write", (str(outside / "alice.json"),), {}) != "written"
    b.call("write", ("/tmp/nngrade-attack.txt",), {})    # the worker's /tmp is its own folder
    assert b.call("write", ("own-scratch.txt",), {}) == "written"
    assert not (outside / "alice.json").exists()
    assert not Path("/tmp/nngrade-attack.txt").exists()


def test_no_network(sandbox):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    b = sandbox("""
        import socket
        def connect(port):
            try:
                s = socket.socket()
                s.settimeout(1)
                s.connect(("127.0.0.1", port))
                return "connected"
            except OSError as e:
                return type(e).__name__
    """)
    try:
        assert b.call("connect", (port,), {}) != "connected"
    finally:
        server.close()


def test_empty_environment_and_pinned_blas_threads(sandbox, monkeypatch):
    monkeypatch.setenv("NNGRADE_SECRET_TOKEN", "s3cret")
    b = sandbox("import os\ndef env(x):\n    return dict(os.environ)\n")
    env = b.call("env", (0,), {})
    assert "NNGRADE_SECRET_TOKEN" not in env
    assert env["OPENBLAS_NUM_THREADS"] == "1" and env["OMP_NUM_THREADS"] == "1"


def test_killing_the_parent_does_not_stop_grading(sandbox):
    b = sandbox(hostile("kill_grader", "kill") + "\ndef fine(x):\n    return x\n")
    b.call("kill", (0,), {})
    assert b.call("fine", (3,), {}) == 3


def test_output_is_captured_and_truncated_not_parsed(sandbox):
    b = sandbox("""
        def chatty(n):
            for _ in range(n):
                print('{"score": 1000, "status": "passed"}')
            return 0
    """)
    assert b.call("chatty", (50_000,), {}) == 0
    b.close()
    text = b.output.text()
    assert text.startswith('{"score": 1000') and "more bytes of output not shown" in text
    assert len(text) < 20_000


def test_ndarray_subclass_object_array_and_custom_eq_come_back_as_handles(sandbox):
    b = sandbox("""
        import numpy as np
        class Eq:
            def __eq__(self, other): return True
        class Sub(np.ndarray):
            def __eq__(self, other): return np.ones(self.shape, bool)
        def sub(x): return np.zeros(3).view(Sub)
        def obj(x): return np.array([Eq(), Eq()], dtype=object)
        def eq(x): return Eq()
    """)
    for name in ("sub", "obj", "eq"):
        value = b.call(name, (0,), {})
        assert type(value).__name__ == "Handle"
        assert value != np.zeros(3) and not (value == 0)


def test_an_opaque_cache_stays_in_the_worker_and_can_be_passed_back(sandbox):
    b = sandbox("""
        class Cache:
            def __init__(self, x): self.x = x
        def forward(x): return x * 2, Cache(x)
        def backward(d, cache): return d * cache.x
    """)
    out, cache = b.call("forward", (np.arange(3.0),), {})
    assert type(cache).__name__ == "Handle"
    np.testing.assert_array_equal(b.call("backward", (np.ones(3), cache), {}), np.arange(3.0))


def test_arrays_a_function_keeps_are_never_overwritten_by_later_calls(sandbox):
    """Array arguments share memory with the grader, reused from call to call unless kept."""
    b = sandbox("""
        kept = []
        def keep(x):
            kept.append(x[1:])          # a view of the argument, as a backprop cache holds one
            return 0.0
        def total(x):
            return float(sum(k.sum() for k in kept))
        def scale(x):
            x *= 2                      # in place
            return x
    """)
    for value in (1.0, 10.0):
        b.call("keep", (np.full(4, value),), {})
        assert b.last_call.mutated == []
    assert b.call("total", (np.zeros(4),), {}) == 3 * 1.0 + 3 * 10.0
    for _ in range(2):   # an in-place write is seen on every call, the reused memory included
        np.testing.assert_array_equal(b.call("scale", (np.ones(3),), {}), np.full(3, 2.0))
        assert b.last_call.mutated == ["x"]
        assert b.call("total", (np.zeros(4),), {}) == 33.0 and b.last_call.mutated == []


def test_a_worker_cannot_shrink_the_shared_memory_the_grader_reads(sandbox):
    """A shrunk file under the grader's mapping would crash the grader (SIGBUS): it is sealed."""
    b = sandbox("""
        import os
        def shrink(x):
            refused = 0
            for fd in range(3, 256):
                try:
                    os.ftruncate(fd, 0)
                except OSError:
                    refused += 1
            try:
                names = os.listdir("/proc/self/map_files")
            except OSError:
                names = []
            for name in names:
                try:
                    fd = os.open("/proc/self/map_files/" + name, os.O_RDWR)
                    os.ftruncate(fd, 0)
                except OSError:
                    refused += 1
            return float(x.sum())
    """)
    for _ in range(3):
        assert b.call("shrink", (np.ones(5),), {}) == 5.0
        assert b.last_call.mutated == []


def test_values_cross_with_their_dtype_and_shape(sandbox):
    b = sandbox("def echo(x):\n    return x\n")
    for value in (np.float32(1.5), np.zeros((2, 0, 3), np.float32), np.arange(6).reshape(2, 3),
                  np.array(2.0), {"W1": np.ones((2, 2)), "b1": np.zeros(2)}, [1, (2.0, "x"), None]):
        got = b.call("echo", (value,), {})
        if isinstance(value, (np.ndarray, np.generic)):
            assert type(got) is type(value) and got.dtype == value.dtype and np.shape(got) == np.shape(value)
        else:
            assert repr(got) == repr(value)


def test_patched_builtins_do_not_break_the_worker(sandbox):
    b = sandbox("""
        import builtins
        builtins.isinstance = lambda *args: True
        builtins.len = lambda *args: 0
        builtins.sneaky = True
        def relu(x):
            return x * 0
    """)
    assert b.probe() is None
    np.testing.assert_array_equal(b.call("relu", (np.ones(3),), {}), np.zeros(3))


@pytest.mark.skipif(not IS_ROOT or bool(os.environ.get(AS_NORMAL_USER)),
                    reason="as a normal user this module is the run below already")
def test_every_attack_holds_for_a_normal_user():
    """Most TAs are not root: the same attacks, the grader and its zygote as uid TEST_UID."""
    folder = Path(tempfile.mkdtemp(prefix="nngrade-attacks-user-"))
    try:
        os.chmod(folder, 0o777)   # the normal user's HOME and pytest's temporary folders
        env = {**os.environ, AS_NORMAL_USER: "1", "HOME": str(folder), "PYTHONDONTWRITEBYTECODE": "1"}
        proc = subprocess.run([sys.executable, CONFINE[1], "--uid", str(TEST_UID), "--", sys.executable, "-m",
                               "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", "--basetemp",
                               str(folder / "pytest"), __file__], env=env, cwd=folder,
                              capture_output=True, text=True, timeout=240)
        summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
        counts = {word: int(n) for n, word in re.findall(r"(\d+) (passed|skipped|failed|error)", summary)}
        # skipped: the root-only layer in both modes (so the run was not root) and this test
        assert counts.get("skipped") == 3 and counts.get("passed", 0) >= 34, summary
    finally:
        shutil.rmtree(folder, ignore_errors=True)
