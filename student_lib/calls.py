"""Calling a student's function and describing what happened.

Used by both backends: in-process for a student's local checks
(`python -m student_lib check`) and inside the sandbox worker at grade time,
so that a call means the same thing in both places.

A call records, besides its return value:
- the numpy warnings it raised (overflow, invalid value, ...),
- which of its array arguments it changed in place,
- how long it took.

Return values are made *plain*: numbers, strings, lists, tuples, dicts and
plain numpy arrays are kept; anything else (an ndarray subclass, an object
array, a custom class, a function) is replaced by an opaque `Handle` that can
be passed back to the student's functions but never compared or read.
"""
from __future__ import annotations

import inspect
import itertools
import linecache
import sys
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAX_ITEMS = 10_000   # longest list/dict returned as data
MAX_DEPTH = 8        # deepest nesting returned as data


class StudentError(Exception):
    """A student's function could not be called or raised an exception.

    The message is written for the student: what happened and where.
    """

    status = "error"

    def __init__(self, message: str, function: str = ""):
        super().__init__(message)
        self.function = function


class NotStarted(StudentError):
    """The function still raises NotImplementedError (scaffold untouched)."""


class StudentTimeout(StudentError):
    """The call ran past its time limit."""

    status = "timeout"


class Handle:
    """An opaque value that a student function returned (e.g. a backprop cache).

    It can be passed back to the student's functions. It cannot be compared,
    converted to an array or inspected: equality is identity.
    """

    __slots__ = ("id", "type_name", "function")

    def __init__(self, id: int, type_name: str, function: str):
        self.id, self.type_name, self.function = id, type_name, function

    def __repr__(self) -> str:
        return f"<{self.type_name} returned by {self.function}>"

    def __array__(self, *args, **kwargs):
        raise TypeError(f"{self.function} returned a {self.type_name}, not a plain numpy array")

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)


@dataclass
class CallInfo:
    """What one call to a student function did, besides its return value."""

    function: str
    warnings: list[str] = field(default_factory=list)
    mutated: list[str] = field(default_factory=list)
    seconds: float = 0.0
    lines: int = 0      # lines of the student's file executed: a loop over n elements runs >= n

    def to_dict(self) -> dict:
        return {"function": self.function, "warnings": self.warnings,
                "mutated": self.mutated, "seconds": self.seconds, "lines": self.lines}

    @classmethod
    def from_dict(cls, d: dict) -> "CallInfo":
        return cls(d["function"], list(d["warnings"]), list(d["mutated"]), float(d["seconds"]),
                   int(d.get("lines", 0)))


class LineCounter:
    """Counts line events in one file while installed (sys.settrace), nothing elsewhere.

    Whole-array numpy code runs a handful of lines whatever the input size; a
    Python loop over the elements (for, comprehension, np.vectorize of a Python
    function, apply_along_axis) runs at least one line per element. Unlike
    timing, the count does not depend on the machine's load.
    """

    def __init__(self, filename: str):
        self.filename, self.count = filename, 0

    def _local(self, frame, event, arg):
        if event == "line":
            self.count += 1
        return self._local

    def _global(self, frame, event, arg):
        return self._local if frame.f_code.co_filename == self.filename else None

    def __enter__(self):
        self._previous = sys.gettrace()
        sys.settrace(self._global)
        return self

    def __exit__(self, *exc):
        sys.settrace(self._previous)


def is_plain_array(value) -> bool:
    """A numpy array of the exact class ndarray holding numbers, bools or text."""
    return type(value) is np.ndarray and value.dtype.kind in "biufcSU"


def is_plain_scalar(value) -> bool:
    return type(value) in (bool, int, float, str, type(None)) or (
        isinstance(value, np.generic) and type(value).__module__ == "numpy"
        and np.dtype(type(value)).kind in "biufcSU")


def to_plain(value, make_handle, depth: int = 0):
    """`value` with every non-plain part replaced by `make_handle(part)`."""
    if is_plain_scalar(value):
        return value
    if is_plain_array(value):
        return value.copy()
    if depth < MAX_DEPTH:
        if type(value) in (list, tuple) and len(value) <= MAX_ITEMS:
            return type(value)(to_plain(v, make_handle, depth + 1) for v in value)
        if type(value) is dict and len(value) <= MAX_ITEMS and all(type(k) is str for k in value):
            return {k: to_plain(v, make_handle, depth + 1) for k, v in value.items()}
    return make_handle(value)


