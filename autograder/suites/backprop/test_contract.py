"""Hidden suite, part 5: the contract every function keeps.

- no function changes its inputs in place;
- float32 in, float32 out for the layers and losses;
- the layers are vectorised (a wide time budget: loops over entries are 100× slower).
Each row grades one function; backward rows call their own forward for the cache.
"""
import time

import numpy as np
import pytest

from student_lib import checks

from ._common import forward, random_params, returned

BACKWARD_RETURNS = {"linear_backward": ("dx", "dW", "db")}


def layer_call(student, rng, name, dtype=np.float64):
    """Call one layer or loss function on random inputs of `dtype`; return what it returned."""
    def r(*shape):
        return rng.normal(size=shape).astype(dtype)
    x, W, b = r(4, 3), r(3, 2), r(2)
    if name == "linear_forward":
        return forward(student, name, x, W, b)
    if name == "linear_backward":
        _, cache = forward(student, "linear_forward", x, W, b)
        return student.linear_backward(r(4, 2), cache)
    if name in ("relu_forward", "sigmoid_forward"):
        return forward(student, name, x)
    if name in ("relu_backward", "sigmoid_backward"):
        _, cache = forward(student, name.replace("backward", "forward"), x + np.sign(x).astype(dtype))
        return getattr(student, name)(r(4, 3), cache)
    if name == "mse_loss":
        return student.mse_loss(x, r(4, 3))
    if name == "softmax_cross_entropy":
        return student.softmax_cross_entropy(x, rng.integers(0, 3, size=4))
    raise KeyError(name)


def mlp_call(student, rng, name):
    params = random_params(rng, [2, 5, 3])
    X = rng.normal(size=(6, 2))
    grads = {k: rng.normal(size=v.shape) for k, v in params.items()}
    if name == "init_mlp":
        return student.init_mlp([2, 5, 3], 0)
    if name == "mlp_forward":
        return student.mlp_forward(params, X)
    if name == "mlp_loss_and_grads":
        return student.mlp_loss_and_grads(params, X, rng.integers(0, 3, size=6), reg=0.1)
    if name == "sgd_step":
        return student.sgd_step(params, grads, 0.1)
    if name == "train_mlp":
        return student.train_mlp(X, rng.integers(0, 3, size=6), [2, 5, 3], epochs=2, batch_size=4)
    raise KeyError(name)


class Arr:
    """An expected array shape in a return-value spec."""

    def __init__(self, *shape):
        self.shape = shape


PARAMS = {"W1": Arr(2, 5), "b1": Arr(5), "W2": Arr(5, 3), "b2": Arr(3)}
RETURNS = {   # what each call above must return, so that a no-op or a fake earns nothing here
    "linear_forward": (Arr(4, 2), "any"), "linear_backward": (Arr(4, 3), Arr(3, 2), Arr(2)),
    "relu_forward": (Arr(4, 3), "any"), "relu_backward": Arr(4, 3),
    "sigmoid_forward": (Arr(4, 3), "any"), "sigmoid_backward": Arr(4, 3),
    "mse_loss": ("number", Arr(4, 3)), "softmax_cross_entropy": ("number", Arr(4, 3)),
    "init_mlp": PARAMS, "mlp_forward": Arr(6, 3), "mlp_loss_and_grads": ("number", PARAMS),
    "sgd_step": PARAMS, "train_mlp": (PARAMS, "list"),
}


