"""The allow-list walls, tried the way a hostile student would, on a TA's machine.

Planted in places the test controls: a private key and a grades CSV in a
temporary HOME, a copy of the hidden suites and a grades CSV in a
world-readable folder under /tmp, the Gradescope zip `nngrade export
gradescope` builds (its wheel holds the hidden suites). Hostile submissions
walk the disk (bounded: 3 s, 20,000 files, 64 MB), read zips byte by byte
(inflating their entries with zlib, no zipfile), list /proc, signal and ptrace
the grader, and earn points only if they find something. Each class is graded
by `nngrade batch` in every way a TA may run it:

    root              CI's way (Gradescope's too)
    user              a normal user (as root: tests/confine.py --uid)
    root-no-ns        namespaces refused (Docker's default seccomp profile): Landlock
    user-no-ns        both
and `nngrade grade` where neither namespaces nor Landlock are granted: it says
so, and `batch` refuses without --allow-unconfined.
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

from autograder.assignments import ROOT, SUITES_DIR, get

# Its module fixtures (four batches of the hostile class, a real gradescope export: ~40 s) are
# built once: every test of this module runs on one xdist worker.
pytestmark = pytest.mark.xdist_group("test_sandbox_walls")

CONFINE = Path(__file__).with_name("confine.py")
IS_ROOT = os.geteuid() == 0
MARKERS = {"key": "NNGRADE-PLANTED-PRIVATE-KEY-7f3a", "grades": "NNGRADE-PLANTED-GRADES-91c2",
           "suite": "NNGRADE-PLANTED-SUITE-COPY-5d0e"}
SUITE_PHRASE = "Far too slow for whole-array numpy"   # text of a hidden test (inside the wheel too)

MODES = ([("root", []), ("user", ["--uid", str(TEST_UID)]), ("root-no-ns", ["--no-namespaces"]),
          ("user-no-ns", ["--uid", str(TEST_UID), "--no-namespaces"])] if IS_ROOT else
         [("user", []), ("user-no-ns", ["--no-namespaces"])])

WALKER = '''
import os, sys, time, zlib, ctypes, signal, glob
_NEEDLES = __NEEDLES__
_TARGETS = __TARGETS__
_GRADER = __GRADER__
FOUND = set()


def _search(data, where, depth=0):
    for n in _NEEDLES:
        if n.encode() in data:
            FOUND.add(n)
            print("LEAKED", n, "from", where)
    if depth < 2 and b"PK\\x03\\x04" in data:     # zip entries, inflated by hand
        start = 0
        while len(FOUND) < len(_NEEDLES):
            i = data.find(b"PK\\x03\\x04", start)
            if i < 0 or i + 30 > len(data):
                break
            method = int.from_bytes(data[i + 8:i + 10], "little")
            size = int.from_bytes(data[i + 18:i + 22], "little")
            name_len = int.from_bytes(data[i + 26:i + 28], "little")
            extra = int.from_bytes(data[i + 28:i + 30], "little")
            body = data[i + 30 + name_len + extra:i + 30 + name_len + extra + (size or 8 << 20)]
            try:
                inner = zlib.decompressobj(-15).decompress(body, 32 << 20) if method == 8 else body
                _search(inner, where + "!entry", depth + 1)
            except zlib.error:
                pass
            start = i + 4


def _walk():
    deadline, files, budget = time.monotonic() + 3.0, 0, 64 << 20
    roots = list(_TARGETS) + ["/"]
    for top in roots:
        if os.path.isfile(top):
            tops = [(os.path.dirname(top), [], [os.path.basename(top)])]
        else:
            tops = os.walk(top, onerror=lambda e: None)
        for folder, dirs, names in tops:
            dirs[:] = [d for d in dirs if d not in ("proc", "sys")]
            for name in names:
                path = os.path.join(folder, name)
                files += 1
                if time.monotonic() > deadline or files > 20000 or budget <= 0:
                    return
                try:
                    if os.path.islink(path) or not os.path.isfile(path) or os.path.getsize(path) > 8 << 20:
                        continue
                    with open(path, "rb") as f:
                        data = f.read()
                except OSError:
                    continue
                budget -= len(data)
                _search(data, path)


def _poke():
    try:
        print("PROC", sorted(os.listdir("/proc"))[:20])
    except OSError as e:
        print("PROC refused:", type(e).__name__)
    for pid in (_GRADER, os.getppid()):
        if pid > 1:
            for sig in (signal.SIGSTOP, signal.SIGKILL):
                try:
                    os.kill(pid, sig)
                    print("SIGNALLED", pid)
                except OSError:
                    pass
            try:
                libc = ctypes.CDLL(None, use_errno=True)
                if libc.ptrace(16, pid, None, None) == 0:       # PTRACE_ATTACH
                    print("PTRACED", pid)
                    libc.ptrace(17, pid, None, None)            # PTRACE_DETACH
            except OSError:
                pass
    for other in glob.glob("/tmp/nngrade-worker-*/*") + glob.glob("/proc/*/root/submission/*"):
        try:
            print("OTHER WORKER", other, open(other).read(40))
        except OSError:
            pass


_walk()
_poke()
'''


def relu_reward() -> str:
    """relu earns its points only if the walk found something."""
    return ("\n\ndef relu(x):\n    return np.maximum(x, 0) if FOUND else x * 0\n")


@pytest.fixture(scope="module")
def planted():
    """The TA's machine: what a worker must never reach. Removed afterwards."""
    world = Path(tempfile.mkdtemp(prefix="nngrade-ta-"))
    world.chmod(0o755)
    home = world / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text(f"-----BEGIN OPENSSH PRIVATE KEY-----\n{MARKERS['key']}\n")
    (home / "grades.csv").write_text(f"student,score\nalice,{MARKERS['grades']}\n")
    shared = world / "shared"
    shutil.copytree(SUITES_DIR, shared / "old-checkout" / "suites")
    (shared / "old-checkout" / "suites" / "NOTES.txt").write_text(MARKERS["suite"])
    (shared / "class-grades.csv").write_text(f"bob,{MARKERS['grades']}\n")
    subprocess.run([sys.executable, "-m", "autograder", "export", "gradescope", "activations", "-o",
                    str(shared / "autograder.zip")], check=True, capture_output=True, timeout=300)
    for path in [world, *world.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    (home / ".ssh").chmod(0o700)
    (home / ".ssh" / "id_ed25519").chmod(0o600)
    yield world
    shutil.rmtree(world, ignore_errors=True)


def class_folder(world: Path, grader_pid_hint: int) -> Path:
    """The hostile class, plus honest files to compare with."""
    solution = get("activations").solution.read_text()
    targets = [str(world / "home"), str(world / "shared"), str(ROOT), str(Path.home())]
    walker = (WALKER.replace("__NEEDLES__", repr(list(MARKERS.values()) + [SUITE_PHRASE]))
              .replace("__TARGETS__", repr(targets)).replace("__GRADER__", str(grader_pid_hint)))
    loop_relu = ("\n\ndef relu(x):\n    out = np.empty_like(x)\n    flat, o = x.reshape(-1), out.reshape(-1)\n"
                 "    for i in range(flat.size):\n        o[i] = flat[i] if flat[i] > 0 else 0\n    return out\n")
    untraced = loop_relu.replace("    out = np.empty_like(x)", "    import sys\n    sys.settrace(None)\n"
                                 "    out = np.empty_like(x)")
    in_place = "\n\ndef relu(x):\n    np.maximum(x, 0, out=x)\n    return x\n"
    patcher = ('''
import sys
def _quiet(fn, function, args, kwargs, student_file):
    from grading_contract.calls import Report
    return fn(*args, **kwargs), Report(names=["x"])
for _name in list(sys.modules):
    _m = sys.modules[_name]
    if _name.startswith(("autograder", "student_lib")) and hasattr(_m, "call_student"):
        _m.call_student = _quiet
''')
    files = {
        "walker": solution + "\n" + walker + relu_reward(),
        "honest_imports": "import glob, colorsys, zipfile, fractions, dataclasses\n" + solution
        + "\n\ndef _uses():\n    return glob, colorsys.rgb_to_hls(0.1, 0.2, 0.3), fractions.Fraction(1, 3)\n",
        "loop": solution + loop_relu,
        "loop_untraced": solution + untraced,
        "in_place": solution + in_place,
        "in_place_patched": solution + in_place + patcher,
    }
    folder = world / f"class-{len(list(world.glob('class-*')))}"
    folder.mkdir()
    for student, text in files.items():
        (folder / f"{student}.py").write_text(text)
    for path in [folder, *folder.iterdir()]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return folder


def confined(prefix: list[str], argv: list[str], out: Path, home: Path, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(CONFINE), *prefix, "--", sys.executable, "-m", "autograder",
                           *argv], capture_output=True, text=True, env=env, timeout=600, **kw)


