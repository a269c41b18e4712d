"""Shared pieces of the backprop suite: the suite's own reference maths and checks.

Nothing here calls the student except `forward` and `returned`, which only
read what a student call returned. Gradients are checked against centred
differences of these references, computed in the grading process: the
student's backward output is what is graded, and few calls cross the sandbox.
"""
from __future__ import annotations

import numpy as np

from student_lib import checks
from grading_contract.calls import Handle
from student_lib.gradcheck import numerical_gradient, numerical_vjp

KINK_GAP = 1e-3           # keep ReLU pre-activations at least this far from 0


# ------------------------------------------------------- reading student returns
def returned(value, *, function: str, names: tuple[str, ...]):
    """`value` as a tuple of len(names) items, or a clear failure naming the function."""
    __tracebackhide__ = True
    noun = "arrays" if function.endswith("_backward") else "values"
    want = f"({', '.join(names)}): {len(names)} {noun}"
    if isinstance(value, (tuple, list)):
        if len(value) != len(names):
            checks.fail(f"{function} must return {want}; it returned {len(value)}")
        return tuple(value)
    kind = "an opaque object" if isinstance(value, Handle) else type(value).__name__
    checks.fail(f"{function} must return {want}; it returned a single {kind}")


def forward(student, function: str, *args):
    """(out, cache) from a student forward; the cache stays in the worker as a handle."""
    __tracebackhide__ = True
    return returned(getattr(student.with_handles(1), function)(*args),
                    function=function, names=("out", "cache"))


def copies(*arrays):
    """Fresh copies, so an in-place student never changes the test's own data."""
    return [np.array(a, copy=True) for a in arrays]


# ------------------------------------------------------------ reference maths
def ref_linear(x, W, b):
    return x @ W + b


def ref_relu(x):
    return np.maximum(x, 0.0)


def ref_sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


# The losses below also take a stack (B, N, C) of scores, one loss each (ref_mse when told
# `stacked`, as its pred may be 1-d; see loss_gradients).
def ref_mse(pred, y, stacked: bool = False):
    axes = tuple(range(1, pred.ndim)) if stacked else None
    return 0.5 * np.sum((pred - y) ** 2, axis=axes) / pred.shape[1 if stacked else 0]


def ref_cross_entropy(scores, y):
    shifted = scores - scores.max(axis=-1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return -np.mean(logp[..., np.arange(len(y)), y], axis=-1)


def n_layers(params) -> int:
    return sum(1 for k in params if k.startswith("W"))


def ref_preactivations(params, X, activation="relu"):
    """Every layer's pre-activation, last one = the scores."""
    act = ref_relu if activation == "relu" else ref_sigmoid
    zs, h = [], X
    for k in range(1, n_layers(params) + 1):
        z = h @ params[f"W{k}"] + params[f"b{k}"]
        zs.append(z)
        h = act(z)
    return zs


def ref_scores(params, X, activation="relu"):
    return ref_preactivations(params, X, activation)[-1]


def ref_loss(params, X, y, loss="softmax", activation="relu", reg=0.0):
    scores = ref_scores(params, X, activation)
    data = ref_cross_entropy(scores, y) if loss == "softmax" else ref_mse(scores, y, stacked=scores.ndim == 3)
    return data + 0.5 * reg * sum(np.sum(params[f"W{k}"] ** 2, axis=(-2, -1))
                                  for k in range(1, n_layers(params) + 1))


def random_params(rng, sizes):
    """He-scaled weights and small nonzero biases (so a bias gradient can be checked)."""
    params = {}
    for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{k}"] = rng.normal(0.0, np.sqrt(2.0 / a), size=(a, b))
        params[f"b{k}"] = rng.normal(0.0, 0.1, size=b)
    return params


def mlp_problem(rng, depth: int, loss: str, activation: str, n: int = 5):
    """(params, X, y): a small random MLP problem, ReLU pre-activations away from the kink."""
    for _ in range(100):
        sizes = [int(rng.integers(2, 5))] + [int(rng.integers(3, 6)) for _ in range(depth)] \
            + [int(rng.integers(2, 4))]
        params = random_params(rng, sizes)
        X = rng.normal(size=(n, sizes[0]))
        hidden = ref_preactivations(params, X, activation)[:-1]
        if activation != "relu" or min(np.abs(z).min() for z in hidden) > KINK_GAP:
            break
    y = (rng.integers(0, sizes[-1], size=n) if loss == "softmax"
         else rng.normal(size=(n, sizes[-1])))
    return params, X, y


def loss_gradients(params, X, y, h: float = 1e-5, **kw) -> dict[str, np.ndarray]:
    """Centred differences of ref_loss with respect to every parameter.

    What `numerical_gradient` computes entry by entry, (f(p + h e_i) - f(p - h e_i)) / 2h,
    with every shifted copy of a parameter evaluated at once: the copies are stacked on a
    leading axis (biases as (B, 1, n), so they broadcast over the N rows), which the
    reference forward pass and losses carry through to B losses.
    """
    grads = {}
    for key, value in params.items():
        m = value.size
        steps = (h * np.eye(m)).reshape(m, *value.shape)
        stack = np.concatenate([value + steps, value - steps])
        if value.ndim == 1:
            stack = stack[:, None, :]
        losses = ref_loss({**params, key: stack}, X, y, **kw)
        grads[key] = ((losses[:m] - losses[m:]) / (2 * h)).reshape(value.shape)
    return grads


def away_from_zero(rng, shape, gap: float = 0.05):
    """Normal entries with |x| ≥ gap (ReLU is differentiable there)."""
    x = rng.normal(size=shape)
    return np.where(np.abs(x) < gap, np.copysign(gap, x) + x, x)


__all__ = ["returned", "forward", "copies",
           "numerical_vjp", "numerical_gradient"]