def plain_result(value, make_handle, keep: tuple = ()):
    """The plain form of a return value; tuple positions in `keep` become handles."""
    if keep and type(value) is tuple:
        return tuple(make_handle(v) if i in keep else to_plain(v, make_handle)
                     for i, v in enumerate(value))
    return to_plain(value, make_handle)


def _snapshot(value, depth: int = 0):
    """Copies of the arrays inside an argument, to detect in-place changes."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if depth < 3 and isinstance(value, (list, tuple)):
        return [_snapshot(v, depth + 1) for v in value]
    if depth < 3 and isinstance(value, dict):
        return {k: _snapshot(v, depth + 1) for k, v in value.items()}
    return None


def _changed(before, after) -> bool:
    if isinstance(before, np.ndarray):
        return not (isinstance(after, np.ndarray) and before.shape == after.shape
                    and np.array_equal(before, after, equal_nan=before.dtype.kind in "fc"))
    if isinstance(before, list):
        return any(_changed(b, a) for b, a in zip(before, list(after.values()) if isinstance(after, dict) else after))
    if isinstance(before, dict):
        return any(k not in after or _changed(b, after[k]) for k, b in before.items())
    return False


def _argument_names(fn, n_args: int, kwargs: dict) -> list[str]:
    try:
        params = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        params = []
    names = [params[i] if i < len(params) else f"argument {i + 1}" for i in range(n_args)]
    return names + list(kwargs)


def where_in_student_code(exc: BaseException, student_file: str) -> str:
    """'line 12: return 1 / (1 + np.exp(-x))' for the last frame in the student's file."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == student_file]
    if not frames:
        return ""
    last = frames[-1]
    code = (last.line or linecache.getline(student_file, last.lineno)).strip()
    return f"line {last.lineno}: {code}" if code else f"line {last.lineno}"


def describe_exception(exc: BaseException, function: str, student_file: str) -> StudentError:
    """Turn an exception raised by student code into a message for the student."""
    where = where_in_student_code(exc, student_file)
    at = f" at {where}" if where else ""
    if isinstance(exc, NotImplementedError):
        return NotStarted(f"{function} is not implemented yet (it raises NotImplementedError)", function)
    if isinstance(exc, SystemExit):
        return StudentError(f"{function} called sys.exit(){at}; a function must return its result", function)
    if isinstance(exc, RecursionError):
        return StudentError(f"{function} recursed too deeply{at}", function)
    if isinstance(exc, MemoryError):
        return StudentError(f"{function} ran out of memory{at}; the grader allows a limited amount", function)
    text = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    detail = f": {text}" if text else ""
    return StudentError(f"{function} raised {type(exc).__name__}{detail}{at}", function)


def call_student(fn, function: str, args: tuple, kwargs: dict, student_file: str):
    """Call `fn(*args, **kwargs)`; return (value, CallInfo) or raise StudentError.

    The value is returned as is; the caller makes it plain for its transport.
    """
    before = [_snapshot(a) for a in itertools.chain(args, kwargs.values())]
    info = CallInfo(function)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        counter = LineCounter(student_file)
        start = time.perf_counter()
        try:
            with np.errstate(all="warn", under="ignore"), counter:   # exp(-1000) → 0 is fine
                value = fn(*args, **kwargs)
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - anything a student raises
            raise describe_exception(exc, function, student_file) from None
        finally:
            info.seconds = time.perf_counter() - start
            info.lines = counter.count
    info.warnings = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    after = list(itertools.chain(args, kwargs.values()))
    names = _argument_names(fn, len(args), kwargs)
    info.mutated = [name for name, b, a in zip(names, before, after) if b is not None and _changed(b, a)]
    return value, info


def import_error(exc: BaseException, path: str) -> StudentError:
    """The message for a submission that cannot be imported."""
    name = Path(path).name
    if isinstance(exc, SyntaxError):
        line = (exc.text or "").strip()
        return StudentError(f"{name} has a syntax error on line {exc.lineno}: {exc.msg}"
                            + (f"\n    {line}" if line else "")
                            + "\nFix it and run the checks again; nothing can be graded until the file imports.")
    where = where_in_student_code(exc, path)
    at = f" ({where})" if where else ""
    if isinstance(exc, SystemExit):
        return StudentError(f"{name} calls sys.exit() while it is imported{at}; remove it")
    text = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    return StudentError(f"importing {name} raised {type(exc).__name__}"
                        + (f": {text}" if text else "") + f"{at}. "
                        "Code at the top level of the file runs on import: keep only definitions there.")
