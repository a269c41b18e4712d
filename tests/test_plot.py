"""student_lib.plot: the grader's net evaluators, the pictures, and `plot relu_approx`."""
import subprocess
import sys

import numpy as np
import pytest

from autograder.scaffold import strip_solutions
from student_lib import plot, targets

PNG = b"\x89PNG\r\n\x1a\n"
SOLUTION = "solutions/relu_approx/relu_approx.py"


def test_shallow_values_is_the_formula_of_the_spec():
    params = (np.array([1.0, -2.0]), np.array([0.0, 1.0]), np.array([3.0, 0.5]), -1.0)
    x = np.array([-2.0, 0.25, 2.0])
    expected = -1.0 + 3.0 * np.maximum(x, 0) + 0.5 * np.maximum(1 - 2 * x, 0)
    np.testing.assert_allclose(plot.shallow_values(params, x), expected)
    np.testing.assert_allclose(plot.kinks(params), [0.0, 0.5])


def test_deep_values_and_unit_count():
    tent = [(np.array([[1.0, 1.0]]), np.array([0.0, -0.5])), (np.array([[2.0], [-4.0]]), np.array([0.0]))]
    x = np.linspace(0, 1, 9)
    np.testing.assert_allclose(plot.deep_values(tent, x), 2 * np.minimum(x, 1 - x))
    assert plot.hidden_units(tent) == 2


@pytest.mark.parametrize("params, message", [
    ((np.ones(3), np.ones(3), np.ones(3)), "four"),
    ((np.ones(3), np.ones(2), np.ones(3), 0.0), "same shape"),
    ((np.ones(3), np.ones(3), np.ones(3), np.ones(2)), "single number"),
    ((np.ones(1), np.array([np.nan]), np.ones(1), 0.0), "NaN"),
])
def test_malformed_shallow_nets_are_explained(params, message):
    with pytest.raises(ValueError, match=message):
        plot.read_shallow(params)


@pytest.mark.parametrize("layers, message", [
    ([], "non-empty"),
    ([(np.ones((2, 3)), np.ones(3)), (np.ones((3, 1)), np.ones(1))], r"shape \(1, out\)"),
    ([(np.ones((1, 3)), np.ones(3))], "1 output"),
])
def test_malformed_deep_nets_are_explained(layers, message):
    with pytest.raises(ValueError, match=message):
        plot.read_deep(layers)


def test_plot_shallow_returns_png_and_writes_the_file(tmp_path):
    net = (np.ones(3), np.array([0.0, 0.5, -0.5]), np.array([1.0, -1.0, 2.0]), 0.0)
    path = tmp_path / "net.png"
    data = plot.plot_shallow(net, targets.Smooth("sin", 3.0), -1, 1, path=path)
    assert data.startswith(PNG) and len(data) > 5000
    assert path.read_bytes() == data


def test_plot_deep_returns_png():
    tent = [(np.array([[1.0, 1.0]]), np.array([0.0, -0.5])), (np.array([[2.0], [-4.0]]), np.array([0.0]))]
    assert plot.plot_deep(tent, lambda x: 2 * np.minimum(x, 1 - x)).startswith(PNG)


def test_importing_student_lib_plot_does_not_import_matplotlib():
    code = "import sys, student_lib.plot, student_lib.targets; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_main_draws_the_solution(tmp_path, capsys):
    out = tmp_path / "plots.png"
    assert plot.main(["relu_approx", SOLUTION, "-o", str(out)]) == 0
    assert out.read_bytes().startswith(PNG)
    assert "6 pictures" in capsys.readouterr().out


def test_main_skips_what_is_not_written_yet(tmp_path, capsys):
    source = open(SOLUTION).read()
    scaffold = strip_solutions(source)
    # the student has written step_approx only
    start = source.index("def step_approx")
    end = source.index("def approximate")
    head, tail = scaffold.split("def step_approx")[0], scaffold.split("def approximate")[1]
    student = tmp_path / "relu_approx.py"
    student.write_text(head + source[start:end] + "def approximate" + tail)
    out = tmp_path / "plots.png"
    assert plot.main(["relu_approx", str(student), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "1 picture: step_approx" in text and "fit_relu_net: not written yet" in text
    scaffold_file = tmp_path / "empty" / "relu_approx.py"
    scaffold_file.parent.mkdir()
    scaffold_file.write_text(scaffold)
    assert plot.main(["relu_approx", str(scaffold_file), "-o", str(tmp_path / "none.png")]) == 1
    assert plot.main(["relu_approx", str(tmp_path / "missing.py")]) == 2


def test_huge_nets_are_refused_and_wide_ones_evaluated_in_chunks():
    with pytest.raises(ValueError, match="at most"):
        plot.read_shallow((np.ones(plot.MAX_UNITS + 1),) * 3 + (0.0,))
    with pytest.raises(ValueError, match="at most"):
        plot.read_deep([(np.ones((1, plot.MAX_UNITS + 1)), np.ones(plot.MAX_UNITS + 1))])
    with pytest.raises(ValueError, match="layers"):
        plot.read_deep([(np.ones((1, 1)), np.zeros(1))] * (plot.MAX_LAYERS + 1))
    k, x = 50_000, np.linspace(-1, 1, 301)
    net = (np.ones(k), -np.linspace(-1, 1, k), np.full(k, 1.0 / k), 0.5)
    expected = 0.5 + np.maximum(x[:, None] - np.linspace(-1, 1, k), 0).mean(axis=1)
    np.testing.assert_allclose(plot.shallow_values(net, x), expected)


def test_plot_draws_only_what_a_manifest_lists(tmp_path, capsys, monkeypatch):
    """The pictures of an assignment come from `plots` in its assignment.toml (issue 14)."""
    from autograder.assignments import all_assignments
    monkeypatch.chdir(tmp_path)
    without = next(a.id for a in all_assignments() if not a.plots)
    assert plot.main([without]) == 2
    assert "lists `plots`" in capsys.readouterr().out
