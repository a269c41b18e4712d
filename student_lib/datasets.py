"""Small toy datasets, generated with numpy from a seed (nothing is downloaded).

Each function returns `(X, y)` with X of shape (N, D), float64:

- `spirals(n, classes=3, noise=0.2, seed=0)`: interleaved spiral arms in 2-D, y int64 (N,).
  No linear classifier does better than chance; a ReLU MLP separates them.
- `xor_blobs(n, noise=0.25, seed=0)`: four Gaussian blobs at (±1, ±1), labelled by
  sign(x₁)·sign(x₂), y int64 (N,). The classic problem a single layer cannot solve.
- `piecewise_regression(n, noise=0.05, seed=0)`: x uniform on [−1, 1] as (N, 1) and a
  piecewise target y (N, 1): a kink, a step and a smooth bump, plus noise. A hidden
  layer of ReLUs fits it as a sum of clipped lines.

`split(X, y, fraction=0.25, seed=0)` holds out a test set. The same arguments give
the same data on every machine.
"""
from __future__ import annotations

import numpy as np


def spirals(n: int = 300, classes: int = 3, noise: float = 0.2, seed: int = 0):
    """`classes` spiral arms of n // classes points each (n is rounded down to a multiple).

    Returns:
    - X: float64 array of shape (N, 2), N = classes · (n // classes)
    - y: int64 array of shape (N,), labels 0 … classes−1
    """
    rng = np.random.default_rng(seed)
    per = n // classes
    radius = np.tile(np.linspace(0.0, 1.0, per), classes)
    label = np.repeat(np.arange(classes), per)
    angle = (label * 2 * np.pi / classes + radius * 5.5       # about 7/8 of a turn per arm
             + rng.normal(scale=noise, size=per * classes))
    X = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)
    return X, label.astype(np.int64)


def xor_blobs(n: int = 200, noise: float = 0.25, seed: int = 0):
    """Four blobs at (±1, ±1); class 1 where the coordinates' signs differ.

    Returns:
    - X: float64 array of shape (n, 2)
    - y: int64 array of shape (n,), labels 0 and 1
    """
    rng = np.random.default_rng(seed)
    centres = rng.choice(np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]]), size=n)
    X = centres + rng.normal(scale=noise, size=(n, 2))
    y = (centres[:, 0] != centres[:, 1]).astype(np.int64)
    return X, y


def piecewise_target(x: np.ndarray) -> np.ndarray:
    """The noiseless target of `piecewise_regression`, elementwise on x in [−1, 1]."""
    x = np.asarray(x, dtype=np.float64)
    kink = np.abs(x + 0.5)                       # a V at −0.5
    step = np.where(x > 0.2, 0.8, 0.0)           # a jump at 0.2
    bump = 0.5 * np.exp(-((x - 0.6) / 0.15) ** 2)  # a smooth bump at 0.6
    return kink + step + bump - 0.5


def piecewise_regression(n: int = 256, noise: float = 0.05, seed: int = 0):
    """Noisy samples of `piecewise_target` at uniform random x in [−1, 1].

    Returns:
    - X: float64 array of shape (n, 1)
    - y: float64 array of shape (n, 1)
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=(n, 1))
    return x, piecewise_target(x) + rng.normal(scale=noise, size=(n, 1))


def split(X: np.ndarray, y: np.ndarray, fraction: float = 0.25, seed: int = 0):
    """A random train/test split.

    Returns:
    - X_train, y_train, X_test, y_test, the test part holding round(fraction · N) rows
    """
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = int(round(fraction * len(X)))
    test, train = order[:n_test], order[n_test:]
    return X[train], y[train], X[test], y[test]


__all__ = ["spirals", "xor_blobs", "piecewise_regression", "piecewise_target", "split"]
