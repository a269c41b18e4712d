"""Public tests for activations.py: run them with `python -m student_lib check` or `pytest`.

They count towards your grade. There is one example here for every rule the
hidden tests grade (values, the kinks and alpha, the axis argument, shape and
dtype with float32, 0-d and empty inputs, stability); the hidden tests apply
the same rules to other inputs (random values and shapes, |x| up to 1000,
gradients against finite differences). See README.md for what is graded.
"""
import functools

import numpy as np
import pytest

from student_lib import checks

ASSIGNMENT = "activations"

X = np.array([-3.0, -0.5, 0.25, 1.0, 4.0])

# Expected values at X, to 12 significant digits.
EXPECTED = {
    "sigmoid": [0.0474258731776, 0.377540668798, 0.562176500886, 0.73105857863, 0.982013790038],
    "sigmoid_grad": [0.0451766597309, 0.235003712202, 0.246134082738, 0.196611933241, 0.0176627062133],
    "tanh": [-0.995054753687, -0.46211715726, 0.244918662404, 0.761594155956, 0.999329299739],
    "tanh_grad": [0.00986603716544, 0.786447732966, 0.940014848806, 0.419974341614, 0.00134095068303],
    "relu": [0.0, 0.0, 0.25, 1.0, 4.0],
    "relu_grad": [0.0, 0.0, 1.0, 1.0, 1.0],
    "leaky_relu": [-0.03, -0.005, 0.25, 1.0, 4.0],
    "leaky_relu_grad": [0.01, 0.01, 1.0, 1.0, 1.0],
    "elu": [-0.950212931632, -0.393469340287, 0.25, 1.0, 4.0],
    "elu_grad": [0.0497870683679, 0.606530659713, 1.0, 1.0, 1.0],
    "softplus": [0.0485873515737, 0.47407698418, 0.825939419879, 1.31326168752, 4.01814992792],
    "softplus_grad": [0.0474258731776, 0.377540668798, 0.562176500886, 0.73105857863, 0.982013790038],
    "silu": [-0.142277619533, -0.188770334399, 0.140544125221, 0.73105857863, 3.92805516015],
    "silu_grad": [-0.0881041060152, 0.260038812697, 0.62371002157, 0.927670511871, 1.05266461489],
    "gelu": [-0.00363739208177, -0.154285990175, 0.149675350702, 0.841191990608, 3.99992975405],
    "gelu_grad": [-0.011584166631, 0.132630096465, 0.695354095151, 1.08296408385, 1.0003351232],
}

SCORES = np.array([[1.0, 2.0, 3.0],
                   [-1.0, 0.0, -1.0]])
UPSTREAM = np.array([[1.0, 0.0, 0.0],
                     [0.5, -1.0, 2.0]])
SOFTMAX = [[0.0900305731704, 0.244728471055, 0.665240955775],
           [0.211941557617, 0.576116884766, 0.211941557617]]
LOG_SOFTMAX = [[-2.40760596444, -1.40760596444, -0.407605964444],
               [-1.55144471393, -0.551444713932, -1.55144471393]]
SOFTMAX_VJP = [[0.081925069065, -0.0220330445202, -0.0598920245448],
               [0.115775829122, -0.54946399467, 0.433688165548]]


def graded(points, names, label):
    return [pytest.param(n, id=n, marks=pytest.mark.grade(points=points, function=n, name=f"{n}: {label}"))
            for n in names]


SOFTMAX_FAMILY = {"softmax": SOFTMAX, "log_softmax": LOG_SOFTMAX, "softmax_vjp": SOFTMAX_VJP}


def call(student, name, x, **kw):
    """name(x) for the elementwise functions, name(x, g) for softmax_vjp; on copies, so a
    function that writes into its input cannot change the test's data."""
    if name == "softmax_vjp":
        g = UPSTREAM.T if x.shape == UPSTREAM.T.shape else UPSTREAM[0] if x.ndim == 1 \
            else np.broadcast_to(UPSTREAM, x.shape)
        return student.softmax_vjp(x.copy(), np.array(g, dtype=x.dtype), **kw)
    return getattr(student, name)(x.copy(), **kw)


