# Generated from solutions/ by `python -m autograder.scaffold`: edit the solution, not this file.
"""Activation functions and their derivatives, written to never overflow.

Each activation `f(x)` comes with `f_grad(x)`, the derivative df/dx evaluated
elementwise at x. The softmax family works along one axis instead.
README.md has the maths of every function and the tricks that keep them
stable.

Rules, for every function:
- use numpy only, and no Python loops over elements (numpy does the looping);
- never modify the input in place: build a new array;
- return an array of the input's shape and dtype (float32 in, float32 out).
  Python numbers (1, 0.5, alpha) keep float32 as float32; numpy float64
  constants such as np.float64(0.5) or np.sqrt(2 / np.pi) turn it into float64;
- for |x| up to 1000, in float64 and in float32, return no NaN or inf where
  the true value is finite, and raise no numpy overflow or invalid-value
  warning. The trick is always the same: only ever call np.exp on numbers
  that are <= 0.

You may call one of your functions from another (sigmoid inside silu, say);
each function is graded on its own.
"""
import math

import numpy as np


# --------------------------------------------------------- sigmoid and tanh
def sigmoid(x):
    """Logistic sigmoid: sigmoid(x) = 1 / (1 + exp(-x)).

    Inputs:
    - x: float array of any shape

    Returns:
    - out: array of x's shape and dtype, every entry in [0, 1]

    Hint: exp(-x) overflows for x = -1000. Write the formula for x >= 0 and
    for x < 0 so that exp only sees -|x|.
    """
    raise NotImplementedError("TODO: implement `sigmoid` (see README.md)")
    return out


def sigmoid_grad(x):
    """Derivative of the sigmoid: sigmoid(x) * (1 - sigmoid(x)).

    Inputs:
    - x: float array of any shape

    Returns:
    - grad: array of x's shape and dtype
    """
    raise NotImplementedError("TODO: implement `sigmoid_grad` (see README.md)")
    return grad


def tanh(x):
    """Hyperbolic tangent: tanh(x) = (e^x - e^-x) / (e^x + e^-x).

    Inputs:
    - x: float array of any shape

    Returns:
    - out: array of x's shape and dtype, every entry in [-1, 1]

    np.tanh is allowed (and stable).
    """
    raise NotImplementedError("TODO: implement `tanh` (see README.md)")
    return out


def tanh_grad(x):
    """Derivative of tanh: 1 - tanh(x)^2.

    Inputs:
    - x: float array of any shape (the input of tanh, not its output)

    Returns:
    - grad: array of x's shape and dtype
    """
    raise NotImplementedError("TODO: implement `tanh_grad` (see README.md)")
    return grad


# ------------------------------------------------------------ the ReLU family
def relu(x):
    """Rectified linear unit: relu(x) = max(0, x).

    Inputs:
    - x: float array of any shape

    Returns:
    - out: array of x's shape and dtype
    """
    raise NotImplementedError("TODO: implement `relu` (see README.md)")
    return out


def relu_grad(x):
    """Derivative of ReLU: 1 where x > 0, else 0 (at exactly 0 it is 0).

    Inputs:
    - x: float array of any shape

    Returns:
    - grad: array of x's shape and dtype (0.0 and 1.0, not booleans)
    """
    raise NotImplementedError("TODO: implement `relu_grad` (see README.md)")
    return grad


def leaky_relu(x, alpha=0.01):
    """Leaky ReLU: x where x > 0, alpha * x elsewhere.

    Inputs:
    - x: float array of any shape
    - alpha: the slope for x <= 0, a Python float

    Returns:
    - out: array of x's shape and dtype
    """
    raise NotImplementedError("TODO: implement `leaky_relu` (see README.md)")
    return out


def leaky_relu_grad(x, alpha=0.01):
    """Derivative of leaky ReLU: 1 where x > 0, alpha elsewhere (alpha at 0).

    Inputs:
    - x: float array of any shape
    - alpha: the slope for x <= 0, a Python float

    Returns:
    - grad: array of x's shape and dtype
    """
    raise NotImplementedError("TODO: implement `leaky_relu_grad` (see README.md)")
    return grad


def elu(x, alpha=1.0):
    """Exponential linear unit: x where x > 0, alpha * (exp(x) - 1) elsewhere.

    Inputs:
    - x: float array of any shape
    - alpha: the value elu approaches as x -> -infinity is -alpha

    Returns:
    - out: array of x's shape and dtype

    Hint: np.where evaluates both branches everywhere, so exp(x) is computed
    for x = 1000 too. Give exp only the non-positive part, np.minimum(x, 0).
    np.expm1(z) computes exp(z) - 1 accurately for small z.
    """
    raise NotImplementedError("TODO: implement `elu` (see README.md)")
    return out


