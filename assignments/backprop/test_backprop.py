"""Public tests for backprop.py: run them with `python -m student_lib check` (or `pytest`).

They count towards your grade. There is an example here for every rule the
hidden tests grade (values and gradients, the kink at 0, stability, float32,
integer labels, He initialisation and the seed, both activations and losses,
training); the hidden tests apply the same rules to more and larger random
cases. Each backward pass is compared with centred differences
(student_lib.gradcheck), exactly as check_layer does for you.
"""
import numpy as np
import pytest

from student_lib import checks, datasets
from student_lib.gradcheck import numerical_gradient, numerical_vjp, rel_error

ASSIGNMENT = "backprop"


def pair(value, function, names):
    """The tuple a function returned, with a clear message if it has the wrong length."""
    __tracebackhide__ = True
    if not isinstance(value, (tuple, list)) or len(value) != len(names):
        got = len(value) if isinstance(value, (tuple, list)) else "a single value"
        noun = "arrays" if function.endswith("_backward") else "values"
        checks.fail(f"{function} must return ({', '.join(names)}): {len(names)} {noun}; it returned {got}")
    return tuple(value)


def forward(student, function, *inputs):
    """(out, cache) from one of your forward functions, called on copies of the inputs.

    The cache stays wherever your code runs (`with_handles(1)`): it can be any object.
    """
    __tracebackhide__ = True
    inputs = [a.copy() for a in inputs]
    return pair(getattr(student.with_handles(1), function)(*inputs), function, ("out", "cache"))


def assert_gradient(got, numeric, what, n=None):
    """`got` agrees with a centred-difference gradient: relative error below 1e-6 (n: the batch size)."""
    __tracebackhide__ = True
    got = checks.assert_array(got, what=what, shape=numeric.shape)
    err = rel_error(got, numeric)
    if err > 1e-6 and not np.allclose(got, numeric, rtol=1e-6, atol=1e-9):
        checks.fail(f"{what}: relative error {err:.1e} against centred differences (want < 1e-6).\n"
                    f"  yours:   {np.array2string(got, precision=5)}\n"
                    f"  numeric: {np.array2string(numeric, precision=5)}",
                    checks.gradient_symptom(got, numeric, n))


X = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]])          # (N=2, D=3)
W = np.array([[0.2, -0.1], [0.4, 0.3], [-0.5, 0.1]])       # (D=3, M=2)
B = np.array([0.1, -0.2])                                   # (M=2,)
DOUT = np.array([[1.0, -1.0], [0.5, 2.0]])                  # (N=2, M=2)
Z = np.array([[-1.5, 0.3, 2.0], [0.7, -0.2, -3.0]])         # activations' input, away from 0


@pytest.mark.grade(points=1, function="linear_forward")
def test_linear_forward_example(student):
    """linear_forward: out = x W + b, shape (N, M)."""
    out, _ = forward(student, "linear_forward", X, W, B)
    checks.assert_close(out, X @ W + B, what="linear_forward(X, W, b)", show_example=True)


@pytest.mark.grade(points=1, function="linear_backward")
def test_linear_backward_gradcheck(student):
    """linear_backward: dx = dout Wᵀ, dW = xᵀ dout, db = Σ over the batch of dout."""
    _, cache = forward(student, "linear_forward", X, W, B)
    dx, dW, db = pair(student.linear_backward(DOUT.copy(), cache), "linear_backward", ("dx", "dW", "db"))
    assert_gradient(dx, numerical_vjp(lambda v: v @ W + B, X, DOUT), "dx")
    assert_gradient(dW, numerical_vjp(lambda v: X @ v + B, W, DOUT), "dW")
    assert_gradient(db, numerical_vjp(lambda v: X @ W + v, B, DOUT), "db", n=len(X))


@pytest.mark.grade(points=0.5, function="relu_forward")
def test_relu_forward_example(student):
    """relu_forward: out = max(0, x)."""
    out, _ = forward(student, "relu_forward", Z)
    checks.assert_close(out, np.maximum(Z, 0), what="relu_forward(x)", show_example=True, inputs=Z)