# ------------------------------------------------------------ values
@pytest.mark.parametrize("name", graded(0.25, list(EXPECTED), "values on a small example"))
def test_values_on_a_small_example(student, name):
    """Wrong values on the example x = [-3, -0.5, 0.25, 1, 4]: check your formula against README.md."""
    checks.assert_close(call(student, name, X), EXPECTED[name], what=f"{name}(x)", show_example=True, inputs=X)


@pytest.mark.parametrize("name", graded(0.25, list(SOFTMAX_FAMILY), "small example"))
def test_softmax_family_small_example(student, name):
    """Wrong on a small (2, 3) example: softmax turns each row into probabilities summing to 1,
    log_softmax is x minus the log-sum-exp of its row, softmax_vjp is s * (g - sum(g * s)) row by row."""
    checks.assert_close(call(student, name, SCORES), SOFTMAX_FAMILY[name],
                        what=f"{name}(x{', g' if name == 'softmax_vjp' else ''}) along the last axis",
                        show_example=True, inputs=SCORES)


KINKS = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])


@pytest.mark.grade(points=0.4, function="relu_grad", name="relu_grad: 0 at x = 0 (example)")
def test_relu_grad_at_zero(student):
    """relu_grad must be 0 at x = 0 exactly: use x > 0, not x >= 0."""
    checks.assert_close(call(student, "relu_grad", KINKS), [0.0, 0.0, 0.0, 1.0, 1.0], what="relu_grad(x)",
                        show_example=True, inputs=KINKS)


ALPHA = {"leaky_relu": (0.2, lambda x, a: np.where(x > 0, x, a * x)),
         "leaky_relu_grad": (0.2, lambda x, a: np.where(x > 0, 1.0, a)),
         "elu": (0.5, lambda x, a: np.where(x > 0, x, a * np.expm1(np.minimum(x, 0)))),
         "elu_grad": (0.5, lambda x, a: np.where(x > 0, 1.0, a * np.exp(np.minimum(x, 0))))}


@pytest.mark.parametrize("name", graded(0.2, list(ALPHA), "uses alpha, also at x = 0 (example)"))
def test_uses_alpha(student, name):
    """Ignores the alpha argument, or is wrong at the kink x = 0 (there the gradient is alpha)."""
    alpha, expected = ALPHA[name]
    checks.assert_close(call(student, name, KINKS, alpha=alpha), expected(KINKS, alpha),
                        what=f"{name}(x, alpha={alpha})", show_example=True, inputs=KINKS)


# ------------------------------------------------------------ the axis argument
@pytest.mark.parametrize("name", graded(0.25, list(SOFTMAX_FAMILY), "uses the axis argument (example)"))
def test_softmax_family_axis(student, name):
    """Wrong along another axis: reduce along `axis` only (max and sum with keepdims=True);
    the default is the last axis."""
    rows = np.array(SOFTMAX_FAMILY[name])
    checks.assert_close(call(student, name, SCORES.T, axis=0), rows.T, what=f"{name} of the transposed "
                        "example with axis=0", show_example=True, inputs=SCORES.T)
    cube = np.stack([SCORES, SCORES])
    checks.assert_close(call(student, name, cube), np.stack([rows, rows]),
                        what=f"{name} of a (2, 2, 3) array with the default axis", show_example=True, inputs=cube)


# ------------------------------------------------------------ shape and dtype
@pytest.mark.parametrize("name", graded(0.2, list(EXPECTED) + list(SOFTMAX_FAMILY),
                                        "keeps the input's shape and dtype (example)"))
def test_keeps_shape_and_dtype(student, name):
    """Must return the input's shape and dtype: float32 in, float32 out (write constants as Python
    floats, not np.float64 or np.array); 0-d and empty inputs work too."""
    if name in SOFTMAX_FAMILY:
        x32, expected = SCORES.astype(np.float32), SOFTMAX_FAMILY[name]
        cases = [(SCORES[0], np.array(expected[0]), "a 1-d float64 array")]
    else:
        x32 = np.stack([X, X[::-1]]).astype(np.float32)
        expected = np.stack([EXPECTED[name], EXPECTED[name][::-1]])
        cases = [(np.array(X[3]), np.array(EXPECTED[name][3]), "a 0-d float64 array"),
                 (np.zeros((0, 3), dtype=np.float32), np.zeros((0, 3), dtype=np.float32),
                  "an empty float32 array of shape (0, 3)")]
    cases.insert(0, (x32, np.asarray(expected, dtype=np.float32), f"a float32 array of shape {x32.shape}"))
    for x, want, description in cases:
        got = call(student, name, x)
        checks.assert_array(got, what=f"{name} for {description}", shape=x.shape, dtype=x.dtype)
        checks.assert_close(got, want.astype(x.dtype), what=f"{name} for {description}", rtol=1e-5,
                            atol=1e-6, show_example=True, inputs=x)


