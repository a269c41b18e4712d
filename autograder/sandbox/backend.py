"""The grader's side of the sandbox: `student.relu(x)` as a message to a worker.

One `SandboxBackend` serves one submission. It forks a worker from the
zygote on first use and again after the worker dies or times out, so one
crash or hang fails only the test it happened in. Calls share a deadline:
the test's timeout, capped by the submission's whole time budget.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from pathlib import Path

from autograder.sandbox import protocol
from autograder.sandbox.isolation import Limits
from student_lib.calls import CallInfo, Handle, NotStarted, StudentError, StudentTimeout

STRIKE_TIMEOUTS = (0.5, 0.1)  # seconds per test after the first timeout, and after the third
OUTPUT_CAP = 16_000
WORKER_CRASHED = 70   # the exit code of a worker whose own machinery failed (zygote.py)   # characters of the student's own output kept for the report
SIGNAL_REASONS = {signal.SIGXCPU: "it used up its CPU time limit",
                  signal.SIGSEGV: "it crashed (segmentation fault)",
                  signal.SIGKILL: "it was killed (memory or time limit)",
                  signal.SIGABRT: "it aborted"}


class OutputCollector:
    """Drains workers' stdout/stderr pipes; keeps the first OUTPUT_CAP characters."""

    def __init__(self, cap: int = OUTPUT_CAP):
        self.cap, self.kept, self.dropped = cap, bytearray(), 0
        self.threads: list[threading.Thread] = []
        self.lock = threading.Lock()

    def follow(self, fd: int) -> None:
        t = threading.Thread(target=self._drain, args=(fd,), daemon=True)
        t.start()
        self.threads.append(t)

    def _drain(self, fd: int) -> None:
        with os.fdopen(fd, "rb", buffering=0) as pipe:
            while chunk := pipe.read(65536):
                with self.lock:
                    room = max(0, self.cap - len(self.kept))
                    self.kept += chunk[:room]
                    self.dropped += len(chunk) - min(room, len(chunk))

    def text(self) -> str:
        for t in self.threads:
            t.join(timeout=2)
        text = self.kept.decode("utf-8", errors="replace")
        if self.dropped:
            text += f"\n[... {self.dropped} more bytes of output not shown]"
        return text