@pytest.mark.grade(points=1, function="relu_backward")
def test_relu_backward_gradcheck(student):
    """relu_backward: dx = dout where x > 0, and 0 elsewhere."""
    _, cache = forward(student, "relu_forward", Z)
    dout = np.arange(1.0, 7.0).reshape(2, 3)
    dx = student.relu_backward(dout.copy(), cache)
    assert_gradient(dx, numerical_vjp(lambda v: np.maximum(v, 0), Z, dout), "relu_backward dx")


@pytest.mark.grade(points=0.25, function="relu_backward", name="relu_backward: 0 at x = 0 (example)")
def test_relu_backward_at_zero(student):
    """relu_backward passes no gradient where x is exactly 0: the derivative at 0 is taken to be 0 (x > 0)."""
    x = np.array([[-1.0, 0.0, 2.0], [0.0, 3.0, -0.5]])
    dout = np.arange(1.0, 7.0).reshape(2, 3)
    _, cache = forward(student, "relu_forward", x)
    checks.assert_close(student.relu_backward(dout.copy(), cache), dout * (x > 0), what="relu_backward dx",
                        show_example=True, inputs=x)


@pytest.mark.grade(points=0.5, function="sigmoid_forward")
def test_sigmoid_forward_example(student):
    """sigmoid_forward: out = 1 / (1 + exp(-x))."""
    out, _ = forward(student, "sigmoid_forward", Z)
    checks.assert_close(out, 1 / (1 + np.exp(-Z)), what="sigmoid_forward(x)", show_example=True, inputs=Z)


@pytest.mark.grade(points=1, function="sigmoid_backward")
def test_sigmoid_backward_gradcheck(student):
    """sigmoid_backward: dx = dout · s(1 − s) with s = sigmoid(x)."""
    _, cache = forward(student, "sigmoid_forward", Z)
    dout = np.arange(1.0, 7.0).reshape(2, 3)
    dx = student.sigmoid_backward(dout.copy(), cache)
    assert_gradient(dx, numerical_vjp(lambda v: 1 / (1 + np.exp(-v)), Z, dout), "sigmoid_backward dx")


@pytest.mark.grade(points=1, function="mse_loss")
def test_mse_loss_example(student):
    """mse_loss: loss = (1/N) Σᵢ ½‖predᵢ − yᵢ‖², dpred = (pred − y) / N."""
    pred, y = np.array([[1.0, 2.0], [3.0, 4.0], [0.0, 0.0]]), np.array([[1.0, 0.0], [1.0, 4.0], [1.0, 1.0]])
    loss, dpred = pair(student.mse_loss(pred.copy(), y.copy()), "mse_loss", ("loss", "dpred"))
    checks.assert_scalar(loss, 0.5 * (4 + 4 + 2) / 3, what="mse_loss", show_example=True, n=3)
    assert_gradient(dpred, numerical_gradient(lambda p: 0.5 * np.sum((p - y) ** 2) / 3, pred), "dpred", n=3)


@pytest.mark.grade(points=1, function="softmax_cross_entropy")
def test_softmax_cross_entropy_example(student):
    """softmax_cross_entropy: equal scores give loss log C; dscores = (softmax − one-hot) / N."""
    scores, y = np.zeros((4, 5)), np.array([0, 1, 2, 4])
    loss, dscores = pair(student.softmax_cross_entropy(scores.copy(), y.copy()), "softmax_cross_entropy",
                         ("loss", "dscores"))
    checks.assert_scalar(loss, np.log(5), what="loss for all-zero scores", show_example=True, n=4)
    expected = np.full((4, 5), 0.2)
    expected[np.arange(4), y] -= 1
    checks.assert_close(dscores, expected / 4, what="dscores for all-zero scores", show_example=True, n=4)


@pytest.mark.grade(points=0.25, function="softmax_cross_entropy", property="values",
                   name="softmax_cross_entropy: any integer labels (example)")
def test_softmax_cross_entropy_integer_labels(student):
    """softmax_cross_entropy must accept labels of any integer dtype (int8, uint8, int32, int64)."""
    scores = np.array([[2.0, 0.0, -1.0], [0.5, 0.5, 3.0]])
    for dtype in ("int8", "uint8", "int32", "int64"):
        y = np.array([0, 2], dtype=dtype)
        loss, _ = pair(student.softmax_cross_entropy(scores.copy(), y), "softmax_cross_entropy", ("loss", "dscores"))
        s = scores - scores.max(axis=1, keepdims=True)
        logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
        checks.assert_scalar(loss, -logp[[0, 1], [0, 2]].mean(), what=f"the loss with {dtype} labels",
                             show_example=True)


