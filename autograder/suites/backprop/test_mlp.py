"""Hidden suite, part 3: a whole MLP (init, forward, loss and gradients, SGD step).

Inputs are built with the suite's own reference (random_params), never with the
student's init_mlp, so each test grades exactly one function.
"""
import numpy as np
import pytest

from student_lib import checks

from ._common import (copies, loss_gradients, mlp_problem, random_params, ref_loss,
                      ref_scores, returned)


def as_params(value, *, function: str, keys) -> dict:
    """A student's dict of arrays, with exactly the expected keys."""
    __tracebackhide__ = True
    if type(value) is not dict:
        checks.fail(f"{function} must return a dict of arrays; it returned {type(value).__name__}")
    if set(value) != set(keys):
        missing, extra = sorted(set(keys) - set(value)), sorted(set(value) - set(keys))
        checks.fail(f"{function} returned keys {sorted(value)}; expected exactly {sorted(keys)}"
                    + (f" (missing {missing})" if missing else "") + (f" (unexpected {extra})" if extra else ""))
    return value


def param_keys(depth: int) -> list[str]:
    return [f"{p}{k}" for k in range(1, depth + 1) for p in "Wb"]


# --------------------------------------------------------------------- init
@pytest.mark.grade(points=1, function="init_mlp")
def test_init_mlp_shapes(student, rng):
    """init_mlp must return W1, b1, …, WL, bL with Wk of shape (sizes[k-1], sizes[k]) and bk zeros."""
    for depth in (1, 2, 3):
        sizes = [int(s) for s in rng.integers(1, 8, size=depth + 1)]
        params = as_params(student.init_mlp(list(sizes), int(rng.integers(1000))),
                           function="init_mlp", keys=param_keys(depth))
        for k in range(1, depth + 1):
            checks.assert_array(params[f"W{k}"], what=f"init_mlp({sizes})['W{k}']",
                                shape=(sizes[k - 1], sizes[k]), dtype=np.float64)
            b = checks.assert_array(params[f"b{k}"], what=f"init_mlp({sizes})['b{k}']",
                                    shape=(sizes[k],), dtype=np.float64)
            if np.any(b != 0):
                checks.fail(f"init_mlp({sizes})['b{k}'] is not all zeros; biases start at 0")


@pytest.mark.grade(points=1.5, function="init_mlp")
def test_init_mlp_he_scale(student, rng):
    """init_mlp's weights are not normal with mean 0 and standard deviation sqrt(2 / fan_in) (He)."""
    sizes = [int(rng.integers(200, 300)), int(rng.integers(100, 150)), int(rng.integers(20, 40))]
    params = as_params(student.init_mlp(list(sizes), int(rng.integers(1000))),
                       function="init_mlp", keys=param_keys(2))
    for k in (1, 2):
        W = checks.assert_array(params[f"W{k}"], what=f"W{k}", shape=(sizes[k - 1], sizes[k]))
        want = np.sqrt(2.0 / sizes[k - 1])
        std, mean = float(W.std()), float(W.mean())
        if abs(std / want - 1) > 0.06:
            checks.fail(f"W{k} (fan_in {sizes[k - 1]}) has standard deviation {std:.4f}; He "
                        f"initialisation uses sqrt(2 / fan_in)")
        if abs(mean) > 6 * want / np.sqrt(W.size):
            checks.fail(f"W{k} has mean {mean:.4f}; the weights should be centred on 0")


@pytest.mark.grade(points=0.5, function="init_mlp")
def test_init_mlp_uses_the_seed(student, rng):
    """init_mlp must give the same parameters for the same seed and different ones for another seed."""
    sizes, seed = [3, 5, 2], int(rng.integers(1000))
    a, b, c = (as_params(student.init_mlp(list(sizes), s), function="init_mlp", keys=param_keys(2))
               for s in (seed, seed, seed + 1))
    for k in ("W1", "W2"):
        checks.assert_array(a[k], what=k, shape=np.shape(b[k]))
        if not np.array_equal(a[k], b[k]):
            checks.fail(f"two calls with seed={seed} gave different {k}; use np.random.default_rng(seed)")
        if np.array_equal(a[k], c[k]):
            checks.fail(f"seeds {seed} and {seed + 1} gave the same {k}; the seed must matter")