@pytest.mark.grade(points=0.75, function="sigmoid", name="sigmoid: stable at x = ±1000 (example)")
def test_sigmoid_is_stable(student, credit):
    """sigmoid gives NaN or inf for large inputs: make sure np.exp only ever sees numbers <= 0."""
    x = np.array([-1000.0, -100.0, 0.0, 100.0, 1000.0])
    got = student.sigmoid(x.copy())
    note = checks.warnings_note(student.last_call, what=f"sigmoid(x) for x = {x.tolist()}")
    checks.assert_close(got, [0.0, 3.720075976020836e-44, 0.5, 1.0, 1.0], what="sigmoid(x)",
                        show_example=True, inputs=x)
    if note:   # values are graded; a numpy warning is a hint only
        credit(1.0, note)


# ------------------------------------------------------------ stability
BIG = np.array([-1000.0, -100.0, -1.0, 0.5, 100.0, 1000.0])
BIG_EXPECTED = {   # the true values, to 12 digits (tiny ones may come out as 0)
    "sigmoid_grad": [0, 3.72007597602e-44, 0.196611933241, 0.235003712202, 3.72007597602e-44, 0],
    "tanh": [-1, -1, -0.761594155956, 0.46211715726, 1, 1],
    "tanh_grad": [0, 5.53558610695e-87, 0.419974341614, 0.786447732966, 5.53558610695e-87, 0],
    "relu": [0, 0, 0, 0.5, 100, 1000],
    "relu_grad": [0, 0, 0, 1, 1, 1],
    "leaky_relu": [-10, -1, -0.01, 0.5, 100, 1000],
    "leaky_relu_grad": [0.01, 0.01, 0.01, 1, 1, 1],
    "elu": [-1, -1, -0.632120558829, 0.5, 100, 1000],
    "elu_grad": [0, 3.72007597602e-44, 0.367879441171, 1, 1, 1],
    "softplus": [0, 3.72007597602e-44, 0.313261687518, 0.97407698418, 100, 1000],
    "softplus_grad": [0, 3.72007597602e-44, 0.26894142137, 0.622459331202, 1, 1],
    "silu": [0, -3.72007597602e-42, -0.26894142137, 0.311229665601, 100, 1000],
    "silu_grad": [0, -3.68287521626e-42, 0.0723294881285, 0.739961187303, 1, 1],
    "gelu": [0, 0, -0.158808009392, 0.345714009825, 100, 1000],
    "gelu_grad": [0, 0, -0.0829640838458, 0.867369903535, 1, 1],
}
BIG_SCORES = np.array([[1000.0, 0.0, -1000.0], [-1000.0, -999.0, -998.0]])
BIG_SOFTMAX = {"softmax": [[1.0, 0.0, 0.0], [0.0900305731704, 0.244728471055, 0.665240955775]],
               "log_softmax": [[0.0, -1000.0, -2000.0], [-2.40760596444, -1.40760596444, -0.407605964444]],
               "softmax_vjp": [[0.0, 0.0, 0.0], [-0.056788470037, -0.52145977275, 0.578248242787]]}


@pytest.mark.parametrize("name", graded(0.25, list(BIG_EXPECTED) + list(BIG_SOFTMAX),
                                        "stable for |x| up to 1000 (example)"))
