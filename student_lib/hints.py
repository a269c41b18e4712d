"""Hints for the usual mistakes, shown by `python -m student_lib check` next to a failure.

`HINTS[assignment][function]` is a list of `(keywords, hint)`: the first entry
with a keyword that occurs in the failing test's name or in our message about
it wins, then the generic entries, then the function's entry without keywords
(its default hint). A hint points at the mistake; it never gives the code.
"""
from __future__ import annotations

import re

STABLE = ("stable", "warning", "overflow", "large inputs", "large scores", "1e4")
AT_ZERO = ("zero", "x = 0", "at 0")
STABLE_EXP = "exp overflows for large |x|: rewrite the formula so exp only ever sees numbers <= 0"

HINTS: dict[str, dict[str, list[tuple[tuple[str, ...], str]]]] = {
    "activations": {
        "sigmoid": [
            (STABLE, "1/(1+exp(-x)) overflows for large negative x. " + STABLE_EXP
             + " (e.g. use exp(x)/(1+exp(x)) where x < 0, or np.tanh: σ(x) = (1+tanh(x/2))/2)"),
            ((), "σ(x) = 1/(1+e^(−x)); check the sign inside exp, and that you return an array of x's dtype"),
        ],
        "sigmoid_grad": [((), "σ'(x) = σ(x)·(1−σ(x)); compute σ(x) once and reuse it")],
        "tanh": [((), "np.tanh is allowed and stable; return x's dtype")],
        "tanh_grad": [((), "tanh'(x) = 1 − tanh(x)²")],
        "relu": [((), "relu(x) = max(0, x) elementwise: np.maximum(x, 0), not Python's max")],
        "relu_grad": [
            (AT_ZERO, "relu_grad(0) must be 0: use x > 0, not x >= 0"),
            ((), "relu'(x) is 1 where x > 0 and 0 elsewhere (0 at x = 0 too); return x's float dtype, not bool"),
        ],
        "leaky_relu": [((), "x where x > 0, alpha·x elsewhere; use np.where, and pass alpha through")],
        "leaky_relu_grad": [
            (AT_ZERO, "the gradient at 0 is alpha, not 1: use x > 0 for the slope-1 side"),
            ((), "1 where x > 0, alpha elsewhere (including at 0)"),
        ],
        "elu": [
            (STABLE, "np.where evaluates both branches: exp(x) of a large positive x overflows even "
             "where you do not use it. Clip first: np.exp(np.minimum(x, 0))"),
            ((), "x where x > 0, alpha·(e^x − 1) elsewhere (np.expm1 is accurate near 0)"),
        ],
        "elu_grad": [
            (AT_ZERO, "the gradient at 0 is alpha (use x > 0 for the slope-1 side)"),
            ((), "1 where x > 0, alpha·e^x elsewhere; clip x before exp so no overflow warning is raised"),
        ],
        "softplus": [
            (STABLE, "log(1+e^x) overflows for large x. Use softplus(x) = max(x,0) + log1p(e^(−|x|))"),
            ((), "softplus(x) = log(1+e^x); for large x it is ≈ x. max(x,0) + log1p(e^(−|x|)) is exact and stable"),
        ],
        "softplus_grad": [((), "softplus'(x) = σ(x): reuse a stable sigmoid")],
        "silu": [((), "silu(x) = x·σ(x): reuse a stable sigmoid")],
        "silu_grad": [((), "product rule: σ(x) + x·σ(x)·(1−σ(x))")],
        "gelu": [((), "0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))); write the constants so float32 stays float32")],
        "gelu_grad": [((), "differentiate with the product and chain rules: with u = √(2/π)(x + 0.044715x³), "
                           "d/dx tanh(u) = (1 − tanh²u)·√(2/π)(1 + 3·0.044715·x²)")],
        "softmax": [
            (STABLE, "softmax overflows for large inputs: subtract the max along the axis first "
             "(softmax(x) = softmax(x − c) for any c)"),
            (("axis",), "use the axis argument everywhere (max, sum) with keepdims=True, never a fixed axis"),
            ((), "exp(x − max) / sum(exp(x − max)), both along `axis` with keepdims=True so shapes broadcast"),
        ],
        "log_softmax": [((), "x − logsumexp(x) along axis; logsumexp(x) = m + log Σ e^(x−m) with m the max. "
                             "Do not take log(softmax(x)): it gives −inf for very negative entries")],
        "softmax_vjp": [((), "with s = softmax(x): result = s·(g − Σ(g·s)) with the sum along axis (keepdims=True)")],
    },
    "backprop": {
        "linear_forward": [((), "out = x @ W + b; keep (x, W) in the cache for backward")],
        "linear_backward": [
            (("db:", "db (", "db for", "db sums", "db returned", "db must"), "b is added to every row, so db sums dout over the batch (axis 0); do not average"),
            (("dw:", "dw (", "dw returned"), "dW has W's shape (D, M): check which factor is transposed, "
             "and the order of the product"),
            ((), "dx = dout·Wᵀ, dW = xᵀ·dout, db = Σ over rows of dout; each has the shape of what it differentiates"),
        ],
        "relu_forward": [((), "max(0, x) elementwise (np.maximum, not Python's max); keep x (or out) in the cache")],
        "relu_backward": [
            (AT_ZERO, "the derivative at 0 is 0: use x > 0, not x >= 0"),
            ((), "dx = dout where x > 0, else 0; do not change dout in place"),
        ],
        "sigmoid_forward": [((), "use a stable sigmoid (no overflow warning for large |x|); cache the output")],
        "sigmoid_backward": [((), "dx = dout·σ(x)·(1 − σ(x)); reuse the output you cached")],
        "mse_loss": [((), "loss = (1/N)·Σ ½‖pred − y‖² with N = pred.shape[0]; dpred = (pred − y)/N")],
        "softmax_cross_entropy": [
            (STABLE, "subtract each row's max before exp, and compute log-probabilities as "
             "shifted − log Σ exp(shifted), never log(softmax)"),
            ((), "loss = mean over rows of −log softmax(scores)[y]; dscores = (softmax − one_hot(y)) / N"),
        ],
        "init_mlp": [((), "keys W1, b1, …, WL, bL; Wk has shape (sizes[k−1], sizes[k]) drawn as "
                          "normal·√(2/fan_in) from np.random.default_rng(seed); biases are zeros")],
        "mlp_forward": [((), "every hidden layer is linear then the activation; the last layer is linear only")],
        "mlp_loss_and_grads": [
            (("grads['b",), "a bias gradient is wrong: the regulariser ½·reg·Σ‖Wk‖² covers weights only, "
             "so dbk is exactly what the linear layer's backward pass returns"),
            (("grads['w",), "a weight gradient is wrong: dWk is the layer's backward dW plus reg·Wk (from ½·reg·‖Wk‖²)"),
            (("loss value",), "the loss is the data loss plus ½·reg·Σ‖Wk‖² over weights only (no biases)"),
            ((), "run the forward pass keeping every cache, then the backward passes in reverse order; "
                 "grads must have exactly the keys of params"),
        ],
        "sgd_step": [((), "return a new dict {k: params[k] − lr·grads[k]}; do not modify params in place")],
        "train_mlp": [((), "per epoch: shuffle with your seeded rng, loop over minibatches, call "
                           "mlp_loss_and_grads and sgd_step; record the epoch's mean loss")],
    },
    "relu_approx": {
        "shallow_forward": [((), "f(x) = d + Σᵢ cᵢ·relu(wᵢ·x + bᵢ): an (n, k) array of pre-activations, "
                                 "then a sum over units (no loop over x)")],
        "interpolate_pwl": [((), "start with the first segment's line, then add one unit at each inner "
                                 "knot whose c is the change of slope there")],
        "step_approx": [((), "two ReLUs: relu(x − (t − eps/2))/eps − relu(x − (t + eps/2))/eps")],
        "approximate": [((), "sample f at n_units + 1 equally spaced knots and reuse interpolate_pwl")],
        "sawtooth": [((), "the tent map g(x) = 2·relu(x) − 4·relu(x − ½) on [0, 1] is one layer of 2 units; "
                          "compose it m times")],
        "square_approx": [((), "Yarotsky: x² ≈ x − Σₛ gₛ(x)/4ˢ for s = 1..m with gₛ the s-fold tent map")],
        "softplus_from_sigmoids": [((), "broadcast x[:, None] − (i − 0.5) over i = 1..n and sum stable "
                                        "sigmoids along the new axis")],
        "fit_relu_net": [((), "initialise knots spread over the data (not all at 0), use the gradient of the "
                              "mean squared error, and check the loss goes down")],
    },
}

