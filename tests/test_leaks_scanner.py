"""The leak scanner itself: it must find what it is meant to find (fast, no grading)."""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.release import leaks
from autograder.result import GradeResult, TestResult

SUITE = '''
"""Module docstring: shown to nobody, but not code either."""
import numpy as np


def test_secret(student, rng):
    """relu gives wrong values on random inputs."""
    x = rng.normal(size=(7, 3)) * 41.5 + 0.125
    expected = np.maximum(x, 0) + 0.25 * np.sin(x)
'''


def test_hidden_lines_are_code_lines_not_docstrings(tmp_path):
    (tmp_path / "suite").mkdir()
    (tmp_path / "suite" / "test_x.py").write_text(SUITE)
    secrets = leaks.hidden_secrets(tmp_path / "suite")
    assert "x = rng.normal(size=(7, 3)) * 41.5 + 0.125" in secrets
    assert "expected = np.maximum(x, 0) + 0.25 * np.sin(x)" in secrets
    assert not any("relu gives wrong values" in s or "docstring" in s for s in secrets)
    assert "import numpy as np" not in secrets and "def test_secret(student, rng):" in secrets


def test_real_suites_and_solutions_yield_many_secrets_and_no_public_line():
    hidden, solution = leaks.hidden_secrets(), leaks.solution_secrets()
    assert len(hidden) > 100 and len(solution) > 50
    public = leaks.public_text()
    assert not [s for s in hidden | solution if s in public]


@pytest.mark.parametrize("text, found", [
    ("largest error 0.6; relative error 3.3e-01 (want < 1e-6); sup-error 0.00197", []),
    ("expected 0.7310585786300049, got 0.5", ["0.7310585786300049"]),
    ("mean 2.28057 at 12345 of 100000 entries", ["2.28057"]),
])
def test_long_numbers(text, found):
    assert leaks.long_numbers(text) == found


def result_with(output: str, hidden_output: str) -> dict:
    tests = [TestResult("relu: example", "relu", 1, 1, "passed", output=output),
             TestResult("relu: random", "relu", 0, 1, "failed", output=hidden_output)]
    return GradeResult("activations", "s", "graded", 0, 1.0, tests, 2).to_dict()


def test_feedback_problems_flags_hidden_lines_and_values_in_every_view():
    secret = "expected = np.maximum(x, 0) + 0.25 * np.sin(x)"
    clean = result_with("expected 0.7310585786300049 (public example: allowed)", "relu is wrong (largest error 0.5)")
    assert leaks.feedback_problems(clean, ["relu: example"], {secret}) == []
    leaky = result_with("", f"relu is wrong\n{secret}\nexpected 0.7310585786300049")
    problems = leaks.feedback_problems(leaky, ["relu: example"], {secret})
    for view in ("json", "table", "html", "markdown"):
        assert any(p.startswith(f"{view}: hidden line") for p in problems), view
        assert any(p.startswith(f"{view}: number '0.7310585786300049'") for p in problems), view


def test_hidden_part_needs_the_public_tests_first():
    with pytest.raises(ValueError):
        leaks.hidden_part(result_with("", ""), ["something else"])


def test_check_output_runs_the_public_tests(tmp_path):
    solution = Path(leaks.SOLUTIONS_DIR) / "backprop" / "backprop.py"
    out = leaks.check_output("backprop", solution)
    assert "functions pass their public tests" in out
