"""backprop: correct code written differently gets full marks; bad returns get clear messages.

Each variant is the reference solution with edits, graded in the sandbox. The
object caches prove that any Python object can be a cache: it never leaves the
worker (`student.with_handles(1)`), so it need not be data at all.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.assignments import get
from autograder.grading import grade_submission

SOLUTION = get("backprop").solution.read_text()

OBJECT_CACHES = [
    ("import numpy as np\n", '''import numpy as np


class Cache:
    """A cache that is no plain data: an object with an always-true __eq__."""

    def __init__(self, **values):
        self.__dict__.update(values)

    def __eq__(self, other):
        return True
'''),
    ("cache = (x, W)", "cache = Cache(x=x, W=W, unused=lambda: None)"),
    ("x, W = cache\n    dx = dout @ W.T", "x, W = cache.x, cache.W\n    dx = dout @ W.T"),
    # ReLU mask taken from the output: out > 0 exactly where x > 0 (SPEC §6: not a bug)
    ("    out = np.maximum(x, 0)\n    cache = x", "    out = np.maximum(x, 0)\n    cache = Cache(out=out)"),
    ("    x = cache\n    dx = dout * (x > 0)", "    dx = dout * (cache.out > 0)"),
    # the sigmoid by masks: exp only of non-positive numbers (it may underflow, which is fine)
    ("out = 0.5 * (1 + np.tanh(0.5 * x))", "out = np.empty_like(x)\n    pos = x >= 0\n"
     "    out[pos] = 1 / (1 + np.exp(-x[pos]))\n    e = np.exp(x[~pos])\n    out[~pos] = e / (1 + e)"),
]

DICT_CACHES_AND_LISTS = [
    ("cache = (x, W)", 'cache = {"x": x, "W": W}'),
    ("x, W = cache\n    dx = dout @ W.T", 'x, W = cache["x"], cache["W"]\n    dx = dout @ W.T'),
    ("return dx, dW, db", "return [dx, dW, db]"),
    ("cache = out\n", "cache = [out]\n"),
    ("    out = cache\n    dx = dout * out * (1 - out)", "    (out,) = cache\n    dx = dout * out * (1 - out)"),
    # the loss via np.mean over rows, softmax via logaddexp
    ("loss = 0.5 * float(np.sum(diff * diff)) / n", "loss = float(np.mean(0.5 * np.sum(diff.reshape(n, -1) ** 2, axis=1)))"),
    # training without shuffling, dropping the last partial minibatch
    ("order = rng.permutation(n)", "order = np.arange(n)"),
    ("for start in range(0, n, batch_size):", "for start in range(0, n - batch_size + 1, batch_size):"),
]


def edited(edits) -> str:
    text = SOLUTION
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def grade(tmp_path: Path, text: str, zygote, seed: int = 0):
    path = tmp_path / "backprop.py"
    path.write_text(text)
    return grade_submission("backprop", path, seed=seed, sandbox=zygote)


@pytest.mark.parametrize("edits,seed", [(OBJECT_CACHES, 0), (DICT_CACHES_AND_LISTS, 1)],
                         ids=["objects", "dicts-lists"])
def test_correct_variants_get_full_marks(tmp_path, zygote, edits, seed):
    result = grade(tmp_path, edited(edits), zygote, seed)
    failing = [(t.name, t.output) for t in result.tests if t.status != "passed"]
    assert result.status == "graded" and result.score == result.max_score > 0, failing


def outputs(result, function: str) -> str:
    return "\n".join(t.output for t in result.tests if t.function == function and t.score < t.max_score)


def test_wrong_number_of_returned_arrays_is_named(tmp_path, zygote):
    result = grade(tmp_path, edited([("return dx, dW, db", "return dx, dW")]), zygote)
    assert "linear_backward must return (dx, dW, db): 3 arrays; it returned 2" in outputs(result, "linear_backward")
    assert {t.function for t in result.tests if t.score < t.max_score} >= {"linear_backward"}


def test_forward_without_a_cache_is_named(tmp_path, zygote):
    result = grade(tmp_path, edited([("    return out, cache\n    ### END SOLUTION\n\n\ndef linear_backward",
                                      "    return out\n    ### END SOLUTION\n\n\ndef linear_backward")]), zygote)
    message = outputs(result, "linear_forward")
    assert "linear_forward must return (out, cache): 2 values; it returned a single ndarray" in message


def test_wrong_shape_is_named_with_the_expected_shape(tmp_path, zygote):
    result = grade(tmp_path, edited([("dW = x.T @ dout", "dW = dout.T @ x")]), zygote)
    message = outputs(result, "linear_backward")
    assert "dW for x of shape (" in message and "expected shape (" in message


def test_a_cache_the_backward_cannot_use_names_the_backward(tmp_path, zygote):
    result = grade(tmp_path, edited([("x, W = cache\n    dx", 'x, W = cache["x"], cache["W"]\n    dx')]), zygote)
    message = outputs(result, "linear_backward")
    assert "linear_backward raised TypeError" in message and "line " in message
    assert "linear_forward" not in {t.function for t in result.tests if t.score < t.max_score}
