"""Assertions for graded tests, with messages written for students.

Every check raises `CheckFailed` (an `AssertionError`) with a message that
says what is wrong, and a *symptom*: a short code for what the grader observed
(`dtype_bool`, `not_array`, `ratio:1/N`, `transposed`, ...; see `SYMPTOMS`).
The result keeps the symptom in the test's record, and the hint shown to the
student is chosen from it (`student_lib.hints`). Expected values never appear
in a message unless the test asks for a concrete example with
`show_example=True`, which only public tests do.
"""
from __future__ import annotations

import time

import numpy as np

from grading_contract.calls import LINE_LIMIT, CallInfo, Handle
from student_lib.gradcheck import rel_error

DTYPE_HINT = ("return the input's dtype; a numpy float64 constant or np.array(...) without "
              "dtype= silently upcasts float32 to float64 (use x.dtype, or np.asarray(..., dtype=x.dtype))")


SYMPTOMS = {
    "not_array": "returned something else than a plain numpy array (a list, a number, an object)",
    "wrong_shape": "returned an array of another shape",
    "transposed": "returned the transpose of the expected 2-d shape",
    "dtype_bool": "returned booleans (a mask) instead of floats",
    "dtype_int": "returned integers instead of floats",
    "dtype_upcast": "returned float64 for float32 input",
    "dtype_other": "returned another dtype",
    "not_finite": "returned NaN or inf where the true value is finite",
    "ratio:K": "every value is K times the expected one (K = 2, 1/2, -1, N, 1/N, ... with N the batch size)",
    "wrong_at_zero": "wrong only where the input is exactly 0 (a kink convention)",
    "wrong_values": "wrong values, no simple pattern",
    "loop": "its CPU time grows like a Python loop over the elements",
    "mutated": "changed an input array in place",
    "not_number": "returned something else than one number",
}


class CheckFailed(AssertionError):
    """A failed check: the message for the student and the observed symptom (a code of SYMPTOMS)."""

    def __init__(self, message: str, symptom: str = ""):
        super().__init__(message)
        self.symptom = symptom


def fail(message: str, symptom: str = ""):
    __tracebackhide__ = True
    raise CheckFailed(message, symptom)


def dtype_symptom(got_dtype, expected_dtype) -> str:
    got, want = np.dtype(got_dtype), np.dtype(expected_dtype)
    if got.kind == "b":
        return "dtype_bool"
    if got.kind in "iu" and want.kind == "f":
        return "dtype_int"
    if want == np.float32 and got == np.float64:
        return "dtype_upcast"
    return "dtype_other"


def shape_symptom(got_shape: tuple, expected_shape: tuple) -> str:
    if len(got_shape) == 2 and tuple(got_shape) == tuple(expected_shape)[::-1]:
        return "transposed"
    return "wrong_shape"


def _ratio_name(r: float, n: int | None) -> str:
    """'2', '1/2', '-1', 'N', '1/N' for a ratio close to one of those, else ''."""
    for k in ([n] if n and n > 1 else []) + [2, 3, 4, -1, -2]:
        if np.isclose(r, k, rtol=1e-6):
            return "N" if k == n else str(k)
        if np.isclose(r, 1 / k, rtol=1e-6):
            return "1/N" if k == n else f"1/{k}"
    return ""


def value_symptom(got, expected, *, inputs=None, n: int | None = None) -> str:
    """What wrong values have in common: one ratio to the expected values (`ratio:2`, `ratio:1/N`
    with `n` the batch size), or only the entries at input 0 wrong (`wrong_at_zero`)."""
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        return "wrong_shape"
    with np.errstate(all="ignore"):
        wrong = ~np.isclose(got, expected, rtol=1e-7, atol=1e-9, equal_nan=True)
        if inputs is not None and np.shape(inputs) == expected.shape and wrong.any() \
                and np.all(np.asarray(inputs)[wrong] == 0):
            return "wrong_at_zero"
        usable = np.isfinite(got) & np.isfinite(expected) & (np.abs(expected) > 1e-12)
        if usable.sum() >= 1 and np.all(np.abs(got[~usable] - expected[~usable]) <= 1e-9):
            ratios = got[usable] / expected[usable]
            if np.allclose(ratios, ratios[0], rtol=1e-6):
                name = _ratio_name(float(ratios[0]), n)
                if name:
                    return f"ratio:{name}"
    return "wrong_values"