def assert_returns(value, spec, what: str) -> None:
    """`value` has the structure of `spec` (shapes and types, not values)."""
    __tracebackhide__ = True
    if isinstance(spec, Arr):
        checks.assert_array(value, what=what, shape=spec.shape)
    elif spec == "number":
        if not isinstance(value, (int, float, np.number)) or isinstance(value, bool):
            checks.fail(f"{what} must be a number; it is a {type(value).__name__}")
    elif spec == "list":
        if not isinstance(value, (list, tuple, np.ndarray)):
            checks.fail(f"{what} must be a list; it is a {type(value).__name__}")
    elif isinstance(spec, dict):
        if type(value) is not dict or set(value) != set(spec):
            checks.fail(f"{what} must be a dict with keys {sorted(spec)}")
        for key, sub in spec.items():
            assert_returns(value[key], sub, f"{what}[{key!r}]")
    elif isinstance(spec, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(spec):
            checks.fail(f"{what} must return a tuple of {len(spec)} values")
        for i, sub in enumerate(spec):
            assert_returns(value[i], sub, f"item {i} of what {what} returned")


# The contract tests are shown to students after the due date (on Gradescope): before it,
# the README's rules are what they have to go on.
AFTER_DUE_DATE = "after_due_date"

LAYERS = ["linear_forward", "linear_backward", "relu_forward", "relu_backward",
          "sigmoid_forward", "sigmoid_backward", "mse_loss", "softmax_cross_entropy"]
MLP = ["init_mlp", "mlp_forward", "mlp_loss_and_grads", "sgd_step", "train_mlp"]


def graded(names, points):
    return [pytest.param(n, id=n, marks=pytest.mark.grade(points=points, function=n,
                                                           name=f"{n}: leaves its inputs unchanged",
                                                           visibility=AFTER_DUE_DATE))
            for n in names]


@pytest.mark.parametrize("name", graded(LAYERS + MLP, 0.5))
def test_leaves_inputs_unchanged(student, rng, name):
    """The function changed one of its input arrays in place; work on new arrays instead."""
    value = layer_call(student, rng, name) if name in LAYERS else mlp_call(student, rng, name)
    checks.assert_not_mutated(student.last_call, what=name)
    assert_returns(value, RETURNS[name], name)


def float32_rows():
    return [pytest.param(n, id=n, marks=pytest.mark.grade(points=0.5, function=n,
                                                           name=f"{n}: float32 in, float32 out",
                                                           visibility=AFTER_DUE_DATE))
            for n in LAYERS]


@pytest.mark.parametrize("name", float32_rows())
def test_keeps_float32(student, rng, name):
    """Given float32 arrays, the function must return float32 arrays (no silent upcast to float64)."""
    value = layer_call(student, rng, name, np.float32)
    if name.endswith("_forward"):
        arrays = {"out": value[0]}
    elif name == "linear_backward":
        arrays = dict(zip(BACKWARD_RETURNS[name], returned(value, function=name, names=BACKWARD_RETURNS[name])))
    elif name in ("mse_loss", "softmax_cross_entropy"):
        arrays = {"the gradient": returned(value, function=name, names=("loss", "gradient"))[1]}
    else:
        arrays = {"dx": value}
    for label, got in arrays.items():
        checks.assert_array(got, what=f"{name}'s {label}", dtype=np.float32)


# Vectorisation: CPU time observed from outside the student's process (the kernel's clock of
# the worker), its growth per element between two sizes against plain numpy (see
# checks.assert_vectorised). A loop over entries costs >= ~100 ns an entry, numpy a few ns.
def cpu_seconds_of(student, name):
    def run(*args):
        forward(student, name, *args)
        return student.last_call.seconds
    return run


def numpy_seconds(fn):
    def run(*args):
        start = time.thread_time()
        fn(*args)
        return time.thread_time() - start
    return run


@pytest.mark.grade(points=0.5, function="relu_forward", name="relu_forward: vectorised", timeout=20,
                   visibility=AFTER_DUE_DATE)
def test_relu_forward_is_vectorised(student, rng):
    """relu_forward is far too slow on a 1000 × 1000 array: use numpy operations, not Python loops over entries."""
    out, _ = forward(student, "relu_forward", rng.normal(size=(1000, 1000)))
    checks.assert_array(out, what="relu_forward's out", shape=(1000, 1000))
    checks.assert_vectorised(cpu_seconds_of(student, "relu_forward"), numpy_seconds(lambda x: np.maximum(x, 0.0)),
                             lambda n: (rng.normal(size=(n // 100, 100)),), what="relu_forward",
                             sizes=(2_000, 400_000))


@pytest.mark.grade(points=0.5, function="linear_forward", name="linear_forward: vectorised", timeout=20,
                   visibility=AFTER_DUE_DATE)
def test_linear_forward_is_vectorised(student, rng):
    """linear_forward is far too slow for x of shape (2000, 100): use x @ W + b, not Python loops."""
    W, b = rng.normal(size=(100, 100)), rng.normal(size=100)
    out, _ = forward(student, "linear_forward", rng.normal(size=(2000, 100)), W, b)
    checks.assert_array(out, what="linear_forward's out", shape=(2000, 100))
    checks.assert_vectorised(cpu_seconds_of(student, "linear_forward"), numpy_seconds(lambda x, W, b: x @ W + b),
                             lambda n: (rng.normal(size=(n // 100, 100)), W, b), what="linear_forward",
                             sizes=(2_000, 200_000))
