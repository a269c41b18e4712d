"""student_lib.datasets: seeded, generated locally, the advertised shapes and difficulty."""
from __future__ import annotations

import numpy as np
import pytest

from student_lib import datasets


@pytest.mark.parametrize("make", [datasets.spirals, datasets.xor_blobs, datasets.piecewise_regression])
def test_same_seed_same_data_other_seed_other_data(make):
    X1, y1 = make(seed=4)
    X2, y2 = make(seed=4)
    X3, _ = make(seed=5)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)
    assert X1.dtype == np.float64 and X1.ndim == 2 and len(X1) == len(y1)


def test_spirals_shapes_and_balanced_labels():
    X, y = datasets.spirals(301, classes=3, seed=0)
    assert X.shape == (300, 2) and y.shape == (300,) and y.dtype == np.int64
    assert np.bincount(y).tolist() == [100, 100, 100]
    assert np.abs(X).max() <= 1.0 + 1e-12


def test_spirals_are_not_linearly_separable():
    """A least-squares linear classifier does poorly; that is why a hidden layer is needed."""
    X, y = datasets.spirals(600, seed=1)
    A = np.hstack([X, np.ones((len(X), 1))])
    W = np.linalg.lstsq(A, np.eye(3)[y], rcond=None)[0]
    assert np.mean((A @ W).argmax(axis=1) == y) < 0.6


def test_xor_labels_follow_the_quadrants():
    X, y = datasets.xor_blobs(400, noise=0.1, seed=2)
    assert X.shape == (400, 2) and set(np.unique(y)) == {0, 1}
    assert np.mean(y == (np.sign(X[:, 0]) != np.sign(X[:, 1]))) > 0.99


def test_piecewise_regression_is_the_target_plus_small_noise():
    X, y = datasets.piecewise_regression(500, noise=0.05, seed=3)
    assert X.shape == y.shape == (500, 1) and -1 <= X.min() and X.max() <= 1
    residual = y - datasets.piecewise_target(X)
    assert abs(residual.std() - 0.05) < 0.01
    jump = datasets.piecewise_target(np.array([0.2 + 1e-9])) - datasets.piecewise_target(np.array([0.2]))
    assert jump[0] == pytest.approx(0.8, abs=1e-6)


def test_split_holds_out_the_requested_fraction_without_overlap():
    X = np.arange(40.0).reshape(20, 2)
    y = np.arange(20)
    X_tr, y_tr, X_te, y_te = datasets.split(X, y, fraction=0.25, seed=0)
    assert len(X_te) == 5 and len(X_tr) == 15
    assert sorted(np.concatenate([y_tr, y_te]).tolist()) == list(range(20))
    np.testing.assert_array_equal(X_te[:, 0], 2 * y_te)
