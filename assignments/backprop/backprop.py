# Generated from solutions/ by `python -m autograder.scaffold`: edit the solution, not this file.
"""Backpropagation: layers, losses and a whole MLP, by hand.

Every layer is a pair of functions:

    out, cache = <layer>_forward(inputs...)    # compute, and keep what backward needs
    d_inputs = <layer>_backward(dout, cache)   # dout = dLoss/dout, same shape as out

A loss returns `(loss, dscores)`: the number and its gradient with respect to
its first argument. An MLP chains these pieces, and backprop is the chain rule
applied from the loss back to every weight. README.md derives each backward
pass; `student_lib.gradcheck.check_layer` checks yours against centred
differences.

Rules: use numpy only, no Python loops over elements (a loop over layers or
minibatches is fine), never modify an input in place, and return the input's
floating dtype (float32 in, float32 out).
"""
import numpy as np


# ----------------------------------------------------------------- layers
def linear_forward(x, W, b):
    """Affine layer: out = x W + b.

    Inputs:
    - x: array of shape (N, D), a batch of N inputs
    - W: array of shape (D, M), weights
    - b: array of shape (M,), biases

    Returns a tuple of:
    - out: array of shape (N, M)
    - cache: whatever linear_backward needs (any Python object)
    """
    raise NotImplementedError("TODO: implement `linear_forward` (see README.md)")


def linear_backward(dout, cache):
    """Backward pass of the affine layer.

    Inputs:
    - dout: upstream gradient, array of shape (N, M)
    - cache: what linear_forward returned

    Returns a tuple of:
    - dx: gradient with respect to x, shape (N, D)
    - dW: gradient with respect to W, shape (D, M)
    - db: gradient with respect to b, shape (M,)  (b is used by every row of the batch)
    """
    raise NotImplementedError("TODO: implement `linear_backward` (see README.md)")


def relu_forward(x):
    """ReLU: out = max(0, x), elementwise.

    Inputs:
    - x: array of any shape

    Returns a tuple of:
    - out: array of x's shape
    - cache: whatever relu_backward needs
    """
    raise NotImplementedError("TODO: implement `relu_forward` (see README.md)")


def relu_backward(dout, cache):
    """Backward pass of ReLU (its derivative at 0 is taken to be 0).

    Inputs:
    - dout: upstream gradient, array of out's shape
    - cache: what relu_forward returned

    Returns:
    - dx: gradient with respect to x, array of x's shape
    """
    raise NotImplementedError("TODO: implement `relu_backward` (see README.md)")


def sigmoid_forward(x):
    """Logistic sigmoid: out = 1 / (1 + exp(-x)), elementwise, without overflow.

    Inputs:
    - x: array of any shape

    Returns a tuple of:
    - out: array of x's shape, values in [0, 1]
    - cache: whatever sigmoid_backward needs
    """
    raise NotImplementedError("TODO: implement `sigmoid_forward` (see README.md)")


def sigmoid_backward(dout, cache):
    """Backward pass of the sigmoid.

    Inputs:
    - dout: upstream gradient, array of out's shape
    - cache: what sigmoid_forward returned

    Returns:
    - dx: gradient with respect to x, array of x's shape
    """
    raise NotImplementedError("TODO: implement `sigmoid_backward` (see README.md)")


# ------------------------------------------------------------------ losses
def mse_loss(pred, y):
    """Mean squared error: loss = (1/N) · Σᵢ ½‖predᵢ − yᵢ‖².

    Inputs:
    - pred: predictions, array of shape (N, C) (or (N,))
    - y: targets, array of pred's shape

    Returns a tuple of:
    - loss: a float
    - dpred: gradient of loss with respect to pred, array of pred's shape
    """
    raise NotImplementedError("TODO: implement `mse_loss` (see README.md)")


