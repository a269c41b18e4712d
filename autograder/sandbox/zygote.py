"""The zygote: a clean interpreter with numpy loaded, that forks workers.

The grading process never forks workers itself: its memory holds the hidden
suite. Instead it starts one zygote (`Zygote().start()`), a fresh
`python -I` that imports numpy, the worker code and the modules students
commonly import, leaves the network in an empty namespace, builds the
workers' root once (rootfs.py), and then waits. Workers are forked straight
from it: with namespaces, as pid 1 of a PID namespace of its own (it sees no
other process), with no supervisor process in between.

A worker is forked *before* it is asked for: a spare, which raises at once the
walls that need no submission (isolation.prepare: its namespaces, its allow-list
root with an empty /submission, its uid, the seccomp filter) and waits. A `spawn`
hands the spare its request, and the zygote forks the next spare while the new
worker starts. So the fork and most of the walls are off the path a grader waits
on (benchmarks/RESULTS.md).

Control messages travel on a SOCK_SEQPACKET pair as JSON; the worker's
socket, the write end of its output pipe and the student's file (read-only)
are passed with SCM_RIGHTS, and the reply carries a pidfd of the new worker
(the grader's handle on it: its pid on this machine, its CPU clock, its kill,
safe from pid reuse).
"""
from __future__ import annotations

import functools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict
from pathlib import Path

from autograder.sandbox import cpus

# Only for speed: workers fork with these already imported. Any other standard-library
# module imports lazily inside the worker, as on the student's machine.
PRELOAD = ("numpy", "numpy.linalg", "numpy.random", "numpy.fft", "numpy.polynomial",
           "numpy.testing", "numpy.lib.stride_tricks", "math", "random", "functools", "itertools",
           "collections", "dataclasses", "typing", "warnings")
ROOT = Path(__file__).resolve().parents[2]
KEPT_STATUSES = 256   # how ended workers ended, kept for the grader to ask (it asks right after a death)


class SandboxUnavailable(RuntimeError):
    """This machine cannot run the sandbox at all (not Linux)."""


def require_linux() -> None:
    """Stop at once, with the way out, where the sandbox cannot exist."""
    if not sys.platform.startswith("linux"):
        from autograder.cli import NOT_LINUX
        raise SandboxUnavailable(NOT_LINUX)


def _decode_status(status: int) -> dict:
    if os.WIFSIGNALED(status):
        return {"signal": os.WTERMSIG(status)}
    return {"exit": os.WEXITSTATUS(status)}


def _forget_oldest(statuses: dict[int, dict], keep: int = KEPT_STATUSES) -> None:
    """Drop the oldest statuses beyond `keep`: nobody asked for them (a timeout, a closed backend)."""
    while len(statuses) > keep:
        del statuses[next(iter(statuses))]