def test_stable_for_large_inputs(student, credit, name):
    """Gives NaN, inf or wrong values for large |x|: rewrite the formula so exp only ever sees
    numbers <= 0 (or subtract the maximum before exp, for the softmax family)."""
    x, want = (BIG_SCORES, BIG_SOFTMAX[name]) if name in BIG_SOFTMAX else (BIG, BIG_EXPECTED[name])
    notes = []
    # float32 carries ~7 digits: log_softmax's x − logsumexp(x) of scores near 1000 keeps ~1e-4
    f32 = {"rtol": 2e-5, "atol": 2e-6 if name not in BIG_SOFTMAX else 1e-3}
    for dtype, tol in ((np.float64, {"rtol": 1e-9, "atol": 1e-12}), (np.float32, f32)):
        xd = x.astype(dtype)
        got = call(student, name, xd)
        what = f"{name}(x) for {dtype.__name__} x = {xd.tolist()}"
        notes.append(checks.warnings_note(student.last_call, what=what))
        checks.assert_close(got, want, what=what, check_dtype=False, show_example=True, inputs=xd, **tol)
    if any(notes):   # values are graded; a numpy warning is a hint only
        credit(1.0, next(n for n in notes if n))


# ------------------------------------------------------------ inputs left unchanged
@pytest.mark.parametrize("name", graded(0.25, list(EXPECTED) + list(SOFTMAX_FAMILY),
                                        "leaves its inputs unchanged (example)"))
def test_leaves_its_inputs_unchanged(student, name):
    """Changed the caller's array in place: build a new array (np.maximum(x, 0), x * s, ...)
    instead of writing into x (x[x < 0] = 0, x *= ..., np.exp(x, out=x)). Counts only with the
    right values."""
    x, want = (SCORES, SOFTMAX_FAMILY[name]) if name in SOFTMAX_FAMILY else (X, EXPECTED[name])
    got = call(student, name, x)
    checks.assert_not_mutated(student.last_call, what=name)
    checks.assert_close(got, want, what=f"{name}(x)", show_example=True, inputs=x)


# ------------------------------------------------------------ vectorised
# The yardstick each function is timed against: k cheap whole-array passes over the input
# (CPU time per element, growing from 1,000 to 30,000 numbers; see README.md). A function may
# cost 4 times its yardstick, at least 60 ns an element; the light functions (whole-array numpy
# takes a few ns) exactly 60 ns; a Python loop costs 100 ns an element or far more. A timing
# is noisy on a busy machine: it is measured up to 4 times over ~1.3 s; one within budget is enough.
YARDSTICK = {"gelu": 60, "gelu_grad": 60, "softmax": 30, "log_softmax": 30, "softmax_vjp": 40}


@functools.lru_cache(maxsize=None)
def timing_inputs(name, n):
    """The arguments of n numbers to time `name` on: drawn once (their values do not change a
    cost) and read-only (each call gets its own copy)."""
    rng = np.random.default_rng(n)
    x = rng.normal(0.0, 3.0, size=(n // 5, 5) if name in SOFTMAX_FAMILY else n).astype(np.float32)
    arrays = (x, rng.normal(size=x.shape).astype(np.float32)) if name == "softmax_vjp" else (x,)
    for a in arrays:
        a.flags.writeable = False
    return arrays


def passes(x, k):
    """k passes of whole-array numpy over x: the cost of a vectorised function of k operations."""
    out = x
    for _ in range(k):
        out = np.exp(-np.abs(out))
    return out


@pytest.mark.parametrize("name", [pytest.param(n, id=n, marks=pytest.mark.grade(
    points=0.25, function=n, name=f"{n}: vectorised (example)", timeout=10))
    for n in list(EXPECTED) + list(SOFTMAX_FAMILY)])
def test_vectorised(student, name):
    """Far too slow for whole-array numpy: is there a Python loop over the elements (for, a list
    comprehension, np.vectorize, np.apply_along_axis, map)? Use numpy operations on whole arrays.
    Counts only with the right values."""
    import time

    x, want = (SCORES, SOFTMAX_FAMILY[name]) if name in SOFTMAX_FAMILY else (X, EXPECTED[name])
    checks.assert_close(call(student, name, x), want, what=f"{name}(x)", show_example=True, inputs=x)

    def student_seconds(*args):
        getattr(student, name)(*(a.copy() for a in args))
        return student.last_call.seconds

    def yardstick_seconds(*args):
        start = time.thread_time()
        passes(args[0], YARDSTICK.get(name, 10))
        return time.thread_time() - start

    checks.assert_vectorised(student_seconds, yardstick_seconds, lambda n: timing_inputs(name, n), what=name,
                             ceiling=float("inf") if name in YARDSTICK else checks.LIGHT_BUDGET,
                             measured=student.measured_costs(name))   # timed once per submission
