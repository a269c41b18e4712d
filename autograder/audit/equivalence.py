"""Is a surviving mutant equivalent? Replay the suites' own calls on it and compare, in the sandbox.

    log = record_calls(assignment, seeds, zygote)        # the reference, graded on these seeds
    why = first_difference(assignment, mutant_path, function, log, zygote)   # None: no difference

`record_calls` grades the reference solution (in a sandboxed worker, as usual)
with a backend that keeps every call the public tests and the hidden suite
make: its arguments, what it returned (plain data), its numpy warnings and the
arguments it changed in place. `first_difference` replays, in a sandboxed
worker running the mutant, the calls to the mutated function (and the calls
that made the handles they take, such as backprop caches) and compares. The
mutant is never imported into this process; only plain data comes back.

"Many random inputs": the suites' own random inputs on seeds that the kill
phase did not use (every call of every test, on every seed), and `random_calls`:
each of those calls again on freshly drawn random floats (a weak suite's fixed
inputs cannot hide a difference that way).
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from grading_contract.calls import Handle, StudentError

REPLAY_TIMEOUT = 20.0      # seconds per replayed test: generous, a slow mutant is not "different"


@dataclass
class Call:
    name: str
    args: list
    kwargs: dict
    keep: tuple
    value: object = None
    error: str = ""                 # the exception's class name, if the call raised
    warnings: list = field(default_factory=list)
    mutated: list = field(default_factory=list)


def _copy(value):
    """A deep copy of plain data; handles and targets are kept as they are (they are immutable)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if type(value) in (list, tuple):
        return type(value)(_copy(v) for v in value)
    if type(value) is dict:
        return {k: _copy(v) for k, v in value.items()}
    return value


class Recorder:
    """A backend that forwards to the sandbox and logs each call (see the module docstring)."""

    def __init__(self, backend):
        self._backend = backend
        self.log: list = []        # "test" markers and Call entries, in order

    def __getattr__(self, name):
        return getattr(self._backend, name)

    def start_test(self, timeout: float) -> None:
        self.log.append("test")
        self._backend.start_test(timeout)

    def call(self, name: str, args: tuple, kwargs: dict, keep: tuple = ()):
        entry = Call(name, _copy(list(args)), _copy(dict(kwargs)), tuple(keep))
        self.log.append(entry)
        try:
            value = self._backend.call(name, args, kwargs, keep)
        except StudentError as exc:
            entry.error = type(exc).__name__
            raise
        info = self._backend.last_call
        entry.value = _copy(value)
        entry.warnings, entry.mutated = sorted(info.warnings), sorted(info.mutated)
        return value


def record_calls(assignment, seeds, zygote) -> list:
    """The call log of the reference solution graded on each seed (plain data only)."""
    from autograder.grading.session import suite_session
    from autograder.sandbox import SandboxBackend

    log: list = []
    for seed in seeds:
        backend = SandboxBackend(zygote, assignment.solution, budget_seconds=assignment.submission_seconds)
        recorder = Recorder(backend)
        try:
            suite_session(assignment.id).run(recorder, seed)
        finally:
            backend.close()
        log += recorder.log
    return log


def _perturb(value, rng):
    """Fresh random data of the same kind: float arrays and floats redrawn around their scale."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.size:
        finite = value[np.isfinite(value)]
        scale = float(np.std(finite)) + 1.0 if finite.size else 1.0
        new = (value + rng.normal(0.0, scale, value.shape)).astype(value.dtype)
        if value.ndim == 1 and value.size > 1 and np.all(np.diff(value) > 0):
            new = np.sort(new)     # knots and grids stay increasing
        return new
    if type(value) is float:
        return value * float(rng.uniform(0.5, 1.5)) + float(rng.normal(0.0, 0.1))
    if type(value) in (list, tuple):
        return type(value)(_perturb(v, rng) for v in value)
    if type(value) is dict:
        return {k: _perturb(v, rng) for k, v in value.items()}
    return value


def random_calls(assignment, log: list, zygote, functions: set[str], copies: int = 2,
                 seed: int = 0) -> list:
    """`copies` variants of every logged call to `functions` that takes no handle, on redrawn
    random inputs, with the reference's answers (computed in the sandbox), as a log to append."""
    from autograder.sandbox import SandboxBackend

    rng = np.random.default_rng(seed)
    backend = SandboxBackend(zygote, assignment.solution, budget_seconds=3600)
    recorder = Recorder(backend)
    try:
        for call in [c for c in log if isinstance(c, Call) and c.name in functions
                     and not _handles([c.args, c.kwargs])]:
            for _ in range(copies):
                recorder.start_test(REPLAY_TIMEOUT)
                try:
                    recorder.call(call.name, tuple(_perturb(call.args, rng)), _perturb(call.kwargs, rng),
                                  call.keep)
                except StudentError:
                    pass         # recorded: the mutant must fail the same way
    finally:
        backend.close()
    return recorder.log


