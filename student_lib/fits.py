"""How a trained shallow ReLU net is judged: its error, and whether its units are alive.

One rule for the public test and the hidden suite (`fit_credit`):

- **error**: the mean squared error on a dense grid, against the noiseless
  target, relative to the target's variance (1.0 = no better than the mean).
  Full credit at `FULL_MSE` or less, none at `ZERO_MSE` or more, linear between.
- **live, spread kinks**: a unit counts when its kink x = -b/w lies inside
  the data and it bends the output noticeably (|c w| at least `MIN_BEND` of
  the target's typical slope); kinks closer than `GAP` of the interval are
  one kink. Fewer than `n_units // UNITS_PER_KINK` distinct kinks means most
  units are dead or stuck together (all biases 0 puts every kink at x = 0):
  the credit is capped, from 1/2 for a single kink up to 1.

Calibration (seeds 0-9 of the hidden targets, 20 units, default steps and lr):
a plain correct fit (spread kinks, or random kinks, or w ~ N(0, 1)) has a
relative error of at most 0.2 and at least 9 distinct kinks; the all-zero-bias
start keeps 1 to 4 distinct kinks.
"""
from __future__ import annotations

import numpy as np

from student_lib.plot import read_shallow, shallow_values

FULL_MSE, ZERO_MSE = 0.5, 1.0   # relative held-out MSE for full / no credit
UNITS_PER_KINK = 4              # full credit needs n_units // 4 distinct live kinks (5 of 20)
MIN_BEND = 0.01                 # a unit bends the output by >= 1 % of the target's typical slope
GAP = 0.025                     # kinks closer than 2.5 % of the interval count as one


def distinct_kinks(params, lo: float, hi: float, slope: float) -> int:
    """Distinct kinks strictly inside (lo, hi) of units that change the slope by >= MIN_BEND * slope."""
    w, b, c, _ = read_shallow(params)
    with np.errstate(divide="ignore", invalid="ignore"):
        at = np.where(w != 0, -b / np.where(w != 0, w, 1.0), np.nan)
    live = np.isfinite(at) & (at > lo) & (at < hi) & (np.abs(c * w) >= MIN_BEND * slope)
    kinks = np.sort(at[live])
    return 0 if kinks.size == 0 else 1 + int(np.sum(np.diff(kinks) > GAP * (hi - lo)))


def fit_credit(params, f, lo: float, hi: float, n_units: int) -> tuple[float, str]:
    """(fraction of the points, why not all of them: "" at full credit) for a net fitted to f on [lo, hi]."""
    x = np.linspace(lo, hi, 2001)
    fx = f(x)
    relative = float(np.mean((shallow_values(params, x) - fx) ** 2) / np.var(fx))
    error = float(np.clip((ZERO_MSE - relative) / (ZERO_MSE - FULL_MSE), 0.0, 1.0)) \
        if np.isfinite(relative) else 0.0
    needed = max(2, n_units // UNITS_PER_KINK)
    found = distinct_kinks(params, lo, hi, np.ptp(fx) / (hi - lo))
    alive = 0.5 + 0.5 * float(np.clip((found - 1) / (needed - 1), 0.0, 1.0)) if found < needed else 1.0
    why = []
    if error < 1.0:
        why.append(f"held-out mean squared error is {relative:.2f} times the target's variance; full "
                   f"marks at {FULL_MSE} or less (1.0 is no better than predicting the mean)")
    if alive < 1.0:
        why.append(f"only {found} distinct kink{'s' if found != 1 else ''} of live units inside the data "
                   f"(full marks need {needed} of your {n_units} units): most units are dead or their kinks "
                   f"sit in one place; spread the initial kinks over the range of x (README, section 6)")
    return min(error, alive), "; ".join(why)
