"""Hidden suite, part 2: the losses (mean squared error, softmax cross-entropy)."""
import numpy as np
import pytest

from student_lib import checks

from ._common import (copies, numerical_gradient,
                      ref_cross_entropy, ref_mse, returned)


def mse_cases(rng):
    c = int(rng.integers(1, 5))
    return [(1, c), (int(rng.integers(2, 9)), c), (int(rng.integers(2, 9)),)]


# ----------------------------------------------------------------------- MSE
@pytest.mark.grade(points=1.5, function="mse_loss")
def test_mse_loss_value(student, rng):
    """mse_loss is not (1/N)·Σᵢ ½‖predᵢ − yᵢ‖² (N = first axis; check the ½ and the 1/N)."""
    for shape in mse_cases(rng):
        pred, y = rng.normal(size=shape), rng.normal(size=shape)
        loss, _ = returned(student.mse_loss(*copies(pred, y)), function="mse_loss", names=("loss", "dpred"))
        checks.assert_scalar(loss, ref_mse(pred, y), what=f"mse_loss for pred of shape {shape}")


@pytest.mark.grade(points=1.5, function="mse_loss")
def test_mse_loss_gradient(student, rng):
    """mse_loss's dpred disagrees with centred differences of the loss (check the 1/N)."""
    for shape in mse_cases(rng):
        pred, y = rng.normal(size=shape), rng.normal(size=shape)
        _, dpred = returned(student.mse_loss(*copies(pred, y)), function="mse_loss", names=("loss", "dpred"))
        checks.assert_gradient(dpred, numerical_gradient(lambda p: ref_mse(p, y), pred),
                    what=f"mse_loss dpred for pred of shape {shape}")


# ------------------------------------------------------------ cross-entropy
def ce_case(rng, n=None, scale=2.0):
    n = int(rng.integers(2, 9)) if n is None else n
    c = int(rng.integers(2, 6))
    return rng.normal(scale=scale, size=(n, c)), rng.integers(0, c, size=n)


@pytest.mark.grade(points=1.5, function="softmax_cross_entropy")
def test_softmax_cross_entropy_value(student, rng):
    """softmax_cross_entropy is not the mean over the batch of −log softmax(scores)[y]."""
    for n in (1, None, None):
        scores, y = ce_case(rng, n)
        loss, _ = returned(student.softmax_cross_entropy(*copies(scores, y)),
                           function="softmax_cross_entropy", names=("loss", "dscores"))
        checks.assert_scalar(loss, ref_cross_entropy(scores, y),
                             what=f"softmax_cross_entropy for scores of shape {scores.shape}")


@pytest.mark.grade(points=1.5, function="softmax_cross_entropy")
def test_softmax_cross_entropy_gradient(student, rng):
    """softmax_cross_entropy's dscores disagree with centred differences (softmax − one-hot, over N)."""
    for n in (1, None, None):
        scores, y = ce_case(rng, n)
        _, dscores = returned(student.softmax_cross_entropy(*copies(scores, y)),
                              function="softmax_cross_entropy", names=("loss", "dscores"))
        checks.assert_gradient(dscores, numerical_gradient(lambda s: ref_cross_entropy(s, y), scores),
                    what=f"softmax_cross_entropy dscores for scores of shape {scores.shape}")


@pytest.mark.grade(points=2, function="softmax_cross_entropy")
def test_softmax_cross_entropy_large_scores(student, rng, credit):
    """softmax_cross_entropy is not stable for scores up to 1e4 (subtract each row's max before exp)."""
    scores, y = ce_case(rng, 6, scale=3e3)
    scores = np.clip(scores, -1e4, 1e4)
    scores[0, :] = 1e4            # ties at the top
    scores[1, y[1]] = -1e4        # a hopeless example: loss about 2e4, still finite
    loss, dscores = returned(student.softmax_cross_entropy(*copies(scores, y)),
                             function="softmax_cross_entropy", names=("loss", "dscores"))
    note = checks.warnings_note(student.last_call, what="softmax_cross_entropy with scores up to 1e4")
    with np.errstate(under="ignore"):
        reference = ref_cross_entropy(scores, y)
        shifted = scores - scores.max(axis=1, keepdims=True)
        expected = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    checks.assert_scalar(loss, reference, what="the loss for scores up to 1e4")
    expected[np.arange(6), y] -= 1
    checks.assert_close(dscores, expected / 6, what="dscores for scores up to 1e4", atol=1e-12)
    if note:
        credit(1.0, note)


@pytest.mark.grade(points=0.5, function="softmax_cross_entropy")
@pytest.mark.parametrize("label_dtype", ["int8", "uint8", "int32", "int64"])
def test_softmax_cross_entropy_label_dtypes(student, rng, label_dtype):
    """softmax_cross_entropy must accept labels of any integer dtype (int8, uint8, int32, int64)."""
    scores, y = ce_case(rng, 5)
    loss, dscores = returned(student.softmax_cross_entropy(scores.copy(), y.astype(label_dtype)),
                             function="softmax_cross_entropy", names=("loss", "dscores"))
    checks.assert_scalar(loss, ref_cross_entropy(scores, y), what=f"the loss with {label_dtype} labels")
    checks.assert_gradient(dscores, numerical_gradient(lambda s: ref_cross_entropy(s, y), scores),
                what=f"dscores with {label_dtype} labels")
