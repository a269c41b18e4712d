"""The worker: imports one submission and answers calls, inside the sandbox.

It runs in a process forked from the zygote, after `isolation.enter`. Its own
code was imported before the fork (the checkout is not inside its walls); the
standard library and numpy stay readable, so they import lazily as usual.

Requests (see protocol.py):
    {"op": "call", "fn": name, "args": ..., "kwargs": ..., "keep": [i, ...], "shm": [offsets]}
        (+ a new shared-memory file for array arguments, as an fd, when the grader made one)
    {"op": "has", "fn": name}
Replies: {"ok": value, "report": Report} or {"error": message, "kind": "error" | "not_started"},
with "kept": whether student code still holds views of the shared memory (see protocol.Arena).
The first message a worker sends is {"ready": true} or {"import_error": message}.

Everything this process says is only believed as data: the grader itself
observes in-place writes (shared memory) and time (the kernel's CPU clock).
"""
from __future__ import annotations

import builtins
import importlib.util
import mmap
import os
import random
import sys
from pathlib import Path

import numpy as np

from autograder.sandbox import protocol
from grading_contract import wire
from grading_contract.calls import Handle, NotStarted, StudentError, call_student, import_error, plain_result


def _from_wire(kind: str, spec):
    """A registered wire type's object (grading_contract.wire), rebuilt from its spec."""
    try:
        return wire.from_wire(kind, spec)
    except wire.UnknownWireType as exc:
        raise StudentError(str(exc)) from None


class Worker:
    def __init__(self, sock, student_path: Path):
        self.sock = sock
        self.inbox = protocol.Inbox(sock)
        self.path = student_path
        self.module = None
        self.handles: dict[int, object] = {}
        self.arena: mmap.mmap | None = None   # the grader's shared-memory file of array arguments
        self.arena_refs = 0                   # ... and its reference count without any view
        self.pristine_builtins = dict(builtins.__dict__)

    def restore_builtins(self) -> None:
        """Undo what student code did to builtins (isinstance = lambda *a: True, ...).

        The worker's own code then keeps working, and the submission gets an honest
        grade of what its functions return instead of a crashed worker.
        """
        current = builtins.__dict__
        try:
            if current == self.pristine_builtins:   # the usual case, compared in C (identity first)
                return
        except Exception:  # noqa: BLE001 - a replaced builtin's __eq__ raised: restore below
            pass
        for name in current.keys() - self.pristine_builtins.keys():
            del current[name]
        current.update(self.pristine_builtins)

    def handle(self, value, function: str) -> Handle:
        h = Handle(len(self.handles) + 1, type(value).__name__, function)
        self.handles[h.id] = value
        return h

    def _from_handle(self, id: int, type_name: str, fn: str):
        if id not in self.handles:
            raise StudentError(f"a value returned by {fn} is no longer available "
                               f"(the worker restarted after an earlier error)")
        return self.handles[id]

    def import_submission(self) -> None:
        spec = importlib.util.spec_from_file_location(self.path.stem, self.path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[self.path.stem] = module
        spec.loader.exec_module(module)
        self.module = module

    @staticmethod
    def flush() -> None:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass

    @staticmethod
    def error(exc: StudentError) -> dict:
        return {"error": str(exc), "kind": "not_started" if isinstance(exc, NotStarted) else "error"}

    def serve_one(self, header: dict, blobs: list, fd: int) -> None:
        if fd >= 0:     # a new shared-memory file for array arguments (protocol.Arena)
            try:
                self.arena = mmap.mmap(fd, os.fstat(fd).st_size)
                self.arena_refs = sys.getrefcount(self.arena)   # no views yet (counted as below)
            finally:
                os.close(fd)
        reply, out = self.answer(header, blobs)
        # Every view of the arena the call made is gone unless student code kept one (a cache):
        # then the grader must not write the next call's arguments over it.
        kept = self.arena is not None and sys.getrefcount(self.arena) > self.arena_refs
        if kept:
            self.arena = None
        self.flush()
        protocol.send(self.sock, dict(reply, kept=kept), out)

    def answer(self, header: dict, blobs: list) -> tuple[dict, list[bytes]]:
        """The reply to one request, and its blobs."""
        name = str(header.get("fn", ""))
        fn = getattr(self.module, name, None)
        if header.get("op") == "has":
            return {"ok": callable(fn)}, []
        if not callable(fn):
            return self.error(StudentError(f"{self.path.name} has no function `{name}`; "
                                           f"define it with exactly this name", name)), []
        shm = header.get("shm") or []
        if shm and self.arena is None:
            raise protocol.ProtocolError("array arguments without a shared-memory file")
        try:
            shared = (self.arena, list(shm)) if shm else None
            args = protocol.decode(header["args"], blobs, self._from_handle, _from_wire, shared)
            kwargs = protocol.decode(header["kwargs"], blobs, self._from_handle, _from_wire, shared)
            try:
                value, report = call_student(fn, name, tuple(args), dict(kwargs), str(self.path))
            finally:
                self.restore_builtins()
            plain = plain_result(value, lambda v: self.handle(v, name), tuple(header.get("keep", ())))
            out: list[bytes] = []
            return {"ok": protocol.encode(plain, out), "report": report.to_dict()}, out
        except StudentError as exc:
            return self.error(exc), []
        except (ValueError, TypeError, RecursionError) as exc:
            return self.error(StudentError(f"{name} returned a value the grader cannot read "
                                           f"({type(exc).__name__}); return numbers and numpy arrays", name)), []

    def serve(self) -> None:
        while True:
            try:
                header, blobs, fd = self.inbox.recv(want_fd=True)
                self.serve_one(header, blobs, fd)
            except (EOFError, OSError, protocol.ProtocolError):
                return


def run(sock, student_path: Path) -> None:
    """Import the submission, report, then serve calls until the grader hangs up."""
    random.seed(0)
    np.random.seed(0)
    sys.dont_write_bytecode = True   # nothing to gain from a cache in a folder that dies with the worker
    worker = Worker(sock, student_path)
    try:
        worker.import_submission()
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - whatever the import raises
        worker.restore_builtins()
        Worker.flush()
        protocol.send(sock, {"import_error": str(import_error(exc, str(student_path)))})
        return
    worker.restore_builtins()
    Worker.flush()
    protocol.send(sock, {"ready": True})
    worker.serve()


def exit_now(code: int = 0) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