# ------------------------------------------------------------------ forward
@pytest.mark.grade(points=1.5, function="mlp_forward", name="mlp_forward: relu scores")
def test_mlp_forward_relu(student, rng):
    """mlp_forward's scores are wrong for ReLU nets of 1 to 3 hidden layers (the last layer has no activation)."""
    for depth, n in ((1, 1), (2, 5), (3, 4)):
        params, X, _ = mlp_problem(rng, depth, "softmax", "relu", n=n)
        scores = student.mlp_forward(params, X.copy(), activation="relu")
        checks.assert_close(scores, ref_scores(params, X, "relu"),
                            what=f"mlp_forward scores with {depth} hidden layer(s), N={n}")


@pytest.mark.grade(points=1, function="mlp_forward", name="mlp_forward: sigmoid scores")
def test_mlp_forward_sigmoid(student, rng):
    """mlp_forward's scores are wrong with activation="sigmoid"."""
    for depth, n in ((1, 3), (2, 1)):
        params, X, _ = mlp_problem(rng, depth, "softmax", "sigmoid", n=n)
        scores = student.mlp_forward(params, X.copy(), activation="sigmoid")
        checks.assert_close(scores, ref_scores(params, X, "sigmoid"),
                            what=f"mlp_forward sigmoid scores with {depth} hidden layer(s), N={n}")


# --------------------------------------------------------- loss and grads
COMBOS = [("softmax", "relu"), ("softmax", "sigmoid"), ("mse", "relu"), ("mse", "sigmoid")]


@pytest.mark.grade(points=1.5, function="mlp_loss_and_grads")
def test_mlp_loss_and_grads_loss_value(student, rng):
    """mlp_loss_and_grads' loss is wrong: data loss + ½·reg·Σ‖Wₖ‖² (weights only)."""
    for (loss, activation), depth in zip(COMBOS, (1, 2, 3, 2)):
        params, X, y = mlp_problem(rng, depth, loss, activation)
        reg = float(rng.uniform(0.05, 0.5))
        value, _ = returned(student.mlp_loss_and_grads(params, X.copy(), y.copy(), loss=loss,
                                                       activation=activation, reg=reg),
                            function="mlp_loss_and_grads", names=("loss", "grads"))
        checks.assert_scalar(value, ref_loss(params, X, y, loss, activation, reg),
                             what=f"the loss (loss={loss!r}, activation={activation!r}, reg={reg:.2f})")


@pytest.mark.grade(points=1.5, function="mlp_loss_and_grads")
@pytest.mark.parametrize("loss,activation", COMBOS, ids=[f"{a}-{b}" for a, b in COMBOS])
def test_mlp_loss_and_grads_gradients(student, rng, loss, activation):
    """mlp_loss_and_grads' gradients disagree with centred differences of the loss (1–3 hidden layers)."""
    for depth in (1, 2, 3):
        params, X, y = mlp_problem(rng, depth, loss, activation, n=1 if depth == 1 else 5)
        reg = 0.0 if depth == 1 else float(rng.uniform(0.05, 0.5))
        _, grads = returned(student.mlp_loss_and_grads(params, X.copy(), y.copy(), loss=loss,
                                                       activation=activation, reg=reg),
                            function="mlp_loss_and_grads", names=("loss", "grads"))
        grads = as_params(grads, function="mlp_loss_and_grads (its grads)", keys=list(params))
        numeric = loss_gradients(params, X, y, loss=loss, activation=activation, reg=reg)
        for key in params:
            checks.assert_gradient(grads[key], numeric[key],
                        what=f"grads[{key!r}] with {depth} hidden layer(s), reg={reg:.2f}")


# ---------------------------------------------------------------------- SGD
@pytest.mark.grade(points=1, function="sgd_step")
def test_sgd_step_values(student, rng):
    """sgd_step must return a new dict with p − lr·grad for every parameter."""
    params = random_params(rng, [3, 4, 2])
    grads = {k: rng.normal(size=v.shape) for k, v in params.items()}
    lr = float(rng.uniform(0.01, 0.5))
    new = as_params(student.sgd_step(dict(zip(params, copies(*params.values()))), grads, lr),
                    function="sgd_step", keys=list(params))
    for key in params:
        checks.assert_close(new[key], params[key] - lr * grads[key], what=f"new {key}")