@pytest.mark.grade(points=0.5, function="softmax_cross_entropy")
def test_softmax_cross_entropy_no_overflow(student):
    """softmax_cross_entropy: must not overflow for scores as large as 1e4."""
    scores, y = np.array([[1e4, 0.0, -1e4], [0.0, 1e4, 1e4]]), np.array([0, 0])
    loss, _ = pair(student.softmax_cross_entropy(scores.copy(), y.copy()), "softmax_cross_entropy", ("loss", "dscores"))
    checks.assert_scalar(loss, (0.0 + 1e4 + np.log(2)) / 2, what="loss for scores up to 1e4", show_example=True)


@pytest.mark.grade(points=0.5, function="init_mlp")
def test_init_mlp_example(student):
    """init_mlp([4, 8, 3]) gives W1 (4, 8), b1 (8,), W2 (8, 3), b2 (3,), biases zero."""
    params = student.init_mlp([4, 8, 3], 0)
    assert isinstance(params, dict) and sorted(params) == ["W1", "W2", "b1", "b2"], \
        f"init_mlp must return a dict with keys W1, b1, W2, b2; got {params!r:.80}"
    for key, shape in {"W1": (4, 8), "b1": (8,), "W2": (8, 3), "b2": (3,)}.items():
        checks.assert_array(params[key], what=key, shape=shape)
    checks.assert_close(params["b1"], np.zeros(8), what="b1", show_example=True)


@pytest.mark.grade(points=0.5, function="init_mlp", name="init_mlp: He scale and the seed (example)")
def test_init_mlp_he_scale_and_seed(student):
    """init_mlp: weights normal with standard deviation sqrt(2 / fan_in), the same for the same seed,
    different for another seed."""
    a, b, c = (student.init_mlp([400, 100, 10], seed) for seed in (7, 7, 8))
    for key in ("W1", "W2"):
        W = checks.assert_array(a[key], what=key, shape={"W1": (400, 100), "W2": (100, 10)}[key])
        want = np.sqrt(2.0 / W.shape[0])
        if abs(W.std() / want - 1) > 0.1:
            checks.fail(f"{key} has standard deviation {W.std():.4f}; He initialisation gives "
                        f"sqrt(2 / fan_in) = {want:.4f} for fan_in {W.shape[0]}")
        if not np.array_equal(a[key], b[key]) or np.array_equal(a[key], c[key]):
            checks.fail(f"{key} must be the same for the same seed and differ for another seed: "
                        "draw it from np.random.default_rng(seed)")


PARAMS = {"W1": np.array([[1.0, -1.0, 0.5], [0.5, 2.0, -1.0]]), "b1": np.array([0.1, 0.2, -0.3]),
          "W2": np.array([[1.0, 0.0], [-1.0, 1.0], [0.5, 0.5]]), "b2": np.array([0.0, 0.1])}
XS = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -0.7]])
YS = np.array([1, 0, 1])


def fresh(params):
    """Copies, so that a function that changes its inputs cannot change these examples."""
    return {k: v.copy() for k, v in params.items()}


def reference_scores(params, x, act):
    return act(x @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]


@pytest.mark.grade(points=1, function="mlp_forward")
def test_mlp_forward_example(student):
    """mlp_forward: scores = act(X W1 + b1) W2 + b2 for one hidden layer."""
    scores = student.mlp_forward(fresh(PARAMS), XS.copy())
    checks.assert_close(scores, reference_scores(PARAMS, XS, lambda z: np.maximum(z, 0)),
                        what="mlp_forward(params, X)", show_example=True)


@pytest.mark.grade(points=0.5, function="mlp_forward", name="mlp_forward: sigmoid activation (example)")
def test_mlp_forward_sigmoid_example(student):
    """mlp_forward with activation="sigmoid": scores = sigmoid(X W1 + b1) W2 + b2."""
    scores = student.mlp_forward(fresh(PARAMS), XS.copy(), activation="sigmoid")
    checks.assert_close(scores, reference_scores(PARAMS, XS, lambda z: 1 / (1 + np.exp(-z))),
                        what='mlp_forward(params, X, activation="sigmoid")', show_example=True)


