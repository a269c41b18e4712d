"""activations' hidden suite as a rubric: fair to correct code on every seed.

Graded in-process (the sandboxed checks of the same examples are in
test_grading_examples): the reference solution on seeds 0..9, and a
differently written correct submission (tanh-form sigmoid, masks, logaddexp,
float64 internally, a shared logsumexp helper) on seeds 0..1. The timing
tests run on one seed each: they depend on the machine, not on the seed.
The bugs are in test_activations_bugs.py.
"""
from __future__ import annotations

import pytest

from autograder.assignments import get
from grading_contract.rubric import outcomes_in_process

ACTIVATIONS = get("activations")
NOT_TIMED = ("-k", "not vectorised")


def grade_in_process(path, seed: int = 0, *select: str, plugins=(), public: bool = True) -> list:
    """The outcomes of the public tests (unless not `public`) and the hidden suite, in this process."""
    files = ACTIVATIONS.test_files() if public else sorted(ACTIVATIONS.suite_dir.glob("test_*.py"))
    return outcomes_in_process(files, path, *select, seed=seed, plugins=list(plugins))


def shortfalls(outcomes) -> list[tuple[str, str]]:
    return [(o.name, o.output) for o in outcomes if o.score < o.max_score]


def test_every_function_is_graded_on_every_property_and_the_rubric_reads_well():
    from autograder.grading.runner import collect_rubric
    grades = collect_rubric("activations")
    names = [g.name for g in grades]
    assert len(ACTIVATIONS.functions) == 19
    assert {g.function for g in grades} == set(ACTIVATIONS.functions)
    assert len(set(names)) == len(names), "two rubric lines share a name"
    assert all(g.points > 0 and g.name.startswith(g.function + ": ") for g in grades)
    assert sum(g.points for g in grades) == pytest.approx(100.0)
    for function in ACTIVATIONS.functions:
        properties = [n.split(": ", 1)[1] for n in names if n.startswith(function + ": ")]
        for wanted in ("stable", "shape and dtype", "unchanged", "vectorised"):
            assert any(wanted in p for p in properties), (function, wanted)
        if function.endswith("_grad") or function == "softmax_vjp":
            assert any("centred differences" in p for p in properties), function


def test_solution_full_marks_on_seeds_0_to_9():
    for seed in range(10):      # the public tests use no randomness: once is enough
        outcomes = grade_in_process(ACTIVATIONS.solution, seed, *NOT_TIMED, public=seed == 0)
        assert len(outcomes) > 90
        assert shortfalls(outcomes) == [], seed


def test_solution_passes_the_vectorisation_tests():
    outcomes = grade_in_process(ACTIVATIONS.solution, 3, "-k", "vectorised")
    assert len(outcomes) == 2 * 19      # a public example and a hidden test per function
    assert shortfalls(outcomes) == []


DIFFERENT_BUT_CORRECT = '''
"""Correct, written differently from the reference (SPEC §6: legitimate variety)."""
import numpy as np


def sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * x))


def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 - s)


def tanh(x):
    e = np.exp(-2 * np.abs(x))
    return np.sign(x) * (1 - e) / (1 + e)


def tanh_grad(x):
    return 1 - tanh(x) ** 2


def relu(x):
    return x * (x > 0)


def relu_grad(x):
    return np.heaviside(x, 0).astype(x.dtype)


def leaky_relu(x, alpha=0.01):
    return np.maximum(x, alpha * x)


def leaky_relu_grad(x, alpha=0.01):
    g = np.ones_like(x)
    g[x <= 0] = alpha
    return g


def elu(x, alpha=1.0):
    out = x.copy()
    neg = x <= 0
    out[neg] = alpha * (np.exp(x[neg]) - 1)
    return out


def elu_grad(x, alpha=1.0):
    out = np.ones_like(x)
    neg = x <= 0
    out[neg] = alpha * np.exp(x[neg])
    return out


def softplus(x):
    return np.logaddexp(0, x).astype(x.dtype)


def softplus_grad(x):
    return sigmoid(x)


def silu(x):
    return x * sigmoid(x)


def silu_grad(x):
    s = sigmoid(x)
    return s + x * s * (1 - s)


def gelu(x):
    x64 = np.asarray(x, dtype=np.float64)
    out = 0.5 * x64 * (1 + np.tanh(np.sqrt(2 / np.pi) * (x64 + 0.044715 * x64 * x64 * x64)))
    return out.astype(x.dtype)


def gelu_grad(x):
    c = x.dtype.type(np.sqrt(2 / np.pi))
    a = x.dtype.type(0.044715)
    t = np.tanh(c * (x + a * x**3))
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * a * x * x)


def _logsumexp(x, axis):
    m = np.max(x, axis=axis, keepdims=True)
    return m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))


def softmax(x, axis=-1):
    return np.exp(x - _logsumexp(x, axis))


def log_softmax(x, axis=-1):
    return x - _logsumexp(x, axis)


def softmax_vjp(x, g, axis=-1):
    s = softmax(x, axis)
    gs = g * s
    return gs - s * gs.sum(axis=axis, keepdims=True)
'''


QUICK_LOOPS = '''

import math as _math


def tanh(x):
    x = np.asarray(x)
    return np.vectorize(_math.tanh, otypes=[x.dtype])(x)


def relu(x):
    x = np.asarray(x)
    return np.array([v if v > 0 else 0.0 for v in x.ravel().tolist()], dtype=x.dtype).reshape(x.shape)
'''


def test_quick_python_loops_still_lose_the_vectorisation_rules(tmp_path):
    """np.vectorize (~110 ns an element) and a comprehension over a list (~250 ns): the budget is
    60 ns. (map over a list of floats, ~65-80 ns, is the one loop at the edge.)"""
    path = tmp_path / "activations.py"
    path.write_text(ACTIVATIONS.solution.read_text() + QUICK_LOOPS)
    lost = {name for name, _ in shortfalls(grade_in_process(path, 0, "-k", "vectorised"))}
    assert lost == {"tanh: vectorised", "tanh: vectorised (example)",
                    "relu: vectorised", "relu: vectorised (example)"}


def test_a_differently_written_correct_submission_gets_full_marks(tmp_path):
    path = tmp_path / "activations.py"
    path.write_text(DIFFERENT_BUT_CORRECT)
    for seed in range(2):
        assert shortfalls(grade_in_process(path, seed, *NOT_TIMED)) == [], seed
    assert shortfalls(grade_in_process(path, 0, "-k", "vectorised")) == []