def serve(ctrl: socket.socket, packages: tuple[str, ...], scratch: str, shared_root: bool = True) -> None:
    """The zygote's loop; returns when the grader closes the control socket.

    `scratch`: an empty folder where the workers' root is built once (rootfs.build_template),
    or, if not `shared_root` or the kernel refuses, where each worker builds its own.
    """
    import importlib

    from autograder.sandbox import isolation, syscalls, worker
    from grading_contract import wire

    plan = isolation.Plan.detect(packages)
    if shared_root:
        plan.build_template(scratch)
    own_pids = _own_pid_namespace(ctrl) if plan.mode == "namespaces" else -1
    for name in PRELOAD + packages:
        importlib.import_module(name)
    wire_types = wire.load_all()   # objects that cross as specs (e.g. targets): their modules, before the walls
    if syscalls.available():
        import pyseccomp  # noqa: F401 - loading libseccomp needs files the walls hide
        syscalls.compile_once()
    ctrl.send(json.dumps({"mode": plan.mode, "notes": plan.notes, "wire_types": wire_types}).encode())
    statuses: dict[int, dict] = {}
    children: set[int] = set()
    fork_spare = functools.partial(_fork_spare, ctrl, own_pids, plan, scratch, isolation, worker, children)
    spare: tuple[int, socket.socket] | None = None   # the next worker, walled in, waiting for its request
    try:
        spare = _try(fork_spare)
        while True:
            try:
                data, fds, _, _ = socket.recv_fds(ctrl, 1 << 16, 3)
            except OSError:
                break
            if not data:
                break
            request = json.loads(data)
            if request["op"] == "spawn":
                try:
                    pid = _hand_over(spare, data, fds)
                except OSError:   # no spare (its fork failed) or it is gone: one more, now
                    pid = _hand_over(fork_spare(), data, fds)
                finally:
                    spare = None
                    for fd in fds:
                        os.close(fd)
                pidfd = os.pidfd_open(pid)   # the grader's handle on it, safe from pid reuse
                try:
                    socket.send_fds(ctrl, [json.dumps({"pid": pid}).encode()], [pidfd])
                finally:
                    os.close(pidfd)
                spare = _try(fork_spare)   # while the new worker starts
            elif request["op"] == "status":
                pid = int(request["pid"])
                if pid in children and pid not in statuses:
                    statuses[pid] = _decode_status(os.waitpid(pid, 0)[1])
                    children.discard(pid)
                ctrl.send(json.dumps(statuses.pop(pid, {"exit": None})).encode())
            for pid in list(children):   # reap quietly whatever has ended
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    statuses[pid] = _decode_status(status)
                    children.discard(pid)
            _forget_oldest(statuses)
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass


def _fork_spare(ctrl, own_pids, plan, scratch, isolation, worker, children) -> tuple[int, socket.socket]:
    """Fork the next worker, which raises the walls that need no submission and waits (`_spare_main`)."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = _fork_worker(own_pids)
    if pid == 0:
        ctrl.close()
        ours.close()
        _spare_main(theirs, plan, scratch, isolation, worker)
    theirs.close()
    children.add(pid)
    return pid, ours


def _try(fork_spare) -> tuple[int, socket.socket] | None:
    """A spare, or None if the fork fails now (the next spawn tries again, and fails loudly)."""
    try:
        return fork_spare()
    except OSError:
        return None


def _hand_over(spare: tuple[int, socket.socket] | None, request: bytes, fds: list[int]) -> int:
    """Give the spare its request (and the grader's file descriptors); its pid."""
    if spare is None:
        raise OSError("no spare worker")
    pid, sock = spare
    try:
        socket.send_fds(sock, [request], fds)
    finally:
        sock.close()
    return pid


def _own_pid_namespace(ctrl: socket.socket) -> int:
    """Make this zygote pid 1 of a PID namespace of its own; an fd of that namespace.

    A worker is forked straight into a fresh PID namespace (`_fork_worker`): unshare
    CLONE_NEWPID, fork, then setns back for the next one. setns needs CAP_SYS_ADMIN
    over the namespace it returns to, which a normal user's zygote (in a user
    namespace) has only for a PID namespace made inside it: hence this one, made by
    forking once. The first process only waits and ends as the zygote ends.
    """
    from autograder.sandbox import linux
    linux.unshare(linux.CLONE_NEWPID)
    pid = os.fork()
    if pid:
        ctrl.close()
        status = os.waitpid(pid, 0)[1]
        os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 70)
    linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)   # die with the process the grader started
    return os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)


def _fork_worker(own_pids: int) -> int:
    """Fork a worker: with `own_pids` (an fd of our PID namespace), as pid 1 of a new one. 0 in the child."""
    if own_pids < 0:
        return os.fork()
    from autograder.sandbox import linux
    linux.unshare(linux.CLONE_NEWPID)   # our next child is pid 1 of a new namespace ...
    try:
        pid = os.fork()
    except OSError:
        linux.setns(own_pids, linux.CLONE_NEWPID)
        raise
    if pid:
        linux.setns(own_pids, linux.CLONE_NEWPID)   # ... and the one after it of another
    return pid


