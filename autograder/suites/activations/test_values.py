"""Hidden suite, part 1: values of every elementwise function and derivative.

Derivatives are compared with the suite's own closed-form derivative here,
and with centred differences of the function in test_gradients.py.
"""
import numpy as np
import pytest

from student_lib import checks

from ._common import ELEMENTWISE, F64, close_to_reference, each, reference


def random_inputs(rng) -> np.ndarray:
    """60 numbers: mostly moderate, some up to ±15, in a random 2-d shape."""
    x = np.concatenate([rng.normal(0.0, 3.0, 40), rng.uniform(-15.0, 15.0, 20)])
    rng.shuffle(x)
    return x.reshape((6, 10) if rng.random() < 0.5 else (12, 5))


@pytest.mark.parametrize("name", each(ELEMENTWISE, 1.25, "values on random inputs"))
def test_values_on_random_inputs(student, rng, name):
    """Wrong values on random float64 inputs (compare your formula with README.md)."""
    x = random_inputs(rng)
    got = getattr(student, name)(x.copy())
    close_to_reference(got, reference(name, x), np.float64, what=f"{name}(x) for random x of shape {x.shape}")


@pytest.mark.parametrize("name", each(["leaky_relu", "leaky_relu_grad", "elu", "elu_grad"], 1,
                                      "uses alpha"))
def test_non_default_alpha(student, rng, name):
    """Ignores the alpha argument (or uses it wrongly) when alpha is not the default."""
    x = random_inputs(rng)
    alphas = (0.2, float(rng.uniform(0.05, 0.5))) if name.startswith("leaky") \
        else (0.5, float(rng.uniform(1.5, 3.0)))
    for alpha in alphas:
        got = getattr(student, name)(x.copy(), alpha=alpha)
        close_to_reference(got, reference(name, x, alpha=alpha), np.float64,
                           what=f"{name}(x, alpha={alpha:.3g})")


# ---------------------------------------------------------------- the kinks
KINK = np.array([-1.5, -1e-3, 0.0, 1e-3, 1.5])


@pytest.mark.grade(points=1, function="relu_grad")
def test_relu_grad_at_zero(student):
    """relu_grad must be 0 at exactly x = 0 (the course's convention: the gradient at the kink is 0)."""
    got = student.relu_grad(KINK.copy())
    checks.assert_close(got, reference("relu_grad", KINK), what="relu_grad(x) around and at x = 0",
                        check_dtype=False, inputs=KINK, **F64)


@pytest.mark.grade(points=1, function="leaky_relu_grad")
def test_leaky_relu_grad_at_zero(student, rng):
    """leaky_relu_grad must be alpha at exactly x = 0 (x > 0 is the linear side, x <= 0 the leaky one)."""
    for alpha in (None, float(rng.uniform(0.05, 0.5))):
        kw = {} if alpha is None else {"alpha": alpha}
        got = student.leaky_relu_grad(KINK.copy(), **kw)
        checks.assert_close(got, reference("leaky_relu_grad", KINK, **kw), check_dtype=False, inputs=KINK,
                            what=f"leaky_relu_grad(x{'' if alpha is None else ', alpha=...'}) "
                                 "around and at x = 0", **F64)


@pytest.mark.grade(points=1, function="elu_grad")
def test_elu_grad_at_zero(student, rng):
    """elu_grad must be alpha at exactly x = 0 (the x <= 0 branch, alpha·e^0)."""
    for alpha in (None, float(rng.uniform(0.3, 0.8))):
        kw = {} if alpha is None else {"alpha": alpha}
        got = student.elu_grad(KINK.copy(), **kw)
        checks.assert_close(got, reference("elu_grad", KINK, **kw), check_dtype=False, inputs=KINK,
                            what=f"elu_grad(x{'' if alpha is None else ', alpha=...'}) "
                                 "around and at x = 0", **F64)
