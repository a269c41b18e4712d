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
    ### BEGIN SOLUTION
    w, b, c, d = params
    hidden = _relu(x[:, None] * w + b)
    out = hidden @ c + d
    ### END SOLUTION
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
    ### BEGIN SOLUTION
    slopes = np.diff(ys) / np.diff(xs)
    w = np.ones(len(xs) - 1)
    b = -np.asarray(xs[:-1], dtype=np.float64)
    c = np.diff(slopes, prepend=0.0)
    d = float(ys[0])
    ### END SOLUTION
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
    ### BEGIN SOLUTION
    w = np.full(2, 1.0 / eps)
    b = -np.array([t - eps / 2, t + eps / 2]) / eps
    c = np.array([1.0, -1.0])
    d = 0.0
    ### END SOLUTION
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
    ### BEGIN SOLUTION
    grid = np.linspace(a, b, 4001)
    values = f(grid)
    uniform = np.linspace(a, b, n_units + 1)
    # Equidistribute sqrt|f''| (plus a floor, so flat parts still get knots).
    bend = np.abs(np.gradient(np.gradient(values, grid), grid))
    density = np.sqrt(bend) + 0.1 * np.sqrt(bend).mean() + 1e-12
    mass = np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) / 2)])
    adapted = np.interp(np.linspace(0, mass[-1], n_units + 1), mass, grid)
    adapted[0], adapted[-1] = a, b

    def sup_error(knots):
        return np.max(np.abs(values - np.interp(grid, knots, f(knots))))

    candidates = [uniform]
    if np.all(np.diff(adapted) > 0):
        candidates.append(adapted)
    knots = min(candidates, key=sup_error)
    return interpolate_pwl(knots, f(knots))
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    first = (np.array([[1.0, 1.0]]), np.array([0.0, -0.5]))
    tent_then_split = (np.array([[2.0, 2.0], [-4.0, -4.0]]), np.array([0.0, -0.5]))
    last = (np.array([[2.0], [-4.0]]), np.array([0.0]))
    layers = [first] + [tent_then_split] * (m - 1) + [last]
    ### END SOLUTION
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
    ### BEGIN SOLUTION
    # Hidden layer s holds [f_{s-1}, relu(g_{s-1}), relu(g_{s-1} - 1/2)], g_0 = f_0 = x.
    layers = [(np.array([[1.0, 1.0, 1.0]]), np.array([0.0, 0.0, -0.5]))]
    for s in range(1, m + 1):
        q = 4.0 ** -s   # g_s = 2 h1 - 4 h2, and f_s = h0 - q g_s
        f_s = [[1.0], [-2.0 * q], [4.0 * q]]
        if s == m:
            layers.append((np.array(f_s), np.array([0.0])))
        else:
            tent = [[0.0, 0.0], [2.0, 2.0], [-4.0, -4.0]]
            layers.append((np.hstack([f_s, tent]), np.array([0.0, 0.0, -0.5])))
    ### END SOLUTION
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
    ### BEGIN SOLUTION
    shifts = np.arange(1, n + 1, dtype=x.dtype) - x.dtype.type(0.5)
    z = x[..., None] - shifts
    out = (0.5 * (1 + np.tanh(z / 2))).sum(axis=-1).astype(x.dtype)
    ### END SOLUTION
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
    ### BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w = rng.choice([-1.0, 1.0], size=n_units)
    kinks = np.linspace(x.min(), x.max(), n_units + 2)[1:-1]
    b = -w * kinks
    c = rng.normal(size=n_units) / n_units
    d = float(y.mean())
    for _ in range(steps):
        z = x[:, None] * w + b                # (n, k) pre-activations
        on = z > 0                            # which units are on, per sample
        h = z * on                            # relu(z)
        g = 2 * (h @ c + d - y) / len(x)      # dL/df, shape (n,)
        # dL/dz = g[:, None] * c * on; summed against x (for w) and 1 (for b):
        dw = c * ((g * x) @ on)
        db = c * (g @ on)
        w = w - lr * dw
        b = b - lr * db
        c = c - lr * (h.T @ g)
        d = d - lr * float(g.sum())
    ### END SOLUTION
    return w, b, c, d