GENERIC = [
    (("in place", "inputs unchanged", "inputs alone"),
     "never write into an argument (x[...] = ..., x += ..., np.maximum(x, 0, out=x)): build a new array"),
    (("vectorised", "loop"), "replace the Python loop over elements by whole-array numpy operations "
                            "(np.where, np.maximum, broadcasting)"),
    (("float32", "dtype"), "keep the input's dtype: numpy float64 constants (np.float64(c), np.array(c), np.sqrt(2/np.pi)) "
                          "upcast float32; plain Python floats or x.dtype.type(c) do not"),
    (("not plain",), "return a plain numpy array (np.asarray(...)), not a list or a custom object"),
    (("shape",), "return an array of the input's shape: check which axis you reduce over, and keepdims=True"),
]


def hint_for(assignment: str, function: str, text: str, *, repeat: bool = False) -> str:
    """The hint for a failure of `function` whose test names and messages are `text`.

    "" when there is none, or (unless `repeat`) when the message already says it.
    """
    lowered = text.lower()
    entries = HINTS.get(assignment, {}).get(function, [])
    chosen = next((hint for keywords, hint in entries + GENERIC if any(k.lower() in lowered for k in keywords)),
                  next((hint for keywords, hint in entries if not keywords), ""))
    return "" if not repeat and already_said(chosen, lowered) else chosen


def already_said(hint: str, lowered_text: str) -> bool:
    """True if a clause of the hint (12+ characters) is already in the message."""
    clauses = [c.strip(" .").lower() for c in re.split(r"[:;]", hint)]
    return any(len(c) >= 12 and c in lowered_text for c in clauses)


_NUMPY_SCALAR = re.compile(r"np\.(?:float|int|uint|complex|bool_?)\d*\(([^()]*)\)")


def tidy(message: str) -> str:
    """Messages read better without numpy 2's scalar reprs: np.float64(0.5) -> 0.5."""
    return _NUMPY_SCALAR.sub(r"\1", message)