def _spare_main(sock: socket.socket, plan, scratch: str, isolation, worker) -> None:
    """In a spare worker: wall in, wait for a request, finish the walls, import and serve. Never returns.

    The request comes with three file descriptors: the worker's socket to its grader, the
    write end of its output pipe and the student's file (read-only).
    """
    from autograder.sandbox import linux
    code = 0
    try:
        os.setsid()
        linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)   # die with the zygote
        try:
            host_pid = int(os.readlink("/proc/self"))   # the host's /proc, until the walls go up
        except (OSError, ValueError):
            host_pid = os.getpid()                      # (the same, where workers share our PIDs)
        os.closerange(3, sock.fileno())
        os.closerange(sock.fileno() + 1, 1 << 16)
        try:
            iso = isolation.prepare(plan, host_pid, scratch)
            refused = None
        except Exception as exc:  # noqa: BLE001 - a wall that did not go up: this worker fails once asked for
            refused = exc
        data, fds, _, _ = socket.recv_fds(sock, 1 << 16, 3)
        sock.close()
        if not data:   # the zygote is closing
            os._exit(0)
        if refused is not None:
            raise refused
        request = json.loads(data)
        child_fd, out_fd, source_fd = fds
        if request.get("cpus"):   # its grader's CPUs: the ping-pong of calls stays on one core
            cpus.pin(request["cpus"])
        os.dup2(out_fd, 1)
        os.dup2(out_fd, 2)
        os.close(out_fd)
        for stream in (sys.stdout, sys.stderr):   # a killed worker must not lose buffered output
            stream.reconfigure(line_buffering=True, write_through=True)
        workdir = Path(request["workdir"]) if request.get("workdir") else None
        path = isolation.enter(plan, iso, host_pid, workdir, request["student_file"], source_fd,
                               isolation.Limits(**request["limits"]))
        from autograder.sandbox import protocol
        channel = socket.socket(fileno=child_fd)
        protocol.send(channel, {"isolation": iso.to_dict()})
        worker.run(channel, path)
    except BaseException:  # noqa: BLE001 - the child must never return into the zygote
        code = 70   # backend.WORKER_CRASHED
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