def assert_array(got, *, what: str, shape: tuple | None = None, dtype=None,
                 finite: bool = True) -> np.ndarray:
    """`got` is a plain numpy array (or a numpy scalar where shape is ())."""
    __tracebackhide__ = True
    if isinstance(got, Handle):
        fail(f"{what} returned a {got.type_name}; return a plain numpy array "
             f"(np.ndarray, not a subclass or another object)", "not_array")
    if isinstance(got, np.generic) and (shape is None or tuple(shape) == ()):
        got = np.asarray(got)
    if not isinstance(got, np.ndarray):
        fail(f"{what} returned {type(got).__name__}; expected a numpy array", "not_array")
    if shape is not None and got.shape != tuple(shape):
        fail(f"{what} returned an array of shape {got.shape}; expected shape {tuple(shape)}",
             shape_symptom(got.shape, tuple(shape)))
    if dtype is not None and got.dtype != np.dtype(dtype):
        symptom = dtype_symptom(got.dtype, dtype)
        fail(f"{what} returned dtype {got.dtype} for {np.dtype(dtype)} input; "
             + (DTYPE_HINT if symptom in ("dtype_upcast", "dtype_other") else
                f"return numbers of the input's dtype ({np.dtype(dtype)}), not {got.dtype}"), symptom)
    if finite and got.dtype.kind in "fc" and not np.all(np.isfinite(got)):
        bad = "NaN" if np.any(np.isnan(got)) else "inf"
        fail(f"{what} returned {bad} where the true value is finite; "
             f"this is usually overflow in exp: rewrite the formula so exp only sees non-positive numbers",
             "not_finite")
    return got


def assert_close(got, expected, *, what: str, rtol: float = 1e-7, atol: float = 1e-9,
                 check_dtype: bool = True, show_example: bool = False, inputs=None,
                 finite: bool = True, n: int | None = None) -> None:
    """Values, shape and dtype of `got` match `expected`.

    With `show_example` (public tests only) the message shows the first wrong
    entry: its input (from `inputs`, same shape), the expected and the actual
    value. `inputs` (shown or not) and `n`, the batch size, help name the
    symptom of wrong values (`wrong_at_zero`, `ratio:1/N`).
    """
    __tracebackhide__ = True
    expected = np.asarray(expected)
    got = assert_array(got, what=what, shape=expected.shape,
                       dtype=expected.dtype if check_dtype else None, finite=finite)
    ok = np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
    if ok.all():
        return
    wrong = ~ok
    err = np.abs(got.astype(np.float64) - expected.astype(np.float64))
    err = np.where(np.isfinite(err), err, np.inf)
    message = (f"{what}: wrong values at {int(wrong.sum())} of {wrong.size} entries "
               f"(largest error {float(err[wrong].max()):.2g})")
    if show_example:
        i = tuple(int(j) for j in np.argwhere(wrong)[0]) if wrong.ndim else ()
        where = f"input {np.asarray(inputs)[i].item()!r}" if inputs is not None and np.shape(inputs) == expected.shape \
            else f"index {i}"
        message += f"; for example at {where}: expected {expected[i].item()!r}, got {got[i].item()!r}"
    fail(message, value_symptom(got, expected, inputs=inputs, n=n))


