"""The zygote: a clean interpreter with numpy loaded, that forks workers.

The grading process never forks workers itself: its memory holds the hidden
suite. Instead it starts one zygote (`Zygote().start()`), a fresh
`python -I` that imports numpy, the worker code and the modules students
commonly import, leaves the network in an empty namespace, and then waits.
Each `spawn` forks a worker from it in about a millisecond.

Control messages travel on a SOCK_SEQPACKET pair as JSON; the worker's
socket and the write end of its output pipe are passed with SCM_RIGHTS.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import asdict
from pathlib import Path

PRELOAD = ("math", "cmath", "random", "itertools", "functools", "collections", "collections.abc",
           "typing", "dataclasses", "statistics", "operator", "copy", "time", "re", "json",
           "warnings", "numbers", "fractions", "decimal", "string", "textwrap", "enum", "abc",
           "contextlib", "types", "heapq", "bisect", "array", "pathlib", "struct", "io",
           "numpy", "numpy.linalg", "numpy.random", "numpy.fft", "numpy.polynomial",
           "numpy.testing", "numpy.lib.stride_tricks")
ROOT = Path(__file__).resolve().parents[2]


def _decode_status(status: int) -> dict:
    if os.WIFSIGNALED(status):
        return {"signal": os.WTERMSIG(status)}
    return {"exit": os.WEXITSTATUS(status)}


def serve(ctrl: socket.socket) -> None:
    """The zygote's loop; returns when the grader closes the control socket."""
    import importlib

    from autograder.sandbox import isolation, protocol, worker

    network = isolation.isolate_network()
    for name in PRELOAD:
        importlib.import_module(name)
    statuses: dict[int, dict] = {}
    children: set[int] = set()
    try:
        while True:
            try:
                data, fds, _, _ = socket.recv_fds(ctrl, 1 << 16, 2)
            except OSError:
                break
            if not data:
                break
            request = json.loads(data)
            if request["op"] == "spawn":
                child_fd, out_fd = fds
                pid = os.fork()
                if pid == 0:
                    ctrl.close()
                    _worker_main(child_fd, out_fd, request, network, isolation, protocol, worker)
                os.close(child_fd)
                os.close(out_fd)
                children.add(pid)
                ctrl.send(json.dumps({"pid": pid, "network": network}).encode())
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
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass


def _worker_main(child_fd, out_fd, request, network, isolation, protocol, worker) -> None:
    """In the forked child: wall in, then import and serve. Never returns."""
    code = 0
    try:
        os.dup2(out_fd, 1)
        os.dup2(out_fd, 2)
        os.close(out_fd)
        for stream in (sys.stdout, sys.stderr):   # a killed worker must not lose buffered output
            stream.reconfigure(line_buffering=True, write_through=True)
        sock = socket.socket(fileno=child_fd)
        workdir = Path(request["workdir"])
        iso = isolation.enter_sandbox(
            workdir, [Path(p) for p in request["hide"]], [Path(p) for p in request["keep"]],
            isolation.Limits(**request["limits"]), network)
        protocol.send(sock, {"isolation": iso.to_dict()})
        worker.run(sock, workdir / request["student_file"])
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

    def __init__(self):
        self._proc: subprocess.Popen | None = None
        self._ctrl: socket.socket | None = None
        self._lock = threading.Lock()
        self.network = "unknown"

    def __enter__(self) -> "Zygote":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> "Zygote":
        if self.alive:
            return self
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONHASHSEED": "0",
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
               "NUMEXPR_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1", "LANG": "C.UTF-8"}
        code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
                f"from autograder.sandbox.zygote import _zygote_main; _zygote_main({theirs.fileno()})")
        quiet = None if os.environ.get("NNGRADE_DEBUG") else subprocess.DEVNULL
        self._proc = subprocess.Popen([sys.executable, "-I", "-c", code], pass_fds=[theirs.fileno()],
                                      env=env, stdin=subprocess.DEVNULL, stdout=quiet, stderr=quiet,
                                      cwd="/", start_new_session=True)
        theirs.close()
        self._ctrl = ours
        return self

    def _ask(self, request: dict, fds: list[int] = (), timeout: float = 60.0) -> dict:
        with self._lock:
            if not self.alive:
                self.close()
                self.start()
            self._ctrl.settimeout(timeout)
            socket.send_fds(self._ctrl, [json.dumps(request).encode()], list(fds))
            data = self._ctrl.recv(1 << 16)
            if not data:
                raise RuntimeError("the sandbox zygote stopped unexpectedly")
            return json.loads(data)

    def spawn(self, workdir: Path, student_file: str, hide: list[Path], keep: list[Path],
              limits) -> tuple[int, socket.socket, int]:
        """Fork a worker for `workdir/student_file`: (pid, socket to it, read end of its output)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        out_r, out_w = os.pipe()
        try:
            reply = self._ask({"op": "spawn", "workdir": str(workdir), "student_file": student_file,
                               "hide": [str(p) for p in hide], "keep": [str(p) for p in keep],
                               "limits": asdict(limits)}, [theirs.fileno(), out_w])
        finally:
            theirs.close()
            os.close(out_w)
        self.network = reply["network"]
        return int(reply["pid"]), ours, out_r

    def status(self, pid: int) -> dict:
        """How worker `pid` ended: {"exit": code} or {"signal": number}. Kill it first."""
        try:
            return self._ask({"op": "status", "pid": pid}, timeout=10.0)
        except (OSError, RuntimeError, ValueError):
            return {"exit": None}

    def close(self) -> None:
        if self._ctrl is not None:
            self._ctrl.close()
            self._ctrl = None
        if self._proc is not None:
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc = None


def _zygote_main(fd: int) -> None:
    import ctypes
    ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)   # die with the grader
    serve(socket.socket(fileno=fd))