@pytest.mark.grade(points=1, function="mlp_loss_and_grads")
def test_mlp_loss_and_grads_gradcheck(student):
    """mlp_loss_and_grads: every gradient agrees with centred differences of the loss (weight decay 0.1)."""
    def loss_of(params):
        s = reference_scores(params, XS, lambda z: np.maximum(z, 0))
        s = s - s.max(axis=1, keepdims=True)
        logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
        return -logp[np.arange(3), YS].mean() + 0.05 * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    loss, grads = pair(student.mlp_loss_and_grads(fresh(PARAMS), XS.copy(), YS.copy(), reg=0.1), "mlp_loss_and_grads",
                       ("loss", "grads"))
    checks.assert_scalar(loss, loss_of(PARAMS), what="loss", show_example=True)
    assert isinstance(grads, dict) and sorted(grads) == sorted(PARAMS), \
        "grads must be a dict with exactly the keys of params"
    for key in PARAMS:
        numeric = numerical_gradient(lambda v: loss_of({**PARAMS, key: v}), PARAMS[key])
        assert_gradient(grads[key], numeric, f"grads[{key!r}]")


@pytest.mark.grade(points=0.5, function="mlp_loss_and_grads",
                   name="mlp_loss_and_grads: mse loss and sigmoid (example)")
def test_mlp_loss_and_grads_mse_sigmoid(student):
    """mlp_loss_and_grads with loss="mse", activation="sigmoid": loss and every gradient (no weight decay)."""
    targets = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, -0.5]])

    def loss_of(params):
        s = reference_scores(params, XS, lambda z: 1 / (1 + np.exp(-z)))
        return 0.5 * np.sum((s - targets) ** 2) / len(XS)
    loss, grads = pair(student.mlp_loss_and_grads(fresh(PARAMS), XS.copy(), targets.copy(), loss="mse",
                                                  activation="sigmoid"), "mlp_loss_and_grads", ("loss", "grads"))
    checks.assert_scalar(loss, loss_of(PARAMS), what="loss", show_example=True, n=len(XS))
    assert isinstance(grads, dict) and sorted(grads) == sorted(PARAMS), \
        "grads must be a dict with exactly the keys of params"
    for key in PARAMS:
        numeric = numerical_gradient(lambda v: loss_of({**PARAMS, key: v}), PARAMS[key])
        assert_gradient(grads[key], numeric, f"grads[{key!r}]", n=len(XS))


@pytest.mark.grade(points=0.5, function="sgd_step")
def test_sgd_step_example(student):
    """sgd_step: a new dict with p − lr · grad."""
    grads = {k: np.ones_like(v) for k, v in PARAMS.items()}
    new = student.sgd_step(fresh(PARAMS), fresh(grads), 0.5)
    assert isinstance(new, dict) and sorted(new) == sorted(PARAMS), "sgd_step must return a dict like params"
    for key in PARAMS:
        checks.assert_close(new[key], PARAMS[key] - 0.5, what=f"new {key}", show_example=True)
    checks.assert_not_mutated(student.last_call, what="sgd_step")


@pytest.mark.grade(points=1, function="train_mlp", timeout=30)
def test_train_mlp_learns_xor(student):
    """train_mlp: an MLP [2, 16, 2] learns XOR in 30 epochs (held-out accuracy ≥ 0.9)."""
    X, y = datasets.xor_blobs(200, seed=1)
    X_train, y_train, X_test, y_test = datasets.split(X, y, seed=1)
    params, history = pair(student.train_mlp(X_train.copy(), y_train.copy(), [2, 16, 2], epochs=30), "train_mlp",
                           ("params", "history"))
    assert len(history) == 30, f"history must have one loss per epoch (30); it has {len(history)}"
    scores = reference_scores(params, X_test, lambda z: np.maximum(z, 0))
    acc = float(np.mean(scores.argmax(axis=1) == y_test))
    assert acc >= 0.9, f"held-out accuracy on XOR is {acc:.2f}; it should reach 0.9"