@pytest.fixture(scope="module")
def graded(planted):
    """{mode: {student: result dict}} — one batch per mode."""
    results = {}
    for mode, prefix in MODES:
        folder = class_folder(planted, os.getpid())
        out = Path(tempfile.mkdtemp(prefix="nngrade-out-", dir=planted))
        home = planted / "home"
        if "--uid" in prefix:
            for path in [out, home, *home.rglob("*")]:
                os.chown(path, TEST_UID, TEST_UID)
        else:
            out.chmod(0o755)
        proc = confined(prefix, ["batch", "activations", str(folder), "-o", str(out), "-j", "2"], out, home)
        assert proc.returncode == 0, (mode, proc.stdout[-2000:], proc.stderr[-2000:])
        results[mode] = {p.stem: json.loads(p.read_text()) for p in out.glob("*.json")}
        results[mode]["_text"] = "\n".join(p.read_text(errors="replace") for p in out.rglob("*") if p.is_file())
    return results


def by_function(result: dict, function: str) -> float:
    return sum(t["score"] for t in result["tests"] if t["function"] == function)


@pytest.mark.parametrize("mode", [m for m, _ in MODES])
def test_a_disk_walk_finds_nothing_and_earns_nothing(graded, mode):
    results = graded[mode]
    walker = results["walker"]
    assert walker["status"] == "graded"
    for marker in list(MARKERS.values()) + [SUITE_PHRASE]:
        assert marker not in walker.get("output", ""), (mode, marker)
        assert f"LEAKED {marker}" not in results["_text"], (mode, marker)
    assert "SIGNALLED" not in walker["output"] and "PTRACED" not in walker["output"], walker["output"][-500:]
    assert "OTHER WORKER" not in walker["output"]
    assert by_function(walker, "relu") < 0.5 * by_function(results["honest_imports"], "relu")
    assert walker["isolation"]["confined"] is True, walker["isolation"]