def assert_scalar(got, expected: float, *, what: str, rtol: float = 1e-7, atol: float = 1e-9,
                  show_example: bool = False, n: int | None = None) -> None:
    """`got` is one real number close to `expected` (`n`: the batch size, to name a ratio:N)."""
    __tracebackhide__ = True
    if isinstance(got, np.ndarray) and got.shape == ():
        got = got.item()
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.integer, np.floating)):
        fail(f"{what} returned {type(got).__name__}; expected a single number (a float)", "not_number")
    value = float(got)
    if not np.isfinite(value):
        fail(f"{what} is {value}; expected a finite number", "not_finite")
    if not np.isclose(value, expected, rtol=rtol, atol=atol):
        message = f"{what} is wrong (relative error {abs(value - expected) / max(abs(expected), 1e-12):.2g})"
        if show_example:
            message += f": expected {expected!r}, got {value!r}"
        fail(message, value_symptom(value, expected, n=n))


def warnings_note(call: CallInfo | None, *, what: str, ignore: tuple[str, ...] = ("underflow",)) -> str:
    """A hint (never points) about numpy warnings the call raised; '' if none.

    Warnings are reported by the process that ran the student's code, which that
    code can silence or patch, so they are feedback only; stability is graded by
    values on inputs where an unstable formula gives inf, NaN or lost digits.
    Underflow is ignored: exp(-1000) rounding to 0 is what a stable formula does.
    """
    warned = [w for w in (call.warnings if call is not None else []) if not any(i in w for i in ignore)]
    if not warned:
        return ""
    return (f"Your values are right, but {what} raised numpy warnings ({'; '.join(warned[:2])}). "
            f"Not graded, but a stable formula never overflows: keep exp's argument non-positive "
            f"(np.where evaluates both branches: clip the input of the branch you do not use).")


# Seconds of CPU time an element that whole-array numpy stays under (a few ns, up to ~56 ns seen in
# a busy CI worker) and a Python loop does not (>= 100 ns; map over a list of floats 65-80 ns):
# the budget of functions too light for a reference's cost to say more, and every budget's floor.
LIGHT_BUDGET = 60e-9
# The two input sizes a cost per element is measured between. 30,000 float32 numbers stay in
# the allocator's reused heap (larger arrays are fresh pages, whose faults cost numpy 15-20 ns an
# element on this project's VMs) and still give a loop >= 3 ms of growth to be seen by.
VECTORISED_SIZES = (1_000, 30_000)


def assert_vectorised(student_seconds, reference_seconds, make_args, *, what: str,
                      sizes: tuple[int, int] = VECTORISED_SIZES, ratio: float = 4.0,
                      floor: float = LIGHT_BUDGET, ceiling: float = float("inf"),
                      lines_hint: tuple[int, int] = (0, 1), attempts: int = 4,
                      measured: list[float] | None = None) -> None:
    """The student's CPU time grows with the input like whole-array numpy, not like a Python loop.

    `student_seconds(*args)` runs the student's function and returns the CPU
    seconds it used, as observed by the caller (in the sandbox: the kernel's clock
    of the worker); `reference_seconds(*args)` the same for a plain numpy version.
    `make_args(n)` builds the arguments for n elements. The cost per element is the
    growth in CPU time between the two sizes divided by the growth in size, so
    fixed costs (the call, the wire) cancel. A Python loop over the elements costs
    >= ~100 ns an element (map over a list of floats: 65-80 ns, the fastest), whole-array
    numpy a few ns (but up to ~56 ns seen in a busy CI sandbox): the student may take
    `ratio` times the reference's cost per element, at least `floor` and at most
    `ceiling` seconds (a cap keeps a loaded machine's slow yardstick from excusing a loop).
    A timing is noisy on a busy machine (a hiccup only ever makes it slower), a loop's
    cost is not: the verdict is "loop" only if every one of `attempts` measurements,
    spread over ~1.3 s, is over budget; a function within budget at the first costs two calls.
    `lines_hint`: (lines of the student's file run, on how many numbers), quoted in the
    message if a loop is likely (the count comes from the student's process: never points).
    `measured` (e.g. `student.measured_costs(name)`): the student's costs per element that
    earlier tests of this submission measured on the same sizes. One within this test's budget
    is enough (no new timing); `attempts` or more, all over it, are the verdict "loop" already
    (they were spread over ~1.3 s by the test that made them); otherwise up to `attempts` new
    measurements are made as above and appended. So a function is timed once per submission
    however many tests judge its speed: a loop costs its ~1.3 s of spread once, not per test.
    """
    __tracebackhide__ = True
    best = [float("inf"), float("inf")]     # the lowest cost per element, and ratio to the reference
    measured = [] if measured is None else measured

    def within_budget(student: float) -> bool:
        if student <= min(floor, ceiling):         # within any budget: the reference need not run
            return True
        reference = _cost_per_element(reference_seconds, make_args, sizes)
        best[0], best[1] = min(best[0], student), min(best[1], student / max(reference, 1e-12))
        return student <= min(max(floor, ratio * reference), ceiling)

    if any(within_budget(student) for student in list(measured)):
        return
    if len(measured) < attempts:    # no earlier verdict of "loop": this test measures its own
        for attempt in range(attempts):
            if attempt:     # spread the attempts (0.1, 0.3, 0.9 s apart): a busy spell must end to pass
                time.sleep(0.1 * 3 ** (attempt - 1))
            student = _cost_per_element(student_seconds, make_args, sizes)
            measured.append(student)
            if within_budget(student):
                return
    best_student, best_ratio = best
    lines, numbers = lines_hint    # a hint only: counted by the student's own process
    more = "+" if lines >= LINE_LIMIT else ""
    extra = f" (it ran {lines:,}{more} lines of Python on {numbers:,} numbers)" if lines > numbers // 10 else ""
    fail(f"{what} costs {best_student * 1e9:.0f} ns of CPU time per element, {best_ratio:.0f} "
         f"times whole-array numpy{extra}: a loop over the elements (for, a list comprehension, "
         f"np.vectorize, np.apply_along_axis, map)? Use numpy operations on whole arrays", "loop")