def softmax_cross_entropy(scores, y):
    """Softmax cross-entropy: loss = mean over i of −log softmax(scoresᵢ)[yᵢ].

    Must stay finite, with no overflow warning, for scores as large as 1e4
    (subtract each row's max before exponentiating).

    Inputs:
    - scores: array of shape (N, C), unnormalised class scores
    - y: integer array of shape (N,), labels in 0 … C−1 (any integer dtype)

    Returns a tuple of:
    - loss: a float
    - dscores: gradient of loss with respect to scores, array of shape (N, C)
    """
    raise NotImplementedError("TODO: implement `softmax_cross_entropy` (see README.md)")


# --------------------------------------------------------------------- MLP
def init_mlp(sizes, seed):
    """Random parameters of an MLP with He initialisation.

    Layer k (k = 1 … L) maps sizes[k-1] features to sizes[k]:
    Wk ~ normal(0, sqrt(2 / sizes[k-1])) of shape (sizes[k-1], sizes[k]),
    bk = zeros of shape (sizes[k],).

    Inputs:
    - sizes: list [D, H1, …, C] of layer widths (at least 2 entries)
    - seed: seed for np.random.default_rng

    Returns:
    - params: dict with keys "W1", "b1", …, "WL", "bL" (float64 arrays)
    """
    raise NotImplementedError("TODO: implement `init_mlp` (see README.md)")


def _n_layers(params):
    """L, the number of layers: params holds W1 … WL."""
    return len([k for k in params if k.startswith("W")])


def mlp_forward(params, X, activation="relu"):
    """Class scores of an MLP: hidden layers are linear + activation, the last is linear.

    Inputs:
    - params: dict "W1", "b1", …, "WL", "bL" as made by init_mlp
    - X: array of shape (N, D)
    - activation: "relu" or "sigmoid"

    Returns:
    - scores: array of shape (N, C)
    """
    raise NotImplementedError("TODO: implement `mlp_forward` (see README.md)")


def mlp_loss_and_grads(params, X, y, loss="softmax", activation="relu", reg=0.0):
    """Loss of an MLP on a batch, and its gradient with respect to every parameter.

    The loss is the data loss plus ½·reg·Σₖ‖Wₖ‖² (weights only, never biases).

    Inputs:
    - params: dict "W1", "b1", …, "WL", "bL"
    - X: array of shape (N, D)
    - y: labels, int array (N,) for loss="softmax"; targets, float array (N, C) for loss="mse"
    - loss: "softmax" (softmax_cross_entropy) or "mse" (mse_loss)
    - activation: "relu" or "sigmoid"
    - reg: L2 regularisation strength

    Returns a tuple of:
    - loss: a float
    - grads: dict with exactly the keys of params; grads[k] has params[k]'s shape
    """
    raise NotImplementedError("TODO: implement `mlp_loss_and_grads` (see README.md)")


def sgd_step(params, grads, lr):
    """One step of gradient descent: p ← p − lr · grad, for every parameter.

    Inputs:
    - params, grads: dicts with the same keys and shapes
    - lr: the learning rate, a float

    Returns:
    - new_params: a new dict; params and its arrays are left unchanged
    """
    raise NotImplementedError("TODO: implement `sgd_step` (see README.md)")


def train_mlp(X, y, sizes, loss="softmax", lr=0.1, epochs=100, batch_size=64, seed=0):
    """Train a ReLU MLP with minibatch SGD.

    Start from init_mlp(sizes, seed). Each epoch shuffles the N examples
    (with np.random.default_rng(seed)), walks through them in minibatches of
    batch_size (the last one may be smaller), and takes one sgd_step per
    minibatch using mlp_loss_and_grads.

    Inputs:
    - X: array of shape (N, D)
    - y: int labels (N,) for loss="softmax", float targets (N, C) for loss="mse"
    - sizes: layer widths [D, H1, …, C]
    - loss: "softmax" or "mse"
    - lr, epochs, batch_size, seed: the usual hyperparameters

    Returns a tuple of:
    - params: the trained parameters (dict, as init_mlp)
    - history: list of `epochs` floats, the mean minibatch loss of each epoch
    """
    raise NotImplementedError("TODO: implement `train_mlp` (see README.md)")
