"""Target functions for the relu_approx assignment.

A target is a plain object that you call on a float array, like `np.sin`:

    f = PiecewiseLinear([0, 0.3, 1], [0, 1, -0.5])
    y = f(np.linspace(0, 1, 5))        # same shape as the input

Every target is fully described by `f.spec()`, a JSON-able dict, and
`from_spec(f.spec())` rebuilds it: that is how the grader sends a target to
the process that runs your code. `random_target(rng)` draws one at random.
A target's `repr` names its kind only, never its hidden parameters.

Kinds:
- `PiecewiseLinear(xs, ys)`: straight lines between the knots (xs, ys),
  constant beyond the first and last knot.
- `PiecewiseSmooth(xs, ys, bends)`: continuous, with a kink at each knot; on
  [xs[j], xs[j+1]] it is the chord plus bends[j]·(x − xs[j])(x − xs[j+1]), a
  parabola with f'' = 2·bends[j].
- `Step(t, low, high)`: `low` for x < t, `high` for x ≥ t.
- `Smooth(name, scale, shift, amplitude)`: amplitude·g(scale·x + shift) with
  g one of sin, exp, tanh, gauss (= exp(−u²)).
"""
from __future__ import annotations

import numpy as np

from grading_contract import wire

SMOOTH = {"sin": np.sin, "exp": np.exp, "tanh": np.tanh,
          "gauss": lambda u: np.exp(-np.square(u))}
KINDS = ("piecewise_linear", "piecewise_smooth", "step", "smooth")


