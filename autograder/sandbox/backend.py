"""The grader's side of the sandbox: `student.relu(x)` as a message to a worker.

One `SandboxBackend` serves one submission. It forks a worker from the
zygote on first use and again after the worker dies or times out, so one
crash or hang fails only the test it happened in.

What a call earns points for is observed here, never reported by the worker:
the values it returns (plain data), whether it wrote into its array arguments
(they live in shared memory, `protocol.Arena`, compared here after the call), and the CPU
time it used (the kernel's clock of the worker process).

Timeouts (README, "How grading works"): a test's student calls share the
test's timeout (its `grade` marker, default 1 s wall). After a first timeout
the submission is on a short leash: a function that timed out is not called
again (its later tests fail at once), and every later test gets a share of its
own timeout: LEASH_FACTOR times the largest share of its timeout that a finished
test's calls used (at least LEASH_FLOOR), counted from when its worker is ready.
A test its author gave 20 s (a training) so gets 20 times the leash of a 1 s test.
Working code keeps its points; a submission whose every function hangs costs one
timeout and ~19 leashes.

Exits: a call that ends the worker (os._exit, exit()) fails its test, and the next call
gets a fresh worker. A function that ended it on EXIT_LIMIT calls in a row (no call of
it returning in between) is not called again: its later calls fail at once, so a file
whose functions all exit costs a few worker starts per function, not one per call.
"""
from __future__ import annotations

import os
import shutil
import select
import signal
import socket
import tempfile
import threading
import time
from pathlib import Path

from autograder.sandbox import linux, protocol
from autograder.sandbox.isolation import Limits
from grading_contract import wire
from grading_contract.calls import (CallInfo, Handle, NotStarted, Report, StudentError, StudentTimeout,
                                    not_run_again, out_of_time)

