"""student_lib.targets: callable, rebuilt from their spec, drawn from a seed, and discreet."""
import json

import numpy as np
import pytest

from student_lib import targets
from student_lib.targets import KINDS, from_spec, random_target


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", range(5))
def test_spec_round_trips_through_json(kind, seed):
    f = random_target(np.random.default_rng(seed), kind)
    g = from_spec(json.loads(json.dumps(f.spec())))
    x = np.linspace(-2, 2, 401)
    assert type(g) is type(f)
    assert np.array_equal(f(x), g(x))
    assert g.spec() == f.spec()


@pytest.mark.parametrize("kind", KINDS)
def test_repr_names_the_kind_but_no_hidden_number(kind):
    f = random_target(np.random.default_rng(1), kind)
    text = repr(f) + str(f)
    assert kind.split("_")[-1] in text
    numbers = [v for v in json.dumps(f.spec()).replace(",", " ").replace("]", " ").split()
               if v[:1].isdigit() or v[:1] == "-"]
    assert numbers, "the spec should hold numbers"
    assert not any(n.strip("[],") in text for n in numbers)
    assert not any(ch.isdigit() for ch in text)


def test_different_seeds_draw_different_targets_and_equal_seeds_the_same():
    specs = [random_target(np.random.default_rng(s)).spec() for s in range(20)]
    assert len({json.dumps(s) for s in specs}) == 20
    assert random_target(np.random.default_rng(7)).spec() == specs[7]
    assert {s["kind"] for s in specs} == set(KINDS)


def test_values_shape_and_dtype_follow_the_input():
    f = targets.Smooth("sin", 2.0, 0.5, 1.5)
    x32 = np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)
    assert f(x32).dtype == np.float32 and f(x32).shape == (3, 4)
    assert f(np.arange(3)).dtype == np.float64
    np.testing.assert_allclose(f(np.array([0.25])), 1.5 * np.sin(2.0 * 0.25 + 0.5))


def test_piecewise_linear_and_step_values():
    f = targets.PiecewiseLinear([0, 1, 3], [0, 2, 1])
    np.testing.assert_allclose(f(np.array([-1, 0, 0.5, 1, 2, 3, 4])), [0, 0, 1, 2, 1.5, 1, 1])
    s = targets.Step(0.5, -1, 2)
    np.testing.assert_array_equal(s(np.array([0.0, 0.49, 0.5, 3.0])), [-1, -1, 2, 2])
    assert s.knots == (0.5,) and f.knots == (0.0, 1.0, 3.0)


def test_piecewise_smooth_is_continuous_with_the_stated_curvature():
    f = targets.PiecewiseSmooth([0, 1, 2.5], [0, 1, -1], [3.0, -2.0])
    np.testing.assert_allclose(f(np.array([0.0, 1.0, 2.5])), [0, 1, -1], atol=1e-12)
    h = 1e-3
    for x0, bend in ((0.5, 3.0), (1.7, -2.0)):
        second = (f(np.array([x0 + h]))[0] - 2 * f(np.array([x0]))[0] + f(np.array([x0 - h]))[0]) / h**2
        assert second == pytest.approx(2 * bend, rel=1e-4)


def test_random_targets_live_in_the_interval_with_values_of_order_one():
    for seed in range(40):
        f = random_target(np.random.default_rng(seed), interval=(2.0, 5.0))
        y = f(np.linspace(2, 5, 1001))
        assert np.all(np.isfinite(y)) and 0.05 < np.ptp(y) < 6
        inside = [k for k in f.knots if 2.0 < k < 5.0]
        assert f.kind == "smooth" or inside


@pytest.mark.parametrize("bad", [{}, {"kind": "pickle"}, {"kind": "piecewise_linear", "xs": [1, 0], "ys": [0, 1]},
                                 {"kind": "smooth", "name": "__import__"}, "piecewise_linear"])
def test_from_spec_rejects_anything_else(bad):
    with pytest.raises((ValueError, TypeError)):
        from_spec(bad)


def test_targets_cross_the_sandbox_wire_as_their_spec():
    from autograder.sandbox import SandboxBackend, protocol
    from grading_contract import wire as registry
    f = random_target(np.random.default_rng(3), "piecewise_smooth")
    blobs = []
    wire = protocol.encode([f, 2.0], blobs, SandboxBackend._encode_other)   # registered, not by name
    assert wire["l"][0] == {"w": "target", "spec": f.spec()}
    back = protocol.decode(json.loads(json.dumps(wire)), blobs, decode_spec=registry.from_wire)
    assert back[0] == f and back[1] == 2.0