def _floats(values, name: str, n: int | None = None) -> tuple[float, ...]:
    arr = np.asarray(values, dtype=np.float64).ravel()
    if n is not None and arr.size != n:
        raise ValueError(f"{name} must have {n} values, got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    return tuple(float(v) for v in arr)


def _as_float_array(x) -> tuple[np.ndarray, np.dtype]:
    x = np.asarray(x)
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    return x.astype(np.float64), dtype


class Target:
    """Base class: call it on an array; `spec()` describes it completely."""

    kind = ""
    description = "a target function"

    def __call__(self, x):
        x64, dtype = _as_float_array(x)
        return np.asarray(self._values(x64), dtype=dtype)

    def _values(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def spec(self) -> dict:
        raise NotImplementedError

    @property
    def knots(self) -> tuple[float, ...]:
        """Where the target is not smooth (empty for smooth targets)."""
        return ()

    def __repr__(self) -> str:
        return self.description

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.spec() == self.spec()

    def __hash__(self) -> int:
        return hash(repr(sorted(self.spec().items())))


class PiecewiseLinear(Target):
    kind = "piecewise_linear"
    description = "a piecewise-linear target"

    def __init__(self, xs, ys):
        self.xs = _floats(xs, "xs")
        self.ys = _floats(ys, "ys", len(self.xs))
        if len(self.xs) < 2 or np.any(np.diff(self.xs) <= 0):
            raise ValueError("xs must be at least 2 strictly increasing knots")

    def _values(self, x):
        return np.interp(x, self.xs, self.ys)

    @property
    def knots(self):
        return self.xs

    def spec(self):
        return {"kind": self.kind, "xs": list(self.xs), "ys": list(self.ys)}


class PiecewiseSmooth(PiecewiseLinear):
    kind = "piecewise_smooth"
    description = "a piecewise-smooth target"

    def __init__(self, xs, ys, bends):
        super().__init__(xs, ys)
        self.bends = _floats(bends, "bends", len(self.xs) - 1)

    def _values(self, x):
        xs = np.asarray(self.xs)
        j = np.clip(np.searchsorted(xs, x, side="right") - 1, 0, len(xs) - 2)
        inside = (x >= xs[0]) & (x <= xs[-1])
        bump = np.asarray(self.bends)[j] * (x - xs[j]) * (x - xs[j + 1])
        return np.interp(x, xs, self.ys) + np.where(inside, bump, 0.0)

    def spec(self):
        return dict(super().spec(), bends=list(self.bends))


class Step(Target):
    kind = "step"
    description = "a step target"

    def __init__(self, t, low=0.0, high=1.0):
        self.t, self.low, self.high = _floats([t, low, high], "t, low, high")

    def _values(self, x):
        return np.where(x >= self.t, self.high, self.low)

    @property
    def knots(self):
        return (self.t,)

    def spec(self):
        return {"kind": self.kind, "t": self.t, "low": self.low, "high": self.high}


class Smooth(Target):
    kind = "smooth"

    def __init__(self, name, scale=1.0, shift=0.0, amplitude=1.0):
        if name not in SMOOTH:
            raise ValueError(f"smooth target name must be one of {sorted(SMOOTH)}, not {name!r}")
        self.name = str(name)
        self.scale, self.shift, self.amplitude = _floats([scale, shift, amplitude],
                                                         "scale, shift, amplitude")

    @property
    def description(self) -> str:
        return f"a smooth target ({self.name})"

    def _values(self, x):
        return self.amplitude * SMOOTH[self.name](self.scale * x + self.shift)

    def spec(self):
        return {"kind": self.kind, "name": self.name, "scale": self.scale,
                "shift": self.shift, "amplitude": self.amplitude}


_CLASSES = {cls.kind: cls for cls in (PiecewiseLinear, PiecewiseSmooth, Step, Smooth)}


def from_spec(spec: dict) -> Target:
    """Rebuild a target from `target.spec()`."""
    if not isinstance(spec, dict) or spec.get("kind") not in _CLASSES:
        raise ValueError(f"not a target spec (kind must be one of {KINDS}): {spec!r:.80}")
    args = {k: v for k, v in spec.items() if k != "kind"}
    return _CLASSES[spec["kind"]](**args)


wire.register("target", Target, lambda target: target.spec(), from_spec)   # targets cross the sandbox as specs


def _random_knots(rng: np.random.Generator, lo: float, hi: float, n_pieces: int) -> np.ndarray:
    """Unevenly spaced knots from lo to hi: no piece shorter than a fifth of the average."""
    widths = rng.uniform(0.2, 1.0, size=n_pieces)
    return lo + (hi - lo) * np.concatenate([[0.0], np.cumsum(widths) / widths.sum()])


def random_target(rng: np.random.Generator, kind: str | None = None,
                  interval: tuple[float, float] = (-1.0, 1.0)) -> Target:
    """A random target whose interesting part lies in `interval`, values of order 1.

    Inputs:
    - rng: a numpy Generator (the only source of randomness)
    - kind: one of KINDS, or None for any of them
    - interval: (lo, hi), where the knots, the step or the wiggles are
    """
    lo, hi = (float(v) for v in interval)
    kind = kind or str(rng.choice(KINDS))
    if kind in ("piecewise_linear", "piecewise_smooth"):
        n = int(rng.integers(3, 8))
        inner = _random_knots(rng, lo, hi, n)
        xs = np.concatenate([[lo - 0.1 * (hi - lo)], inner[1:-1], [hi + 0.1 * (hi - lo)]])
        ys = rng.uniform(-1.0, 1.0, size=n + 1)
        ys[rng.integers(n + 1)] = rng.choice([-1.0, 1.0])   # never nearly flat
        if kind == "piecewise_linear":
            return PiecewiseLinear(xs, ys)
        bends = rng.uniform(-3.0, 3.0, size=n) / np.diff(xs) ** 2 * 0.25
        return PiecewiseSmooth(xs, ys, bends)
    if kind == "step":
        t = rng.uniform(lo + 0.2 * (hi - lo), hi - 0.2 * (hi - lo))
        jump, level = rng.uniform(0.5, 2.0) * rng.choice([-1.0, 1.0]), rng.uniform(-0.5, 0.5)
        return Step(t, level - jump / 2, level + jump / 2)
    if kind == "smooth":
        name = str(rng.choice(sorted(SMOOTH)))
        mid, half = (lo + hi) / 2, (hi - lo) / 2
        scale = {"sin": rng.uniform(1.5, 4.0), "exp": rng.uniform(0.5, 1.5),
                 "tanh": rng.uniform(1.0, 4.0), "gauss": rng.uniform(1.0, 3.0)}[name] / half
        shift = -scale * (mid + rng.uniform(-0.3, 0.3) * half)
        amplitude = rng.uniform(0.5, 1.5) * rng.choice([-1.0, 1.0])
        if name == "exp":
            amplitude /= np.exp(scale * hi + shift)
        return Smooth(name, scale, shift, amplitude)
    raise ValueError(f"kind must be one of {KINDS} or None, not {kind!r}")