def elu_grad(x, alpha=1.0):
    """Derivative of ELU: 1 where x > 0, alpha * exp(x) elsewhere (alpha at 0).

    Inputs:
    - x: float array of any shape
    - alpha: as in elu

    Returns:
    - grad: array of x's shape and dtype
    """
    raise NotImplementedError("TODO: implement `elu_grad` (see README.md)")
    return grad


# ------------------------------------------------------- smooth ReLU cousins
def softplus(x):
    """Softplus, the smooth ReLU: softplus(x) = log(1 + exp(x)).

    Inputs:
    - x: float array of any shape

    Returns:
    - out: array of x's shape and dtype, every entry >= 0

    Hint: log(1 + e^x) = max(x, 0) + log(1 + e^-|x|), and np.log1p(z)
    computes log(1 + z) accurately for small z.
    """
    raise NotImplementedError("TODO: implement `softplus` (see README.md)")
    return out


def softplus_grad(x):
    """Derivative of softplus: exp(x) / (1 + exp(x)), which is sigmoid(x).

    Inputs:
    - x: float array of any shape

    Returns:
    - grad: array of x's shape and dtype
    """
    raise NotImplementedError("TODO: implement `softplus_grad` (see README.md)")
    return grad


def silu(x):
    """SiLU (also called swish): silu(x) = x * sigmoid(x).

    Inputs:
    - x: float array of any shape

    Returns:
    - out: array of x's shape and dtype
    """
    raise NotImplementedError("TODO: implement `silu` (see README.md)")
    return out


def silu_grad(x):
    """Derivative of SiLU: sigmoid(x) * (1 + x * (1 - sigmoid(x))).

    Inputs:
    - x: float array of any shape

    Returns:
    - grad: array of x's shape and dtype
    """
    raise NotImplementedError("TODO: implement `silu_grad` (see README.md)")
    return grad


def gelu(x):
    """GELU, tanh form: 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3))).

    Inputs:
    - x: float array of any shape

    Returns:
    - out: array of x's shape and dtype

    Careful: np.sqrt(2 / np.pi) is a numpy float64 and turns a float32 array
    into float64; math.sqrt(2 / math.pi) is a Python float and does not.
    """
    raise NotImplementedError("TODO: implement `gelu` (see README.md)")
    return out


def gelu_grad(x):
    """Derivative of the tanh-form GELU.

    With u = sqrt(2/pi) * (x + 0.044715 x^3) and t = tanh(u):
        gelu'(x) = 0.5 * (1 + t) + 0.5 * x * (1 - t^2) * sqrt(2/pi) * (1 + 3 * 0.044715 x^2)

    Inputs:
    - x: float array of any shape

    Returns:
    - grad: array of x's shape and dtype
    """
    raise NotImplementedError("TODO: implement `gelu_grad` (see README.md)")
    return grad


# ---------------------------------------------------------- the softmax family
def softmax(x, axis=-1):
    """Softmax along one axis: exp(x) / sum(exp(x)).

    Inputs:
    - x: float array of any shape with at least one dimension
    - axis: the axis to normalise over (e.g. -1: each row of a (N, C) array
      of scores becomes a probability distribution over the C classes)

    Returns:
    - p: array of x's shape and dtype; entries in [0, 1], summing to 1 along axis

    Hint: softmax(x) = softmax(x - c) for any c constant along the axis.
    Subtract the maximum (np.max(..., keepdims=True)) so exp only sees
    numbers <= 0.
    """
    raise NotImplementedError("TODO: implement `softmax` (see README.md)")
    return p


def log_softmax(x, axis=-1):
    """Log of the softmax along one axis: x - log(sum(exp(x))).

    Inputs:
    - x: float array of any shape with at least one dimension
    - axis: the axis to normalise over

    Returns:
    - logp: array of x's shape and dtype, every entry <= 0

    Hint: log(sum(exp(x))) = m + log(sum(exp(x - m))) with m the maximum
    (the log-sum-exp trick). np.log(softmax(x)) is not good enough: a
    probability that rounds to 0 gives log(0) = -inf.
    """
    raise NotImplementedError("TODO: implement `log_softmax` (see README.md)")
    return logp


def softmax_vjp(x, g, axis=-1):
    """Backward pass of softmax: the gradient of sum(g * softmax(x, axis)) w.r.t. x.

    With s = softmax(x, axis), the vector-Jacobian product is
        s * (g - sum(g * s, along axis))
    (see README.md for the derivation).

    Inputs:
    - x: float array, the input of softmax
    - g: array of x's shape, the upstream gradient dLoss/dsoftmax(x)
    - axis: the axis softmax normalised over

    Returns:
    - dx: array of x's shape and dtype
    """
    raise NotImplementedError("TODO: implement `softmax_vjp` (see README.md)")
    return dx


# Done? Run the public tests: python -m student_lib check
