"""Public tests for activations.py: run them with `python -m student_lib check` or `pytest`.

They count towards your grade, and the hidden tests check the same functions
much more thoroughly (random inputs, |x| up to 1000, float32, every axis,
gradients against finite differences, speed). Passing these is the start,
not the finish: see README.md for what is graded.
"""
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


@pytest.mark.parametrize("name", graded(0.5, list(EXPECTED), "values on a small example"))
def test_values_on_a_small_example(student, name):
    """Wrong values on the example x = [-3, -0.5, 0.25, 1, 4]: check your formula against README.md."""
    got = getattr(student, name)(X.copy())
    checks.assert_close(got, EXPECTED[name], what=f"{name}(x)", show_example=True, inputs=X)


@pytest.mark.grade(points=0.5, function="softmax")
def test_softmax_small_example(student):
    """softmax is wrong on a small (2, 3) example: each row must become probabilities summing to 1."""
    checks.assert_close(student.softmax(SCORES.copy()), SOFTMAX, what="softmax(x) along the last axis",
                        show_example=True, inputs=SCORES)


@pytest.mark.grade(points=0.5, function="log_softmax")
def test_log_softmax_small_example(student):
    """log_softmax is wrong on a small (2, 3) example: it is x minus the log-sum-exp of its row."""
    checks.assert_close(student.log_softmax(SCORES.copy()), LOG_SOFTMAX,
                        what="log_softmax(x) along the last axis", show_example=True, inputs=SCORES)


@pytest.mark.grade(points=0.5, function="softmax_vjp")
def test_softmax_vjp_small_example(student):
    """softmax_vjp is wrong on a small (2, 3) example: it should be s * (g - sum(g * s)) row by row."""
    got = student.softmax_vjp(SCORES.copy(), UPSTREAM.copy())
    checks.assert_close(got, SOFTMAX_VJP, what="softmax_vjp(x, g) along the last axis",
                        show_example=True, inputs=SCORES)


@pytest.mark.grade(points=0.5, function="relu_grad", name="relu_grad: 0 at x = 0 (example)")
def test_relu_grad_at_zero(student):
    """relu_grad must be 0 at x = 0 exactly: use x > 0, not x >= 0."""
    x = np.array([-1.0, 0.0, 1.0])
    checks.assert_close(student.relu_grad(x.copy()), [0.0, 0.0, 1.0], what="relu_grad(x)",
                        show_example=True, inputs=x)


@pytest.mark.grade(points=0.5, function="gelu")
def test_gelu_keeps_float32(student):
    """gelu must give float32 for float32 input: write constants as Python floats (math.sqrt(2 / math.pi))."""
    x = X.astype(np.float32)
    checks.assert_close(student.gelu(x.copy()), np.array(EXPECTED["gelu"], dtype=np.float32),
                        what="gelu(x) for float32 x", rtol=1e-5, atol=1e-6, show_example=True, inputs=x)


@pytest.mark.grade(points=0.5, function="sigmoid", name="sigmoid: stable at x = ±1000 (example)")
def test_sigmoid_is_stable(student, credit):
    """sigmoid gives NaN or inf for large inputs: make sure np.exp only ever sees numbers <= 0."""
    x = np.array([-1000.0, -100.0, 0.0, 100.0, 1000.0])
    got = student.sigmoid(x.copy())
    note = checks.warnings_note(student.last_call, what=f"sigmoid(x) for x = {x.tolist()}")
    checks.assert_close(got, [0.0, 3.720075976020836e-44, 0.5, 1.0, 1.0], what="sigmoid(x)",
                        show_example=True, inputs=x)
    if note:   # values are graded; a numpy warning is a hint only
        credit(1.0, note)
