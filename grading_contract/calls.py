"""Calling a student's function and describing what happened.

Used by both backends: in-process for a student's local checks
(`python -m student_lib check`) and inside the sandbox worker at grade time,
so that a call means the same thing in both places.

A call's `CallInfo` holds what the *caller* observed: which array arguments
were changed in place (compared by the caller against its own copy; in the
sandbox, in shared memory the grader owns) and the CPU time the call used (in
the sandbox, the kernel's accounting of the worker, read by the grader). Two
more fields are hints only, reported by the process that ran the code, so never
worth points: the numpy warnings raised and the lines of the student's file run.

Return values are made *plain*: numbers, strings, lists, tuples, dicts and
plain numpy arrays are kept; anything else (an ndarray subclass, an object
array, a custom class, a function) is replaced by an opaque `Handle` that can
be passed back to the student's functions but never compared or read.
"""
from __future__ import annotations

import functools
import inspect
import linecache
import sys
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


def out_of_time(doing: str, function: str = "") -> StudentTimeout:
    """What the student reads when `doing` ("running relu") ran past its test's time limit."""
    return StudentTimeout(f"{doing[0].upper() + doing[1:]} did not finish within the time limit: an "
                          f"infinite loop, or very slow code?", function)


def not_run_again(function: str) -> StudentTimeout:
    """What the student reads for a function that ran out of time in an earlier test."""
    return StudentTimeout(f"{function} did not finish within the time limit in an earlier test "
                          f"(an infinite loop, or very slow code?), so it was not run again", function)


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
    """What one call to a student function did, besides its return value.

    Observed by the caller (may earn points): `mutated` (names of array arguments
    written in place), `seconds` (CPU seconds of the process running the call).
    Reported by the code's own process (hints only, never points): `warnings`,
    `lines` (lines of the student's file executed: a loop over n elements runs >= n).
    """

    function: str
    warnings: list[str] = field(default_factory=list)
    mutated: list[str] = field(default_factory=list)
    seconds: float = 0.0
    lines: int = 0
    wall_seconds: float = 0.0


@dataclass
class Report:
    """What the process running student code says about a call: hints, and argument names."""

    warnings: list[str] = field(default_factory=list)
    lines: int = 0
    names: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"warnings": self.warnings, "lines": self.lines, "names": self.names}

    @classmethod
    def from_dict(cls, d) -> "Report":
        """Untrusted input: anything malformed becomes an empty report."""
        if not isinstance(d, dict):
            return cls()
        warnings = [str(w)[:300] for w in d.get("warnings", [])][:20] if isinstance(d.get("warnings"), list) else []
        names = [str(n)[:100] for n in d.get("names", [])][:64] if isinstance(d.get("names"), list) else []
        lines = d.get("lines") if type(d.get("lines")) is int else 0
        return cls(warnings, lines, names)


LINE_LIMIT = 2_000    # lines counted at most (a hint; see LineCounter)


class LineCounter:
    """Counts line events in one file while installed (sys.settrace), nothing elsewhere.

    Whole-array numpy code runs a handful of lines whatever the input size; a
    Python loop over the elements (for, comprehension, np.vectorize of a Python
    function, apply_along_axis) runs at least one line per element. Unlike
    timing, the count does not depend on the machine's load.

    Counting stops at LINE_LIMIT: the count is only a hint, and tracing costs ~1.6 µs a
    line (train_mlp for 50 epochs: 50 ms untraced, +16 ms while counting to 10,000 lines, +0
    to 2,000). 2,000 lines is still far above what whole-array code runs, and the hint is
    quoted only for a call on 10,000 numbers (a loop over them reaches the limit).
    """

    def __init__(self, filename: str, limit: int = LINE_LIMIT):
        self.filename, self.count, self.limit = filename, 0, limit

    def _local(self, frame, event, arg):
        if event == "line":
            self.count += 1
            if self.count >= self.limit:   # enough for the hint: stop tracing this frame and new ones
                frame.f_trace = None
                sys.settrace(None)
                return None
        return self._local

    def _global(self, frame, event, arg):     # (not called once _local reached the limit)
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


def copy_arguments(value, depth: int = 0):
    """What a caller passes when it keeps its own objects: arrays copied, containers rebuilt.

    The sandbox passes exactly this (its worker decodes fresh containers; its
    arrays are views of shared memory the grader compares after the call).
    """
    if isinstance(value, np.ndarray):
        return value.copy()
    if depth < MAX_DEPTH and type(value) in (list, tuple):
        return type(value)(copy_arguments(v, depth + 1) for v in value)
    if depth < MAX_DEPTH and type(value) is dict:
        return {k: copy_arguments(v, depth + 1) for k, v in value.items()}
    return value


def arrays_in(value, depth: int = 0) -> list[np.ndarray]:
    """Every ndarray inside `value` (lists, tuples, dicts), in a fixed order."""
    if isinstance(value, np.ndarray):
        return [value]
    if depth < MAX_DEPTH and type(value) in (list, tuple):
        return [a for v in value for a in arrays_in(v, depth + 1)]
    if depth < MAX_DEPTH and type(value) is dict:
        return [a for v in value.values() for a in arrays_in(v, depth + 1)]
    return []


def written_in_place(before: np.ndarray, after: np.ndarray) -> bool:
    """Did the bytes change? (Bitwise: NaNs compare equal to themselves.)"""
    return before.shape != after.shape or before.tobytes() != after.tobytes()


def mutated_arguments(names: list[str], before: list, after: list) -> list[str]:
    """Names of the arguments with an array written in place (`after` holds what was passed)."""
    out = []
    for i, (b, a) in enumerate(zip(before, after)):
        pairs = list(zip(arrays_in(b), arrays_in(a)))
        if any(written_in_place(x, y) for x, y in pairs):
            out.append(names[i] if i < len(names) else f"argument {i + 1}")
    return out


@functools.lru_cache(maxsize=256)
def _parameters(fn) -> tuple[str, ...]:
    try:
        return tuple(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return ()


def _argument_names(fn, n_args: int, kwargs: dict) -> list[str]:
    try:
        params = _parameters(fn)
    except TypeError:   # an unhashable callable
        params = ()
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
    """Call `fn(*args, **kwargs)` in this process; (value, Report) or raise StudentError.

    The value is returned as is; the caller makes it plain for its transport and
    observes the arguments and the time itself.
    """
    report = Report(names=_argument_names(fn, len(args), kwargs))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        counter = LineCounter(student_file)
        try:
            with np.errstate(all="warn", under="ignore"), counter:   # exp(-1000) → 0 is fine
                value = fn(*args, **kwargs)
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - anything a student raises
            raise describe_exception(exc, function, student_file) from None
        finally:
            report.lines = counter.count
    report.warnings = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
    return value, report


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
