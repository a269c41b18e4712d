"""Shared pieces of the activations suite: the suite's own reference maths and checks.

The references are written in forms that are accurate to a few ulps everywhere
(exp only of −|x|, no cancellation): σ'(x) as e^(−|x|)/(1 + e^(−|x|))²,
1 − tanh² as 4e^(−2|x|)/(1 + e^(−2|x|))², GELU as x·σ(2u) since
½(1 + tanh u) = σ(2u). They run in float64; float32 cases compare against the
float64 value with float32 tolerances. They are also the speed yardstick of the
vectorisation tests, so they stay plain whole-array numpy.

Nothing here calls the student.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from student_lib import checks

# Tolerances: any correct formula meets them, in float64 and in float32.
F64 = {"rtol": 1e-9, "atol": 1e-12}
F32 = {"rtol": 2e-5, "atol": 2e-6}

GELU_C = math.sqrt(2.0 / math.pi)
GELU_A = 0.044715


def tol(dtype) -> dict:
    return F32 if np.dtype(dtype) == np.float32 else F64


# ------------------------------------------------------------ reference maths
def ref_sigmoid(x):
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, z) / (1.0 + z)                       # e^x/(1+e^x) for x < 0


def ref_sigmoid_grad(x):
    z = np.exp(-np.abs(x))
    return z / (1.0 + z) ** 2                                          # σ(x)·σ(−x)


def ref_tanh(x):
    return np.tanh(x)


def ref_tanh_grad(x):
    z = np.exp(-2.0 * np.abs(x))
    return 4.0 * z / (1.0 + z) ** 2                                   # sech²x


def ref_relu(x):
    return np.where(x > 0, x, 0.0)


def ref_relu_grad(x):
    return np.where(x > 0, 1.0, 0.0)


def ref_leaky_relu(x, alpha=0.01):
    return np.where(x > 0, x, alpha * x)


def ref_leaky_relu_grad(x, alpha=0.01):
    return np.where(x > 0, 1.0, alpha)


def ref_elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def ref_elu_grad(x, alpha=1.0):
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))


def ref_softplus(x):
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def ref_softplus_grad(x):
    return ref_sigmoid(x)


def ref_silu(x):
    return x * ref_sigmoid(x)


def ref_silu_grad(x):
    return ref_sigmoid(x) * (1.0 + x * ref_sigmoid(-x))


def _gelu_u(x):
    return GELU_C * (x + GELU_A * x**3)


def ref_gelu(x):
    return x * ref_sigmoid(2.0 * _gelu_u(x))                          # ½(1 + tanh u) = σ(2u)


def ref_gelu_grad(x):
    u = _gelu_u(x)
    du = GELU_C * (1.0 + 3.0 * GELU_A * x**2)
    return ref_sigmoid(2.0 * u) + 2.0 * x * ref_sigmoid_grad(2.0 * u) * du


def ref_softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def ref_log_softmax(x, axis=-1):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def ref_softmax_vjp(x, g, axis=-1):
    s = ref_softmax(x, axis)
    return s * (g - np.sum(g * s, axis=axis, keepdims=True))


REF = {name[4:]: fn for name, fn in globals().items() if name.startswith("ref_")}

# The elementwise functions, and for each derivative the function it differentiates.
FORWARD = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "silu", "gelu"]
GRADS = [f + "_grad" for f in FORWARD]
ELEMENTWISE = [n for pair in zip(FORWARD, GRADS) for n in pair]
SOFTMAX = ["softmax", "log_softmax", "softmax_vjp"]


def reference(name: str, *arrays, **kw) -> np.ndarray:
    """The reference result in float64 (arrays are promoted): reference("elu", x, alpha=0.5)."""
    promoted = [np.asarray(a, dtype=np.float64) for a in arrays]
    return np.asarray(REF[name](*promoted, **kw), dtype=np.float64)


# ---------------------------------------------------------------- rubric help
def each(functions, points: float, label: str, **marker) -> list:
    """One pytest.param per function, each with its own rubric line '<function>: <label>'."""
    return [pytest.param(f, id=f, marks=pytest.mark.grade(points=points, function=f,
                                                          name=f"{f}: {label}", **marker))
            for f in functions]


# --------------------------------------------------------------------- checks
def close_to_reference(got, expected, dtype, *, what: str, scale: float = 0.0) -> None:
    """Values (not dtype: the contract tests grade that) within the dtype's tolerance.

    `scale`: the largest |input| when a result near 0 is computed from inputs of
    that size (log_softmax's x − logsumexp(x)): a few ulps of it are allowed.
    """
    __tracebackhide__ = True
    t = dict(tol(dtype))
    t["atol"] = max(t["atol"], 8 * float(np.finfo(dtype).eps) * scale)
    checks.assert_close(got, np.asarray(expected, dtype=np.float64), what=what,
                        check_dtype=False, **t)


def away_from_zero(rng, shape, scale: float = 3.0, gap: float = 0.01) -> np.ndarray:
    """Normal entries with |x| >= gap: smooth territory for every function here."""
    x = rng.normal(0.0, scale, size=shape)
    return np.where(np.abs(x) < gap, np.copysign(gap, x) + x, x)


# Inputs that break naive formulas: exp(±88.8) overflows float32, exp(±710) float64.
EXTREMES = np.array([-1e3, -710.0, -100.0, -88.8, -88.7, -50.0, -20.0, -1.0, -1e-8,
                     1e-8, 1.0, 20.0, 50.0, 88.7, 88.8, 100.0, 710.0, 1e3])