def _cost_per_element(run, make_args, sizes: tuple[int, int]) -> float:
    """Seconds per element: the growth of run's CPU time from sizes[0] to sizes[1] elements."""
    times = []
    for n in sizes:
        args = make_args(n)
        times.append(run(*args))
    return max(0.0, (times[1] - times[0]) / (sizes[1] - sizes[0]))


def assert_not_mutated(call: CallInfo | None, *, what: str) -> None:
    """The last call did not change its array arguments in place."""
    __tracebackhide__ = True
    if call is not None and call.mutated:
        fail(f"{what} changed its input {', '.join(call.mutated)} in place; "
             f"work on a copy (x = x.copy(), or build a new array) and leave the caller's data alone",
             "mutated")


def assert_gradient(got, numeric, *, what: str, rtol: float = 1e-6, atol: float = 1e-9,
                    n: int | None = None) -> None:
    """`got` matches a centred-difference gradient, within a relative *and* an absolute tolerance.

    A purely relative test fails correct code on entries that are nearly zero.
    """
    __tracebackhide__ = True
    numeric = np.asarray(numeric)
    got = assert_array(got, what=what, shape=numeric.shape)
    bad = np.abs(got - numeric) > rtol * (np.abs(got) + np.abs(numeric)) + atol
    if bad.any():
        fail(f"{what} disagrees with centred differences (f(x+h) - f(x-h)) / 2h at "
             f"{int(bad.sum())} of {bad.size} entries: relative error {rel_error(got, numeric):.1e}, "
             f"where a correct gradient gives below {rtol:g}", gradient_symptom(got, numeric, n))


def gradient_symptom(got, numeric, n: int | None = None) -> str:
    """value_symptom with a finite-difference tolerance: centred differences are not exact."""
    got, numeric = np.asarray(got, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    big = np.abs(numeric) > 1e-6 * max(1.0, float(np.max(np.abs(numeric), initial=0.0)))
    if big.any() and np.all(np.isfinite(got)) and np.all(np.abs(got[~big]) <= 1e-6):
        ratios = got[big] / numeric[big]
        if np.allclose(ratios, ratios[0], rtol=1e-4):
            name = _ratio_name(float(np.round(ratios[0], 6)), n)
            if name:
                return f"ratio:{name}"
    return "wrong_values"