# ------------------------------------------------------------ float32 in, float32 out
def float32_outputs(student, name):
    """{label: array} of what a layer or loss returns for float32 inputs."""
    x, w, b, z, d = (a.astype(np.float32) for a in (X, W, B, Z, DOUT))
    if name == "linear_forward":
        return {"out": forward(student, name, x, w, b)[0]}
    if name == "linear_backward":
        _, cache = forward(student, "linear_forward", x, w, b)
        return dict(zip(("dx", "dW", "db"), pair(student.linear_backward(d.copy(), cache), name, ("dx", "dW", "db"))))
    if name.endswith("_forward"):
        return {"out": forward(student, name, z)[0]}
    if name.endswith("_backward"):
        _, cache = forward(student, name.replace("backward", "forward"), z)
        return {"dx": getattr(student, name)(np.ones_like(z), cache)}
    if name == "mse_loss":
        return {"dpred": pair(student.mse_loss(z.copy(), np.zeros_like(z)), name, ("loss", "dpred"))[1]}
    return {"dscores": pair(student.softmax_cross_entropy(z.copy(), np.array([0, 2])), name, ("loss", "dscores"))[1]}


FLOAT32 = ["linear_forward", "linear_backward", "relu_forward", "relu_backward", "sigmoid_forward",
           "sigmoid_backward", "mse_loss", "softmax_cross_entropy"]


@pytest.mark.parametrize("name", [pytest.param(n, id=n, marks=pytest.mark.grade(
    points=0.25, function=n, name=f"{n}: float32 in, float32 out (example)")) for n in FLOAT32])
def test_keeps_float32(student, name):
    """Given float32 arrays, return float32 arrays: numpy float64 constants or np.array(...) without dtype=
    silently upcast to float64."""
    for label, got in float32_outputs(student, name).items():
        checks.assert_array(got, what=f"{name}'s {label}", dtype=np.float32)


# ------------------------------------------------------------ inputs left unchanged
LEAVE_ALONE = {   # the call, and the value its first output must have (the definitions in README.md)
    "linear_forward": (lambda s: s.linear_forward(X.copy(), W.copy(), B.copy()), X @ W + B),
    "relu_forward": (lambda s: s.relu_forward(Z.copy()), np.maximum(Z, 0)),
    "sigmoid_forward": (lambda s: s.sigmoid_forward(Z.copy()), 1 / (1 + np.exp(-Z))),
    "mse_loss": (lambda s: s.mse_loss(X.copy(), np.zeros_like(X)), 0.5 * np.sum(X * X) / len(X)),
    "softmax_cross_entropy": (lambda s: s.softmax_cross_entropy(X.copy(), np.array([2, 0])),
                              float(np.mean(np.log(np.exp(X).sum(axis=1)) - X[[0, 1], [2, 0]])))}


@pytest.mark.parametrize("name", [pytest.param(n, id=n, marks=pytest.mark.grade(
    points=0.25, function=n, name=f"{n}: leaves its inputs unchanged (example)")) for n in LEAVE_ALONE])
def test_leaves_its_inputs_unchanged(student, name):
    """Changed the caller's array in place: compute into a new array (np.maximum(x, 0), x @ W + b)
    instead of writing into x (x[x < 0] = 0, x += b, np.exp(x, out=x)). Counts only with the
    right values."""
    run, want = LEAVE_ALONE[name]
    got = pair(run(student.with_handles(1) if name.endswith("_forward") else student), name,
               ("out", "cache") if name.endswith("_forward") else ("loss", "gradient"))[0]
    checks.assert_not_mutated(student.last_call, what=name)
    if name.endswith("_forward"):
        checks.assert_close(got, want, what=f"{name}'s out", show_example=True)
    else:
        checks.assert_scalar(got, want, what=f"{name}'s loss", show_example=True)


@pytest.mark.grade(points=1, function="train_mlp", timeout=30)
def test_train_mlp_uses_every_example_once_per_epoch(student):
    """train_mlp: with lr=0 the net never changes, so each epoch's mean minibatch loss must be the
    loss on all the data (minibatches order[start:start + batch_size] cover every example once)."""
    X, y = datasets.xor_blobs(48, seed=2)
    params, history = pair(student.train_mlp(X, y, [2, 8, 2], lr=0.0, epochs=2, batch_size=12),
                           "train_mlp", ("params", "history"))
    assert len(history) == 2, f"history must have one loss per epoch (2); it has {len(history)}"
    scores = reference_scores(params, X, lambda z: np.maximum(z, 0))
    shifted = scores - scores.max(axis=1, keepdims=True)
    full = float(np.mean(np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(len(y)), y]))
    checks.assert_close(np.array(history, dtype=float), [full, full], what="history with lr=0",
                        show_example=True)