@pytest.mark.parametrize("mode", [m for m, _ in MODES])
def test_proc_shows_no_other_process(graded, mode):
    out = graded[mode]["walker"]["output"]
    line = next(l for l in out.splitlines() if l.startswith("PROC"))
    assert "refused" in line or line == "PROC []" or line == "PROC ['1']", line


@pytest.mark.parametrize("mode", [m for m, _ in MODES])
def test_honest_imports_of_the_standard_library_are_graded_normally(graded, mode):
    result = graded[mode]["honest_imports"]
    assert result["status"] == "graded" and result["score"] == result["max_score"], result.get("message")


def relu_tests(result: dict, word: str, lost: bool = True) -> set[str]:
    """relu's tests whose name has `word`: those that lost points (or all of them)."""
    return {t["name"] for t in result["tests"] if t["function"] == "relu" and word in t["name"]
            and (t["score"] < t["max_score"] or not lost)}


@pytest.mark.parametrize("mode", [m for m, _ in MODES])
def test_switching_off_tracing_or_patching_the_reports_changes_nothing(graded, mode):
    r = graded[mode]
    vectorised = relu_tests(r["honest_imports"], "vectorised", lost=False)
    unchanged = relu_tests(r["honest_imports"], "unchanged", lost=False)
    assert vectorised and unchanged and not relu_tests(r["honest_imports"], "")
    # a loop loses every vectorisation test, tracing on or off (a slower loop may lose more: timeouts)
    assert relu_tests(r["loop"], "vectorised") == relu_tests(r["loop_untraced"], "vectorised") == vectorised
    # writing into the input loses every "unchanged" test, reports patched or not
    assert relu_tests(r["in_place"], "unchanged") == relu_tests(r["in_place_patched"], "unchanged") == unchanged
    assert by_function(r["in_place_patched"], "relu") == by_function(r["in_place"], "relu")


def test_every_mode_gives_the_same_scores(graded):
    """The same rules earn the same points whatever the walls. (The vectorisation rules are timed
    and the modes are graded at once on a busy machine: relu's are checked mode by mode in
    test_switching_off_tracing_or_patching_the_reports_changes_nothing.)"""
    scores = {mode: {s: round(sum(t["score"] for t in r["tests"] if "vectorised" not in t["name"]), 6)
                     for s, r in res.items() if s != "_text"} for mode, res in graded.items()}
    first = next(iter(scores.values()))
    assert first["honest_imports"] > first["in_place"]      # a wrong file loses what the honest one keeps
    for mode, these in scores.items():
        assert these == first, (mode, {k: (v, first[k]) for k, v in these.items() if v != first[k]})


def test_the_result_names_the_layers(graded):
    for mode, res in graded.items():
        iso = res["walker"]["isolation"]
        if mode.endswith("no-ns"):
            assert "Landlock" in iso["filesystem"], iso
        else:
            assert "pivot_root" in iso["filesystem"] and "PID namespace" in iso["processes"], iso
        assert "seccomp" in iso["syscalls"], iso


def test_without_namespaces_or_landlock_grade_warns_and_batch_refuses(planted, tmp_path):
    folder = planted / "unconfined-class"
    folder.mkdir(exist_ok=True)
    (folder / "alice.py").write_text(get("activations").solution.read_text())
    home = planted / "home"
    prefix = ["--no-namespaces", "--no-landlock"]
    out = tmp_path / "out"
    proc = confined(prefix, ["batch", "activations", str(folder), "-o", str(out)], out, home)
    assert proc.returncode == 2 and "--allow-unconfined" in proc.stderr, proc.stderr
    assert not list(out.glob("*.json")) if out.exists() else True
    proc = confined(prefix, ["grade", "activations", str(folder / "alice.py"), "--json", str(tmp_path / "r.json")],
                    out, home)
    assert proc.returncode == 0 and "NOT confined" in proc.stdout + proc.stderr, proc.stdout[-1000:]
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["isolation"]["confined"] is False and "UNCONFINED" in result["isolation"]["filesystem"]
    proc = confined(prefix, ["batch", "activations", str(folder), "-o", str(out), "--allow-unconfined"], out, home)
    assert proc.returncode == 0 and json.loads((out / "alice.json").read_text())["score"] > 0