class Zygote:
    """The grader's handle on a zygote process. Use as a context manager."""

    def __init__(self, packages: tuple[str, ...] = (), launcher: tuple[str, ...] = (), shared_root: bool = True):
        self.packages = ("numpy", *sorted(set(packages) - {"numpy"}))   # what workers may import
        self.launcher = tuple(launcher)   # a command the zygote runs under (tests: refuse namespaces)
        self.shared_root = shared_root    # build the workers' root once (else each worker builds its own)
        self._proc: subprocess.Popen | None = None
        self._ctrl: socket.socket | None = None
        self._lock = threading.RLock()
        self._hello: dict | None = None   # what the zygote said once ready (read on first use)
        self._scratch: str | None = None  # the empty folder where the workers' root is built

    @property
    def mode(self) -> str:
        """"namespaces", "landlock" or "none" (isolation.py); "unknown" before start()."""
        return self._ready().get("mode", "unknown")

    @property
    def notes(self) -> list[str]:
        """What the kernel refused, if anything."""
        return self._ready().get("notes", [])

    @property
    def wire_types(self) -> list[str]:
        """Modules whose types cross the wire as specs (wire.py)."""
        return self._ready().get("wire_types", [])

    def __enter__(self) -> "Zygote":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> "Zygote":
        """Launch the zygote and return at once: it boots while the grader collects its suite.

        The first spawn (or a look at `mode`) waits for the zygote to be ready.
        """
        if self.alive:
            return self
        require_linux()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONHASHSEED": "0",
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
               "NUMEXPR_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1", "LANG": "C.UTF-8"}
        self._remove_scratch()
        self._scratch = tempfile.mkdtemp(prefix="nngrade-zygote-")
        code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
                f"from autograder.sandbox.zygote import _zygote_main; "
                f"_zygote_main({theirs.fileno()}, {self.packages!r}, {self._scratch!r}, {self.shared_root!r})")
        quiet = None if os.environ.get("NNGRADE_DEBUG") else subprocess.DEVNULL
        self._proc = subprocess.Popen([*self.launcher, sys.executable, "-I", "-c", code], pass_fds=[theirs.fileno()],
                                      env=env, stdin=subprocess.DEVNULL, stdout=quiet, stderr=quiet,
                                      cwd="/", start_new_session=True)
        theirs.close()
        self._ctrl = ours
        self._hello = None
        return self

    def _ready(self) -> dict:
        """The zygote's hello (which walls this machine grants), waiting for it the first time."""
        with self._lock:
            if self._hello is None and self._ctrl is not None:
                try:
                    self._ctrl.settimeout(120)
                    self._hello = json.loads(self._ctrl.recv(1 << 16) or b"{}")
                except (OSError, ValueError):
                    self._hello = {}
            return self._hello or {}

    def _ask(self, request: dict, fds: list[int] = (), timeout: float = 60.0) -> tuple[dict, list[int]]:
        """Send a request (with `fds`); its reply and the file descriptors that came with it."""
        with self._lock:
            if not self.alive:
                self.close()
                self.start()
            self._ready()
            self._ctrl.settimeout(timeout)
            socket.send_fds(self._ctrl, [json.dumps(request).encode()], list(fds))
            data, got, _, _ = socket.recv_fds(self._ctrl, 1 << 16, 1)
            if not data:
                raise RuntimeError("the sandbox zygote stopped unexpectedly")
            return json.loads(data), list(got)

    def spawn(self, student_path: Path, limits, workdir: Path | None = None) -> tuple[int, socket.socket, int, int]:
        """Start a worker for the file `student_path`: (pid, socket to it, read end of its output, pidfd).

        The worker gets the file as an open, read-only descriptor and copies it into its own
        folder: its /submission, or `workdir` (an empty folder; where the walls are not
        namespaces, they need one on the host). The pid is as the zygote sees it (for
        `status`); the pidfd, a handle on the worker that no other process can take over,
        gives its pid on this machine (its CPU clock).
        """
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        out_r, out_w = os.pipe()
        source = os.open(student_path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            reply, fds = self._ask({"op": "spawn", "workdir": str(workdir) if workdir else "",
                                    "student_file": Path(student_path).name,
                                    "limits": asdict(limits), "cpus": cpus.allowed()},
                                   [theirs.fileno(), out_w, source])
        finally:
            theirs.close()
            os.close(out_w)
            os.close(source)
        if not fds:
            ours.close()
            os.close(out_r)
            raise RuntimeError("the sandbox zygote sent no handle on the worker it started")
        return int(reply["pid"]), ours, out_r, fds[0]

    def status(self, pid: int) -> dict:
        """How worker `pid` ended: {"exit": code} or {"signal": number}. Kill it first."""
        try:
            return self._ask({"op": "status", "pid": pid}, timeout=10.0)[0]
        except (OSError, RuntimeError, ValueError):
            return {"exit": None}

    def close(self) -> None:
        if self._ctrl is not None:
            self._ctrl.close()
            self._ctrl = None
        if self._proc is not None:
            if self._hello is None:   # still booting (nothing was graded): no need to wait for it
                self._proc.kill()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc = None
        self._remove_scratch()

    def _remove_scratch(self) -> None:
        if self._scratch is not None:   # empty for the host: the zygote mounted only in its own namespace
            try:
                os.rmdir(self._scratch)
            except OSError:
                pass
            self._scratch = None


def _zygote_main(fd: int, packages: tuple[str, ...], scratch: str, shared_root: bool = True) -> None:
    from autograder.sandbox import linux
    linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)   # die with the grader
    serve(socket.socket(fileno=fd), tuple(packages), scratch, shared_root)
    os._exit(0)   # nothing to flush or save: skip tearing down numpy's interpreter (~0.1 s the grader waits)
