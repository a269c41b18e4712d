"""Hidden suite, part 4: train_mlp learns, with the default lr and batch size.

Thresholds come from the reference solution over many seeds, with margin: a
plain correct implementation (shuffled or not, last minibatch kept or
dropped) clears them; a wrong gradient (db averaged, dscores not divided by N,
no 1/N in the MSE) does not. Accuracy and error are measured on held-out data
with the suite's own forward pass.
"""
import numpy as np
import pytest

from student_lib import checks, datasets

from ._common import ref_loss, ref_scores, returned

SPIRALS_ACCURACY = 0.72     # the reference: 0.80–0.93 over 100 seeds; db averaged: 0.25–0.64
XOR_ACCURACY = 0.90         # the reference: 0.96–1.00
REGRESSION_MSE = 0.08       # held-out mean squared error; the reference: 0.011–0.044, a line: 0.16


def train(student, rng, X, y, sizes, **kw):
    """The student's train_mlp on (X, y); returns (params, history) after basic checks."""
    __tracebackhide__ = True
    params, history = returned(student.train_mlp(X.copy(), y.copy(), list(sizes), seed=int(rng.integers(1000)), **kw),
                               function="train_mlp", names=("params", "history"))
    keys = {f"{p}{k}" for k in range(1, len(sizes)) for p in "Wb"}
    if type(params) is not dict or set(params) != keys:
        checks.fail(f"train_mlp must return its parameters as a dict with keys {sorted(keys)}")
    for k in range(1, len(sizes)):
        for name, shape in ((f"W{k}", (sizes[k - 1], sizes[k])), (f"b{k}", (sizes[k],))):
            value = checks.assert_array(params[name], what=f"the trained {name}", shape=shape, finite=False)
            if not np.all(np.isfinite(value)):
                checks.fail(f"the trained {name} holds NaN or inf: training diverged. Are the loss "
                            f"gradients divided by N? (check_layer and the public tests find such bugs)")
    return params, history


def accuracy(params, X, y) -> float:
    return float(np.mean(ref_scores(params, X).argmax(axis=1) == y))


@pytest.mark.grade(points=3, function="train_mlp", timeout=30)
def test_train_mlp_spirals(student, rng):
    """train_mlp does not learn three spirals: held-out accuracy stays below the threshold."""
    X, y = datasets.spirals(400, seed=int(rng.integers(2**31)))
    X_train, y_train, X_test, y_test = datasets.split(X, y, seed=int(rng.integers(2**31)))
    params, _ = train(student, rng, X_train, y_train, [2, 64, 3], epochs=300)
    acc = accuracy(params, X_test, y_test)
    if not acc >= SPIRALS_ACCURACY:
        checks.fail(f"held-out accuracy {acc:.2f} on three spirals after 300 epochs (need "
                    f"{SPIRALS_ACCURACY:.2f}); check your gradients with check_layer first")


@pytest.mark.grade(points=2, function="train_mlp", timeout=30)
def test_train_mlp_xor(student, rng):
    """train_mlp does not learn XOR: held-out accuracy stays below the threshold."""
    X, y = datasets.xor_blobs(200, seed=int(rng.integers(2**31)))
    X_train, y_train, X_test, y_test = datasets.split(X, y, seed=int(rng.integers(2**31)))
    params, _ = train(student, rng, X_train, y_train, [2, 16, 2], epochs=30)
    acc = accuracy(params, X_test, y_test)
    if not acc >= XOR_ACCURACY:
        checks.fail(f"held-out accuracy {acc:.2f} on XOR after 30 epochs (need {XOR_ACCURACY:.2f})")


@pytest.mark.grade(points=3, function="train_mlp", timeout=30)
def test_train_mlp_regression(student, rng):
    """train_mlp with loss="mse" does not fit a piecewise 1-D target: held-out error stays too high."""
    X, y = datasets.piecewise_regression(256, seed=int(rng.integers(2**31)))
    X_train, y_train, X_test, y_test = datasets.split(X, y, seed=int(rng.integers(2**31)))
    params, _ = train(student, rng, X_train, y_train, [1, 64, 1], loss="mse", epochs=300)
    with np.errstate(all="ignore"):
        err = float(np.mean((ref_scores(params, X_test) - y_test) ** 2))
    if not err <= REGRESSION_MSE:
        checks.fail(f"held-out mean squared error {err:.3f} on the piecewise target after 300 "
                    f"epochs (need at most {REGRESSION_MSE}); is the MSE gradient divided by N?")


@pytest.mark.grade(points=1, function="train_mlp", timeout=30)
def test_train_mlp_history(student, rng):
    """train_mlp's history must hold one finite mean loss per epoch, and go down."""
    X, y = datasets.xor_blobs(120, seed=int(rng.integers(2**31)))
    _, history = train(student, rng, X, y, [2, 8, 2], epochs=12)
    if not isinstance(history, (list, tuple, np.ndarray)) or len(history) != 12:
        checks.fail("history must be a list with one number per epoch (12 epochs were asked for)")
    values = np.array([float(h) if np.ndim(h) == 0 and isinstance(h, (int, float, np.number)) else np.nan
                       for h in history])
    if not np.all(np.isfinite(values)):
        checks.fail("history must hold finite numbers (the mean minibatch loss of each epoch)")
    if not values[-1] < values[0]:
        checks.fail("the loss in history does not go down over 12 epochs of XOR")
    if not 0 < values[0] < 10:
        checks.fail(f"the first epoch's mean loss is {values[0]:.3g}; expected the mean "
                    f"cross-entropy of the minibatches, between 0 and a few")


@pytest.mark.grade(points=1, function="train_mlp", timeout=30)
def test_train_mlp_history_is_the_mean_minibatch_loss(student, rng):
    """train_mlp's minibatches must cover every example once per epoch: with lr=0 (so the net never
    changes) each epoch's mean minibatch loss must equal the initial net's loss on all the data."""
    X, y = datasets.xor_blobs(96, seed=int(rng.integers(2**31)))
    params, history = train(student, rng, X, y, [2, 8, 2], lr=0.0, epochs=3, batch_size=24)
    values = np.array([float(h) if np.ndim(h) == 0 and isinstance(h, (int, float, np.number)) else np.nan
                       for h in history]) if isinstance(history, (list, tuple, np.ndarray)) else np.array([])
    if len(values) != 3 or not np.all(np.isfinite(values)):
        checks.fail("history must be a list of 3 finite numbers (3 epochs were asked for)")
    full = ref_loss({k: np.asarray(v, dtype=float) for k, v in params.items()}, X, y)
    if not np.allclose(values, full, rtol=1e-6, atol=1e-9):
        checks.fail("with lr=0 the net never changes, so every epoch's mean minibatch loss is the loss "
                    "on all the data; yours differs: does each epoch use every example exactly once "
                    "(slices order[start:start + batch_size], starting at 0)?")
