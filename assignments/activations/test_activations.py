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

# Expected values at X, computed to full float64 precision.
EXPECTED = {
    "sigmoid": [0.04742587317756678, 0.3775406687981454, 0.5621765008857981, 0.7310585786300049, 0.9820137900379085],
    "sigmoid_grad": [0.04517665973091213, 0.2350037122015945, 0.24613408273759835, 0.19661193324148185, 0.017662706213291128],
    "tanh": [-0.9950547536867305, -0.46211715726000974, 0.24491866240370913, 0.7615941559557649, 0.999329299739067],
    "tanh_grad": [0.009866037165440194, 0.7864477329659275, 0.940014848806378, 0.419974341614026, 0.0013409506830258972],
    "relu": [0.0, 0.0, 0.25, 1.0, 4.0],
    "relu_grad": [0.0, 0.0, 1.0, 1.0, 1.0],
    "leaky_relu": [-0.03, -0.005, 0.25, 1.0, 4.0],
    "leaky_relu_grad": [0.01, 0.01, 1.0, 1.0, 1.0],
    "elu": [-0.950212931632136, -0.3934693402873666, 0.25, 1.0, 4.0],
    "elu_grad": [0.049787068367863944, 0.6065306597126334, 1.0, 1.0, 1.0],
    "softplus": [0.04858735157374206, 0.4740769841801067, 0.8259394198788436, 1.3132616875182228, 4.0181499279178094],
    "softplus_grad": [0.04742587317756678, 0.3775406687981454, 0.5621765008857981, 0.7310585786300049, 0.9820137900379085],
    "silu": [-0.14227761953270035, -0.1887703343990727, 0.14054412522144952, 0.7310585786300049, 3.928055160151634],
    "silu_grad": [-0.08810410601516962, 0.2600388126973482, 0.6237100215701977, 0.9276705118714869, 1.0526646148910728],
    "gelu": [-0.003637392081773019, -0.15428599017485609, 0.149675350701685, 0.8411919906082768, 3.9999297540518075],
    "gelu_grad": [-0.011584166630969728, 0.13263009646535767, 0.6953540951510604, 1.0829640838457826, 1.0003351231971227],
}

SCORES = np.array([[1.0, 2.0, 3.0],
                   [-1.0, 0.0, -1.0]])
UPSTREAM = np.array([[1.0, 0.0, 0.0],
                     [0.5, -1.0, 2.0]])
SOFTMAX = [[0.09003057317038046, 0.24472847105479764, 0.6652409557748218],
           [0.21194155761708544, 0.5761168847658291, 0.21194155761708544]]
LOG_SOFTMAX = [[-2.4076059644443806, -1.4076059644443804, -0.4076059644443804],
               [-1.551444713932051, -0.5514447139320511, -1.551444713932051]]
SOFTMAX_VJP = [[0.08192506906499324, -0.022033044520174298, -0.05989202454481893],
               [0.11577582912242461, -0.5494639946704774, 0.4336881655480528]]


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
    """gelu must turn float32 into float32 (use Python floats such as math.sqrt(2 / math.pi) for constants)."""
    x = X.astype(np.float32)
    checks.assert_close(student.gelu(x.copy()), np.array(EXPECTED["gelu"], dtype=np.float32),
                        what="gelu(x) for float32 x", rtol=1e-5, atol=1e-6, show_example=True, inputs=x)


@pytest.mark.grade(points=0.5, function="sigmoid", name="sigmoid: stable at x = ±1000 (example)")
def test_sigmoid_is_stable(student):
    """sigmoid overflows for large negative inputs: make sure np.exp only ever sees numbers <= 0."""
    x = np.array([-1000.0, -100.0, 0.0, 100.0, 1000.0])
    got = student.sigmoid(x.copy())
    # exp(-1000) rounding to 0 ("underflow") is fine; overflow to inf is not
    harmful = [w for w in student.last_call.warnings if "underflow" not in w]
    if harmful:
        checks.fail(f"sigmoid(x) for x = {x.tolist()} raised numpy warnings ({'; '.join(harmful)})")
    checks.assert_close(got, [0.0, 3.720075976020836e-44, 0.5, 1.0, 1.0], what="sigmoid(x)",
                        show_example=True, inputs=x)