LEASH_FACTOR, LEASH_FLOOR = 10.0, 0.05   # once timed out: 10 × the largest share, >= 5 % of the timeout
EXIT_LIMIT = 3        # a function that ended its worker on this many calls in a row is not run again
OUTPUT_CAP = 16_000   # characters of the student's own output kept for the report
WORKER_CRASHED = 70   # the exit code of a worker whose own machinery failed (zygote.py)
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
    """Calls into a sandboxed worker for one submission (see grading_contract.rubric)."""

    sandboxed = True

    def __init__(self, zygote, student_path: Path, *, limits: Limits | None = None,
                 budget_seconds: float = 120.0, import_timeout: float = 20.0):
        self.zygote = zygote
        self.student_path = Path(student_path)
        self.limits = limits or Limits()
        self.budget_deadline = time.monotonic() + budget_seconds
        self.budget_seconds = budget_seconds
        self.import_timeout = import_timeout
        self.output = OutputCollector()
        self.isolation: dict = {}
        self.last_call: CallInfo | None = None
        self.measured_costs: dict[str, list[float]] = {}   # Student.measured_costs
        self.deadline = self.budget_deadline
        self.generation = 0
        self.timeouts = 0                   # after a timeout, later tests get a short leash
        self.timed_out: set[str] = set()    # functions not called again
        self.exits: dict[str, int] = {}     # function -> calls in a row that ended its worker
        self._test_timeout = LEASH_FLOOR
        self._test_seconds = 0.0            # wall seconds of calls in the current test
        self._test_declared = 1.0           # ... and its own timeout (its grade marker's)
        self._slowest = 0.0                 # the largest share of its own timeout a finished test used
        self._pid: int | None = None        # the worker, as its zygote sees it (zygote.py)
        self._host_pid: int | None = None   # the worker on this machine, whose CPU clock we read
        self._pidfd: int | None = None      # ... and a handle on it that no other process can reuse
        self._sock: socket.socket | None = None
        self._inbox: protocol.Inbox | None = None   # the worker's messages, read from _sock
        self._blobs: list = []
        self._arena: protocol.Arena | None = None   # shared memory of array arguments, reused
        self._workdirs: list[Path] = []
        self._import_error: str | None = None

    # ------------------------------------------------------------ lifecycle
    def start_test(self, timeout: float) -> None:
        self.last_call = None
        self._slowest = max(self._slowest, self._test_seconds / self._test_declared)
        self._test_seconds, self._test_declared = 0.0, max(timeout, 1e-3)
        if self.timeouts:
            timeout = min(timeout, timeout * max(LEASH_FLOOR, LEASH_FACTOR * self._slowest))
        self._test_timeout = timeout
        self.deadline = min(time.monotonic() + timeout, self.budget_deadline)
        if time.monotonic() >= self.budget_deadline:
            raise StudentTimeout(f"your submission used up its total time budget "
                                 f"({self.budget_seconds:.0f} s), so this test was not run")

    def probe(self) -> str | None:
        """Start a worker and import the submission; the import error message, if any."""
        try:
            self._ensure_worker()
        except StudentError as exc:
            return str(exc)
        return None

    def _fresh_workdir(self) -> Path | None:
        """An empty folder on the host for the worker, where its walls need one (not namespaces)."""
        if self.zygote.mode == "namespaces":
            return None   # it has a /submission of its own
        workdir = Path(tempfile.mkdtemp(prefix="nngrade-worker-"))
        self._workdirs.append(workdir)
        return workdir

    def _ensure_worker(self) -> None:
        if self._import_error is not None:
            raise StudentError(self._import_error)
        if self._sock is not None:
            return
        test_deadline = self.deadline
        self.deadline = min(time.monotonic() + self.import_timeout, self.budget_deadline)
        workdir = self._fresh_workdir()
        self._pid, self._sock, out_r, self._pidfd = self.zygote.spawn(self.student_path, self.limits, workdir)
        self._inbox = protocol.Inbox(self._sock)
        self._host_pid = linux.pidfd_pid(self._pidfd)
        if self._host_pid is None and not select.select([self._pidfd], [], [], 0)[0]:
            self._stop(why=False)   # alive, yet no pid: its CPU clock could not be read
            raise RuntimeError("cannot read the worker's pid from /proc/self/fdinfo: is /proc mounted?")
        self.generation += 1
        self.output.follow(out_r)
        self.isolation = dict(self._receive("starting the process for your code").get("isolation", {}))
        header = self._receive("importing your file")
        if "import_error" in header:
            self._import_error = str(header["import_error"])
            self._stop()
            raise StudentError(self._import_error)
        # the test's own clock starts when its worker is ready: a restart is not the student's time
        self.deadline = max(test_deadline, min(time.monotonic() + self._test_timeout, self.budget_deadline))

    def _stop(self, why: bool = True) -> dict:
        """Kill the worker (if it still runs); with `why`, wait and say how it ended."""
        status: dict = {}
        if self._pidfd is not None:
            try:
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.close(self._pidfd)
        if self._pid is not None and why:
            status = self.zygote.status(self._pid)   # the zygote, its parent, saw how it ended
        if self._sock is not None:
            self._sock.close()
        self._drop_arena()   # a new worker gets a new file
        self._pid = self._host_pid = self._pidfd = self._sock = self._inbox = None
        return status

    def _drop_arena(self) -> None:
        arena, self._arena = self._arena, None
        if arena is not None:
            arena.close()

    def close(self) -> None:
        self._stop(why=False)   # the zygote reaps it in the background
        for workdir in self._workdirs:
            shutil.rmtree(workdir, ignore_errors=True)

    # ----------------------------------------------------------------- calls
    def _receive(self, doing: str, function: str = "") -> dict:
        """The worker's next message (its header; array bytes in self._blobs)."""
        remaining = self.deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise socket.timeout
            self._sock.settimeout(remaining)
            header, self._blobs, _ = self._inbox.recv()
            return header
        except socket.timeout:
            self._stop(why=False)   # we know why: no need to wait while the zygote reaps it
            self.timeouts += 1
            self._test_seconds = 0.0   # a test that timed out is no yardstick
            if function:
                self.timed_out.add(function)
            raise out_of_time(doing) from None
        except (EOFError, OSError, protocol.ProtocolError, ValueError, RecursionError):
            status = self._stop()
            if function and status.get("exit") not in (None, WORKER_CRASHED):   # it exited (not killed)
                self.exits[function] = self.exits.get(function, 0) + 1
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
                    f"replace parts of Python or numpy (builtins, sys.modules) at import?")
        return (f"the process running your code ended while {doing}"
                + (f" (exit code {code})" if code is not None else "")
                + "; does your code call exit(), sys.exit() or os._exit()? Functions must return their result")

    def has(self, name: str) -> bool:
        self._ensure_worker()
        protocol.send(self._sock, {"op": "has", "fn": name})
        return bool(self._receive(f"looking up {name}").get("ok"))

    @staticmethod
    def _encode_other(value):
        spec = wire.to_wire(value)
        if spec is None:
            raise TypeError(f"cannot send a {type(value).__name__} to the sandbox")
        return {"w": spec[0], "spec": spec[1]}

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

    def _cpu(self) -> float:
        """CPU seconds the worker has used so far, from the kernel (0.0 if it is gone)."""
        try:
            return time.clock_gettime_ns(linux.cpu_clock(self._host_pid)) / 1e9
        except (OSError, TypeError):
            return 0.0

    def call(self, name: str, args: tuple, kwargs: dict, keep: tuple = ()):
        self.last_call = None
        if name in self.timed_out:
            raise not_run_again(name)
        if self.exits.get(name, 0) >= EXIT_LIMIT:
            raise StudentError(f"{name} ended the process running your code on each of its last "
                               f"{EXIT_LIMIT} calls (exit(), sys.exit() or os._exit()?), so it was not run "
                               f"again; functions must return their result", name)
        self._ensure_worker()
        args, kwargs = self._check_handles(list(args), name), self._check_handles(dict(kwargs), name)
        blobs: list[bytes] = []
        shared = protocol.SharedArgs()
        owners: list[int] = []       # shared array i belongs to argument owners[i]
        encoded_args = []
        for i, value in enumerate([*args, *kwargs.values()]):
            before = len(shared.arrays)
            encoded_args.append(protocol.encode(value, blobs, self._encode_other, shared))
            owners += [i] * (len(shared.arrays) - before)
        header = {"op": "call", "fn": name, "keep": list(keep), "shm": shared.offsets,
                  "args": {"l": encoded_args[:len(args)]},
                  "kwargs": {"d": dict(zip(kwargs, encoded_args[len(args):]))}}
        fds = []
        if shared.arrays:
            if self._arena is None or self._arena.size < shared.size:
                self._drop_arena()
                self._arena = protocol.Arena(shared.size)
                fds = [self._arena.fd]
            shared.write(self._arena)
        cpu_before, wall_before = self._cpu(), time.monotonic()
        try:
            protocol.send(self._sock, header, blobs, fds)
        except OSError:
            raise StudentError(self._death_message(f"running {name}", self._stop()), name) from None
        reply = self._receive(f"running {name}", name)
        self.exits.pop(name, None)   # it returned: only exits in a row count
        info = CallInfo(name, seconds=max(0.0, self._cpu() - cpu_before),
                        wall_seconds=time.monotonic() - wall_before)
        self._test_seconds += info.wall_seconds
        changed = sorted({owners[i] for i in shared.changed(self._arena)}) if shared.arrays else []
        if reply.get("kept") is not False:
            self._drop_arena()   # student code holds views of it (or the worker did not say)
        if "error" in reply:
            cls = NotStarted if reply.get("kind") == "not_started" else StudentError
            raise cls(str(reply["error"]), name)
        report = Report.from_dict(reply.get("report"))
        names = report.names if len(report.names) == len(args) + len(kwargs) else \
            [f"argument {i + 1}" for i in range(len(args))] + list(kwargs)
        info.mutated = [names[i] for i in changed]
        info.warnings, info.lines = report.warnings, report.lines
        try:
            value = protocol.decode(reply["ok"], self._blobs, self._decode_handle)
        except (protocol.ProtocolError, KeyError, TypeError, ValueError, RecursionError):
            self._stop()
            raise StudentError(f"{name} returned a value the grader cannot read; "
                               f"return numbers and numpy arrays", name) from None
        self.last_call = info
        return value