class SandboxBackend:
    """Calls into a sandboxed worker for one submission (see student_lib.testing)."""

    sandboxed = True

    def __init__(self, zygote, student_path: Path, *, hide: list[Path] = (), keep: list[Path] = (),
                 limits: Limits | None = None, budget_seconds: float = 120.0,
                 import_timeout: float = 20.0):
        self.zygote = zygote
        self.student_path = Path(student_path)
        self.hide, self.keep = list(hide), list(keep)
        self.limits = limits or Limits()
        self.budget_deadline = time.monotonic() + budget_seconds
        self.budget_seconds = budget_seconds
        self.import_timeout = import_timeout
        self.output = OutputCollector()
        self.isolation: dict = {}
        self.last_call: CallInfo | None = None
        self.deadline = self.budget_deadline
        self.generation = 0
        self._pid: int | None = None
        self._sock: socket.socket | None = None
        self._workdirs: list[Path] = []
        self._import_error: str | None = None
        self.timeouts = 0   # after a timeout, later tests get short leashes

    # ------------------------------------------------------------ lifecycle
    def start_test(self, timeout: float) -> None:
        self.last_call = None
        if self.timeouts >= 3:   # a submission that hangs again and again gets a short leash
            timeout = min(timeout, STRIKE_TIMEOUTS[1])
        elif self.timeouts:
            timeout = min(timeout, max(STRIKE_TIMEOUTS[0], 0.05 * timeout))
        self.deadline = min(time.monotonic() + timeout, self.budget_deadline)
        if time.monotonic() >= self.budget_deadline:
            raise StudentTimeout(f"your submission used up its total time budget "
                                 f"({self.budget_seconds:.0f} s), so this test was not run")

    def probe(self) -> str | None:
        """Start a worker and import the submission; the import error message, if any."""
        self.deadline = min(time.monotonic() + self.import_timeout, self.budget_deadline)
        try:
            self._ensure_worker()
        except StudentError as exc:
            return str(exc)
        return None

    def _fresh_workdir(self) -> Path:
        workdir = Path(tempfile.mkdtemp(prefix="nngrade-worker-"))
        shutil.copy2(self.student_path, workdir / self.student_path.name)
        self._workdirs.append(workdir)
        return workdir

    def _ensure_worker(self) -> None:
        if self._import_error is not None:
            raise StudentError(self._import_error)
        if self._sock is not None:
            return
        workdir = self._fresh_workdir()
        self._pid, self._sock, out_r = self.zygote.spawn(
            workdir, self.student_path.name, self.hide, self.keep + [workdir], self.limits)
        self.generation += 1
        self.output.follow(out_r)
        header = self._receive("importing your file")
        self.isolation = dict(header.get("isolation", {}))
        header = self._receive("importing your file")
        if "import_error" in header:
            self._import_error = str(header["import_error"])
            self._stop()
            raise StudentError(self._import_error)

    def _stop(self) -> dict:
        """Kill the worker (if any) and say how it ended."""
        status: dict = {}
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            status = self.zygote.status(self._pid)
        if self._sock is not None:
            self._sock.close()
        self._pid = self._sock = None
        return status

    def close(self) -> None:
        self._stop()
        for workdir in self._workdirs:
            shutil.rmtree(workdir, ignore_errors=True)
            workdir.with_name(workdir.name + ".empty").unlink(missing_ok=True)

    # ----------------------------------------------------------------- calls
    def _receive(self, doing: str) -> dict:
        remaining = self.deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise socket.timeout
            self._sock.settimeout(remaining)
            header, self._blobs = protocol.recv(self._sock)
            return header
        except socket.timeout:
            self._stop()
            self.timeouts += 1
            raise StudentTimeout(f"{doing[0].upper() + doing[1:]} did not finish within the time "
                                 f"limit: an infinite loop, or very slow code?") from None
        except (EOFError, OSError, protocol.ProtocolError, ValueError, RecursionError):
            status = self._stop()
            raise StudentError(self._death_message(doing, status)) from None

    @staticmethod
    def _death_message(doing: str, status: dict) -> str:
        if status.get("signal"):
            sig = status["signal"]
            reason = SIGNAL_REASONS.get(sig, f"it was stopped by signal {sig}")
            return f"the process running your code stopped while {doing}: {reason}"
        code = status.get("exit")
        if code == WORKER_CRASHED:
            return (f"the process running your code broke down while {doing}: does your code "
                    f"replace parts of Python or numpy (builtins, np.save, sys.modules) at import?")
        return (f"the process running your code ended while {doing}"
                + (f" (exit code {code})" if code is not None else "")
                + "; does your code call exit(), sys.exit() or os._exit()? Functions must return their result")

    def has(self, name: str) -> bool:
        self._ensure_worker()
        protocol.send(self._sock, {"op": "has", "fn": name})
        return bool(self._receive(f"looking up {name}").get("ok"))

    def _encode_other(self, value):
        if type(value).__module__ == "student_lib.targets" and hasattr(value, "spec"):
            return {"target": value.spec()}
        raise TypeError(f"cannot send a {type(value).__name__} to the sandbox")

    def _decode_handle(self, id: int, type_name: str, fn: str) -> Handle:
        return Handle((self.generation << 32) | id, type_name, fn)

    def _check_handles(self, value, name: str):
        """Handles go back to the worker that made them, by their worker-local id."""
        if isinstance(value, Handle):
            if value.id >> 32 != self.generation:
                raise StudentError(f"a value returned earlier by {value.function} cannot be used by "
                                   f"{name}: the process running your code restarted after an error", name)
            return Handle(value.id & 0xFFFFFFFF, value.type_name, value.function)
        if type(value) in (list, tuple):
            return type(value)(self._check_handles(v, name) for v in value)
        if type(value) is dict:
            return {k: self._check_handles(v, name) for k, v in value.items()}
        return value

    def call(self, name: str, args: tuple, kwargs: dict, keep: tuple = ()):
        self.last_call = None
        self._ensure_worker()
        args, kwargs = self._check_handles(list(args), name), self._check_handles(dict(kwargs), name)
        blobs: list[bytes] = []
        header = {"op": "call", "fn": name, "keep": list(keep),
                  "args": protocol.encode(args, blobs, self._encode_other),
                  "kwargs": protocol.encode(kwargs, blobs, self._encode_other)}
        try:
            protocol.send(self._sock, header, blobs)
        except OSError:
            raise StudentError(self._death_message(f"running {name}", self._stop()), name) from None
        reply = self._receive(f"running {name}")
        if "error" in reply:
            cls = NotStarted if reply.get("kind") == "not_started" else StudentError
            raise cls(str(reply["error"]), name)
        try:
            value = protocol.decode(reply["ok"], self._blobs, self._decode_handle)
            self.last_call = CallInfo.from_dict(reply["info"])
        except (protocol.ProtocolError, KeyError, TypeError, ValueError, RecursionError):
            self._stop()
            raise StudentError(f"{name} returned a value the grader cannot read; "
                               f"return numbers and numpy arrays", name) from None
        return value
