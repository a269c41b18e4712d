# Generated from solutions/ by `python -m autograder.scaffold`: edit the solution, not this file.
"""Why ReLU works: approximation by construction, then by learning.

A shallow net is a tuple `(w, b, c, d)`: arrays w, b, c of shape (k,) and a
float d. It computes, for a real input x,

    f(x) = d + sum_i c[i] * relu(w[i] * x + b[i])

Unit i is a hinge: zero on one side of its kink at x = -b[i] / w[i], a line of
slope c[i] * w[i] on the other. A deep net is a list of `(W, b)` pairs, W of
shape (in, out) and b of shape (out,); the input x is fed as a column of shape
(n, 1), every layer but the last is followed by ReLU, and the output (n, 1)
is flattened to (n,).

Work through README.md one function at a time. `python -m student_lib check`
runs the public tests; `python -m student_lib plot relu_approx` draws your nets.

Rules: numpy only; no Python loops over the elements of an array (a loop over
layers, knots or training steps is fine); never modify an input in place.
"""
import numpy as np


def _relu(z):
    """max(z, 0), elementwise."""
    return np.maximum(z, 0)


# ------------------------------------------------------------ 1. shallow nets
def shallow_forward(params, x):
    """Evaluate a shallow ReLU net.

    Inputs:
    - params: tuple (w, b, c, d); w, b, c arrays of shape (k,), d a float
    - x: array of shape (n,)

    Returns:
    - out: array of shape (n,), out[j] = d + sum_i c[i] * relu(w[i] * x[j] + b[i])

    Hint: x[:, None] * w has shape (n, k): one column per unit.
    """
    raise NotImplementedError("TODO: implement `shallow_forward` (see README.md)")
    return out


def interpolate_pwl(xs, ys):
    """The shallow net equal to the piecewise-linear interpolant of (xs, ys).

    Inputs:
    - xs: array of shape (K,), strictly increasing knots, K >= 2
    - ys: array of shape (K,), the values at the knots

    Returns:
    - (w, b, c, d) with at most K - 1 units, equal on [xs[0], xs[-1]] to the
      function that joins the points (xs[j], ys[j]) with straight lines.

    Hint: put unit j's kink at xs[j] (w = 1, b = -xs[j]). Left of xs[1] only
    unit 0 is on, so c[0] is the first slope; each later unit must *change*
    the slope, from the previous piece's to its own.
    """
    raise NotImplementedError("TODO: implement `interpolate_pwl` (see README.md)")
    return w, b, c, d


def step_approx(t, eps):
    """A ramp with 2 units: a step at t, smoothed over a band of width eps.

    Inputs:
    - t: float, the centre of the step
    - eps: float > 0, the width of the band

    Returns:
    - (w, b, c, d) with 2 units computing 0 for x <= t - eps/2, 1 for
      x >= t + eps/2, and the straight line between these two points inside
      the band.

    Hint: the difference of two hinges of the same slope 1/eps, one starting
    where the band starts and one where it ends.
    """
    raise NotImplementedError("TODO: implement `step_approx` (see README.md)")
    return w, b, c, d


def approximate(f, a, b, n_units):
    """A shallow net with at most n_units units that approximates f on [a, b].

    Inputs:
    - f: a function of one real variable, callable on an array of shape (n,)
    - a, b: floats, a < b, the interval
    - n_units: int >= 1, the budget of hidden units

    Returns:
    - (w, b, c, d) with at most n_units units. It is graded by its largest
      error on [a, b] (the sup-error), compared with the interpolant of f at
      n_units + 1 equally spaced knots. Matching that earns full marks; put
      the knots where f bends most to do better.

    Hint: interpolate_pwl does the hard part. For smooth f, interpolation
    with spacing h has error at most h**2 / 8 * max|f''|; so spend knots
    where |f''| is large, for instance so that each piece holds an equal
    share of the integral of sqrt|f''|.
    """
    raise NotImplementedError("TODO: implement `approximate` (see README.md)")


# ------------------------------------------------------------ 2. depth
def sawtooth(m):
    """A deep net computing the m-fold composition of the tent map on [0, 1].

    The tent map is g(x) = 2 * min(x, 1 - x) = 2 relu(x) - 4 relu(x - 1/2)
    on [0, 1]. Composing it m times gives a sawtooth with 2**m linear pieces,
    yet the net needs only O(m) units: one small block per composition
    (Telgarsky, 2016).

    Inputs:
    - m: int >= 1

    Returns:
    - layers: a list of (W, b) pairs (see the top of this file)
    """
    raise NotImplementedError("TODO: implement `sawtooth` (see README.md)")
    return layers


def square_approx(m):
    """A deep net approximating x**2 on [0, 1] with error at most 2**(-2m-2).

    Yarotsky (2017): with g_s the s-fold tent map (see sawtooth),

        f_m(x) = x - sum_{s=1..m} g_s(x) / 4**s

    is the interpolant of x**2 at the 2**m + 1 points j / 2**m. Build it with
    O(m) units: each hidden layer carries the running sum f_{s-1} (it is
    never negative, so ReLU lets it through) next to the two units of the
    next tent.

    Inputs:
    - m: int >= 1

    Returns:
    - layers: a list of (W, b) pairs (see the top of this file)
    """
    raise NotImplementedError("TODO: implement `square_approx` (see README.md)")
    return layers


# ------------------------------------------------------------ 3. sigmoids
def softplus_from_sigmoids(x, n):
    """The sum of n shifted sigmoids: sum_{i=1..n} sigmoid(x - i + 0.5).

    This staircase of soft steps is the midpoint rule for the integral of the
    sigmoid from x - n to x, which is softplus(x) - softplus(x - n), with
    softplus(x) = log(1 + e^x), itself a smooth ReLU (Nair & Hinton, 2010).
    So it is within 0.02 of softplus(x) for every x <= n - 4, and falls short
    near the top: by log 2 = 0.69 at x = n (README, section 5).

    Inputs:
    - x: array of any shape, float32 or float64
    - n: int >= 1, the number of sigmoids

    Returns:
    - out: array of x's shape and dtype

    Hint: add a last axis for i (x[..., None] - shifts) and sum over it. A
    stable sigmoid: 0.5 * (1 + tanh(z / 2)).
    """
    raise NotImplementedError("TODO: implement `softplus_from_sigmoids` (see README.md)")
    return out


# ------------------------------------------------------------ 4. learning
def fit_relu_net(x, y, n_units, steps=2000, lr=1e-2, seed=0):
    """Train a shallow net by full-batch gradient descent on the mean squared error.

    Loss: L = mean_j (f(x[j]) - y[j])**2 with f the shallow net (w, b, c, d).
    NO 1/2 here, unlike backprop.mse_loss: L is exactly the mean squared error
    that grading reports. A 1/2 would only halve the gradient (the same as
    halving lr) and passes too; see README section 6.

    Inputs:
    - x: array of shape (n,), inputs
    - y: array of shape (n,), noisy targets
    - n_units: int, number of hidden units k
    - steps: int, number of gradient steps on all the data
    - lr: float, learning rate
    - seed: int, seeds the initialisation (np.random.default_rng(seed))

    Returns:
    - (w, b, c, d), the trained net (float64 arrays of shape (k,), float d)

    Initialisation matters (README section 6): draw w = +1 or -1 at random,
    spread the kinks evenly over the range of x (b = -w * kink), start c at
    zero-mean noise of size 1 / k and d at mean(y). Zero biases put every kink
    at 0; units whose kink lies outside the data never turn on and never learn.
    """
    raise NotImplementedError("TODO: implement `fit_relu_net` (see README.md)")
    return w, b, c, d