def _handles(value) -> list:
    if isinstance(value, Handle):
        return [value]
    if type(value) in (list, tuple):
        return [h for v in value for h in _handles(v)]
    if type(value) is dict:
        return [h for v in value.values() for h in _handles(v)]
    return []


def _swap(value, mapping: dict):
    if isinstance(value, Handle):
        return mapping.get(id(value), value)
    if type(value) in (list, tuple):
        return type(value)(_swap(v, mapping) for v in value)
    if type(value) is dict:
        return {k: _swap(v, mapping) for k, v in value.items()}
    return value


def _link(reference, replayed, mapping: dict) -> None:
    for a, b in zip(_handles(reference), _handles(replayed)):
        mapping[id(a)] = b


def same(a, b) -> bool:
    """Equal as a grader could ever tell: type, shape, dtype, values (NaN = NaN) to a tight tolerance."""
    if isinstance(a, Handle) or isinstance(b, Handle):
        return isinstance(a, Handle) and isinstance(b, Handle)
    if isinstance(a, (np.ndarray, np.generic)) or isinstance(b, (np.ndarray, np.generic)):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        if a.dtype.kind in "fc":
            tight = 1e-5 if a.dtype.itemsize <= 4 else 1e-9
            return bool(np.allclose(a, b, rtol=tight, atol=tight * 1e-3, equal_nan=True))
        return bool(np.array_equal(a, b))
    if type(a) is not type(b):
        return False
    if type(a) in (list, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if type(a) is dict:
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, float):
        return bool(np.isclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True))
    return a == b


def _needed(log: list, function: str) -> list:
    """The log, keeping test markers, calls to `function`, and the calls that made their handles."""
    wanted = {id(h) for c in log if isinstance(c, Call) and c.name == function
              for h in _handles([c.args, c.kwargs])}
    return [c for c in log if not isinstance(c, Call) or c.name == function
            or any(id(h) in wanted for h in _handles(c.value))]


def first_difference(assignment, mutant_source: str, function: str, log: list, zygote) -> str | None:
    """How the mutant's `function` behaves differently from the reference on the logged calls."""
    from autograder.sandbox import SandboxBackend

    calls = _needed(log, function)
    if not any(isinstance(c, Call) and c.name == function for c in calls):
        return None
    with tempfile.TemporaryDirectory(prefix="nngrade-equiv-") as tmp:
        path = Path(tmp) / assignment.student_file
        path.write_text(mutant_source, encoding="utf-8")
        backend = SandboxBackend(zygote, path, budget_seconds=600)
        try:
            error = backend.probe()
            if error is not None:
                return f"import fails: {error[:200]}"
            mapping: dict = {}
            for n, call in enumerate(calls):
                if not isinstance(call, Call):
                    backend.start_test(REPLAY_TIMEOUT)
                    continue
                try:
                    value = backend.call(call.name, tuple(_swap(call.args, mapping)),
                                         _swap(call.kwargs, mapping), call.keep)
                except StudentError as exc:
                    if call.error:
                        continue
                    return f"call {n} to {call.name} raises {type(exc).__name__}: {str(exc)[:200]}"
                if call.error:
                    return f"call {n} to {call.name}: the reference raises {call.error}, the mutant returns"
                _link(call.value, value, mapping)
                info = backend.last_call
                if call.name != function:
                    continue
                if not same(call.value, value):
                    return f"call {n} to {call.name} returns a different value"
                if sorted(info.warnings) != call.warnings:
                    return f"call {n} to {call.name} warns {sorted(info.warnings)}, not {call.warnings}"
                if sorted(info.mutated) != call.mutated:
                    return f"call {n} to {call.name} changes {sorted(info.mutated)} in place"
        finally:
            backend.close()
    return None
