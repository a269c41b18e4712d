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
    ### BEGIN SOLUTION
    out = x @ W + b
    cache = (x, W)
    return out, cache
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    x, W = cache
    dx = dout @ W.T
    dW = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dW, db
    ### END SOLUTION


def relu_forward(x):
    """ReLU: out = max(0, x), elementwise.

    Inputs:
    - x: array of any shape

    Returns a tuple of:
    - out: array of x's shape
    - cache: whatever relu_backward needs
    """
    ### BEGIN SOLUTION
    out = np.maximum(x, 0)
    cache = x
    return out, cache
    ### END SOLUTION


def relu_backward(dout, cache):
    """Backward pass of ReLU (its derivative at 0 is taken to be 0).

    Inputs:
    - dout: upstream gradient, array of out's shape
    - cache: what relu_forward returned

    Returns:
    - dx: gradient with respect to x, array of x's shape
    """
    ### BEGIN SOLUTION
    x = cache
    dx = dout * (x > 0)
    return dx
    ### END SOLUTION


def sigmoid_forward(x):
    """Logistic sigmoid: out = 1 / (1 + exp(-x)), elementwise, without overflow.

    Inputs:
    - x: array of any shape

    Returns a tuple of:
    - out: array of x's shape, values in [0, 1]
    - cache: whatever sigmoid_backward needs
    """
    ### BEGIN SOLUTION
    out = 0.5 * (1 + np.tanh(0.5 * x))   # the same function; tanh never overflows
    cache = out
    return out, cache
    ### END SOLUTION


def sigmoid_backward(dout, cache):
    """Backward pass of the sigmoid.

    Inputs:
    - dout: upstream gradient, array of out's shape
    - cache: what sigmoid_forward returned

    Returns:
    - dx: gradient with respect to x, array of x's shape
    """
    ### BEGIN SOLUTION
    out = cache
    dx = dout * out * (1 - out)
    return dx
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    n = pred.shape[0]
    diff = pred - y
    loss = 0.5 * float(np.sum(diff * diff)) / n
    dpred = diff / n
    return loss, dpred
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    n = scores.shape[0]
    rows = np.arange(n)
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = -float(np.mean(log_probs[rows, y]))
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1
    dscores /= n
    return loss, dscores
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    params = {}
    for k, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{k}"] = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
        params[f"b{k}"] = np.zeros(fan_out)
    return params
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    act = relu_forward if activation == "relu" else sigmoid_forward
    L = _n_layers(params)
    h = X
    for k in range(1, L + 1):
        h, _ = linear_forward(h, params[f"W{k}"], params[f"b{k}"])
        if k < L:
            h, _ = act(h)
    return h
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    act_forward, act_backward = ((relu_forward, relu_backward) if activation == "relu"
                                 else (sigmoid_forward, sigmoid_backward))
    L = _n_layers(params)
    h, caches = X, []
    for k in range(1, L + 1):
        h, lin_cache = linear_forward(h, params[f"W{k}"], params[f"b{k}"])
        act_cache = None
        if k < L:
            h, act_cache = act_forward(h)
        caches.append((lin_cache, act_cache))

    data_loss, dh = (softmax_cross_entropy if loss == "softmax" else mse_loss)(h, y)
    total = data_loss + 0.5 * reg * sum(float(np.sum(params[f"W{k}"] ** 2)) for k in range(1, L + 1))

    grads = {}
    for k in range(L, 0, -1):
        lin_cache, act_cache = caches[k - 1]
        if k < L:
            dh = act_backward(dh, act_cache)
        dh, dW, db = linear_backward(dh, lin_cache)
        grads[f"W{k}"] = dW + reg * params[f"W{k}"]
        grads[f"b{k}"] = db
    return total, grads
    ### END SOLUTION


def sgd_step(params, grads, lr):
    """One step of gradient descent: p ← p − lr · grad, for every parameter.

    Inputs:
    - params, grads: dicts with the same keys and shapes
    - lr: the learning rate, a float

    Returns:
    - new_params: a new dict; params and its arrays are left unchanged
    """
    ### BEGIN SOLUTION
    new_params = {k: p - lr * grads[k] for k, p in params.items()}
    return new_params
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    params = init_mlp(sizes, seed)
    rng = np.random.default_rng(seed)
    history = []
    n = X.shape[0]
    for _ in range(epochs):
        order = rng.permutation(n)
        losses = []
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            value, grads = mlp_loss_and_grads(params, X[batch], y[batch], loss=loss)
            params = sgd_step(params, grads, lr)
            losses.append(value)
        history.append(float(np.mean(losses)))
    return params, history
    ### END SOLUTION
