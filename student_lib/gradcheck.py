"""Gradient checking: compare your backward pass with centred differences.

A backward pass is correct when it agrees with the slope you can measure by
nudging each input a little. For a scalar function f and a step h,

    df/dx_i  ≈  (f(x + h·e_i) − f(x − h·e_i)) / (2h)

with an error of order h² (one-sided differences only reach order h). For a
function with an array output and an upstream gradient `dout`, the quantity a
`*_backward` returns is the vector-Jacobian product Σ_j dout_j · ∂out_j/∂x_i,
which is the derivative of the scalar Σ dout·f(x).

Agreement is measured with the relative error

    rel_error(a, n) = max_i |a_i − n_i| / max(1e-8, |a_i| + |n_i|)

In float64 a correct gradient usually gives 1e-7 or smaller; 1e-2 or larger
means a bug. (Near a ReLU kink a correct gradient can look wrong: keep
inputs away from 0 when you check.)

    >>> from student_lib.gradcheck import check_layer
    >>> check_layer(linear_forward, linear_backward, x, W, b)
    linear_forward / linear_backward, relative errors:
      x  3.1e-10  ok
      W  2.2e-10  ok
      b  8.9e-12  ok
"""
from __future__ import annotations

import inspect
from typing import Callable

import numpy as np

GOOD = 1e-6   # below this a float64 gradient is right
BAD = 1e-2    # above this it is wrong


def rel_error(a, b) -> float:
    """The largest elementwise relative error between two arrays.

    Inputs:
    - a, b: arrays (or numbers) of the same shape

    Returns:
    - max over entries of |a − b| / max(1e-8, |a| + |b|), a float
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error: shapes differ, {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def numerical_gradient(f: Callable, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Centred-difference gradient of a scalar function.

    Inputs:
    - f: a function of one array returning a number, f(x) -> float
    - x: float array of any shape, the point (left unchanged)
    - h: the step

    Returns:
    - grad: array of x's shape, grad[i] ≈ (f(x + h e_i) − f(x − h e_i)) / 2h
    """
    return numerical_vjp(lambda z: np.asarray(f(z), dtype=np.float64), x, np.float64(1.0), h)


def numerical_vjp(f: Callable, x: np.ndarray, dout, h: float = 1e-5) -> np.ndarray:
    """Centred-difference vector-Jacobian product of an array function.

    Inputs:
    - f: a function of one array returning an array, f(x) -> out
    - x: float array of any shape, the point (left unchanged)
    - dout: upstream gradient, an array of out's shape
    - h: the step

    Returns:
    - dx: array of x's shape, dx[i] ≈ Σ dout · (f(x + h e_i) − f(x − h e_i)) / 2h
    """
    x = np.array(x, dtype=np.float64)      # a float64 copy: the caller's x is never touched
    dout = np.asarray(dout, dtype=np.float64)
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        plus = np.sum(np.asarray(f(x), dtype=np.float64) * dout)
        flat[i] = old - h
        minus = np.sum(np.asarray(f(x), dtype=np.float64) * dout)
        flat[i] = old
        gflat[i] = (plus - minus) / (2 * h)
    return grad


def _input_names(forward: Callable, n: int) -> list[str]:
    try:
        names = [p.name for p in inspect.signature(forward).parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        names = []
    return [names[i] if i < len(names) else f"input {i + 1}" for i in range(n)]


def check_layer(forward: Callable, backward: Callable, *inputs, dout=None, h: float = 1e-5,
                seed: int = 0, verbose: bool = True) -> dict[str, float]:
    """Gradient-check one of your forward/backward pairs.

    `forward(*inputs)` must return `(out, cache)` and `backward(dout, cache)`
    one gradient per input, in the same order (a single array for a layer
    with one input, like relu). Each input's gradient is compared with
    centred differences of `forward`.

    Inputs:
    - forward, backward: e.g. linear_forward, linear_backward
    - *inputs: the forward's array inputs, e.g. x (N, D), W (D, M), b (M,); use float64
    - dout: upstream gradient of out's shape (default: random normal)
    - h: the finite-difference step
    - seed: seeds the random dout
    - verbose: print a small table

    Returns:
    - {input name: relative error}, e.g. {"x": 3e-10, "W": 2e-10, "b": 9e-12}
    """
    inputs = [np.array(a, dtype=np.float64) for a in inputs]
    out, cache = forward(*inputs)
    if dout is None:
        dout = np.random.default_rng(seed).normal(size=np.shape(out))
    grads = backward(np.array(dout, dtype=np.float64), cache)
    if len(inputs) == 1 and not isinstance(grads, (tuple, list)):
        grads = (grads,)
    if not isinstance(grads, (tuple, list)) or len(grads) != len(inputs):
        got = len(grads) if isinstance(grads, (tuple, list)) else 1
        raise ValueError(f"{getattr(backward, '__name__', 'backward')} returned {got} gradient(s) "
                         f"for {len(inputs)} input(s); return one per input, in order")
    errors = {}
    for i, (name, grad) in enumerate(zip(_input_names(forward, len(inputs)), grads)):
        def f(z, i=i):
            args = list(inputs)
            args[i] = z
            return forward(*args)[0]
        numeric = numerical_vjp(f, inputs[i], dout, h)
        if np.shape(grad) != numeric.shape:
            errors[name] = float("inf")
        else:
            errors[name] = rel_error(grad, numeric)
    if verbose:
        _print_table(forward, backward, errors)
    return errors


def _print_table(forward, backward, errors: dict[str, float]) -> None:
    names = f"{getattr(forward, '__name__', 'forward')} / {getattr(backward, '__name__', 'backward')}"
    print(f"{names}, relative errors:")
    width = max(len(k) for k in errors) if errors else 1
    for name, err in errors.items():
        verdict = "ok" if err < GOOD else ("WRONG" if err > BAD else "suspicious")
        shown = "wrong shape" if err == float("inf") else f"{err:.1e}"
        print(f"  {name:<{width}}  {shown}  {verdict}")


__all__ = ["rel_error", "numerical_gradient", "numerical_vjp", "check_layer"]
