"""`python -m student_lib check`: what a student sees for each kind of mistake.

A small handout is written into a temporary folder (`activations.py` with
five functions and their public tests), so these tests do not depend on the
real assignments; `test_release_*` runs the check on the real handouts.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from student_lib import check

PUBLIC_TESTS = '''
import numpy as np
import pytest
from student_lib import checks

ASSIGNMENT = "activations"
X = np.array([-2.0, 0.0, 3.0])

@pytest.mark.grade(points=1, function="relu")
def test_relu_values(student):
    """relu gives wrong values."""
    checks.assert_close(student.relu(X), np.maximum(X, 0), what="relu(x)", show_example=True, inputs=X)

@pytest.mark.grade(points=1, function="relu_grad")
def test_relu_grad_at_zero(student):
    """relu_grad is wrong at 0."""
    checks.assert_close(student.relu_grad(X), (X > 0).astype(float), what="relu_grad(x)",
                        show_example=True, inputs=X)

@pytest.mark.grade(points=1, function="sigmoid")
def test_sigmoid_stable(student):
    """sigmoid overflows for large inputs."""
    x = np.array([-1000.0, 1000.0])
    checks.assert_close(student.sigmoid(x), [0.0, 1.0], what="sigmoid(x) for large |x|", inputs=x)

@pytest.mark.grade(points=1, function="tanh")
def test_tanh_values(student):
    """tanh gives wrong values."""
    checks.assert_close(student.tanh(X), np.tanh(X), what="tanh(x)", show_example=True, inputs=X)

@pytest.mark.grade(points=1, function="softmax")
def test_softmax_values(student):
    """softmax gives wrong values."""
    e = np.exp(X - X.max())
    checks.assert_close(student.softmax(X), e / e.sum(), what="softmax(x)", show_example=True, inputs=X)
'''

CORRECT = '''
import numpy as np

def relu(x):
    return np.maximum(x, 0)

def relu_grad(x):
    return (x > 0).astype(x.dtype)

def sigmoid(x):
    return 0.5 * (1 + np.tanh(x / 2))

def tanh(x):
    return np.tanh(x)

def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
'''

BUGGY = CORRECT.replace("(x > 0)", "(x >= 0)").replace(
    "0.5 * (1 + np.tanh(x / 2))", "np.exp(x) / (1 + np.exp(x))").replace(
    "    return np.tanh(x)", '    raise NotImplementedError("TODO: implement `tanh` (see README.md)")').replace(
    "    e = np.exp(x - x.max(axis=axis, keepdims=True))", "    e = np.exp(x - x.max(axis=axis, keepdims=True))\n"
    "    e = e[5]")


HINTS = """
[calls]
softmax = ["relu"]

[hints.relu_grad]
wrong_at_zero = "relu_grad(0) must be 0: use x > 0, not x >= 0"
default = "relu'(x) is 1 where x > 0 and 0 elsewhere"

[hints.sigmoid]
stable = "1/(1+exp(-x)) overflows for large negative x"

[hints.softmax]
axis = "never a fixed axis"
"""

ROOT = Path(__file__).resolve().parents[1]


def handout(folder: Path, source: str) -> Path:
    (folder / "hints.toml").write_text(HINTS)
    (folder / "activations.py").write_text(textwrap.dedent(source))
    (folder / "test_activations.py").write_text(PUBLIC_TESTS)
    (folder / "conftest.py").write_text('pytest_plugins = ["grading_contract.rubric"]\n')
    return folder


def run_check(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "student_lib", "check", *args], cwd=folder,
                          capture_output=True, text=True, timeout=60,
                          env={"COLUMNS": "160", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})


def test_correct_file_passes_with_exit_0(tmp_path):
    result = run_check(handout(tmp_path, CORRECT))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 of 5 functions pass" in result.stdout
    assert "✗" not in result.stdout


def test_buggy_file_explains_each_failure(tmp_path):
    result = run_check(handout(tmp_path, BUGGY))
    out = result.stdout
    assert result.returncode == 1
    lines = {name: next(line for line in out.splitlines() if f" {name} " in line)
             for name in ("relu", "relu_grad", "sigmoid", "tanh", "softmax")}
    assert "✓" in lines["relu"]
    assert "✗" in lines["relu_grad"] and "✗" in lines["sigmoid"] and "✗" in lines["softmax"]
    assert "not started" in lines["tanh"] and "✗" not in lines["tanh"]
    # a concrete example, the hint for the usual mistake, and the student's line
    assert "expected" in out and "got" in out
    assert "relu_grad(0) must be 0" in out
    assert "overflow" in out and "Hint:" in out
    assert "line 18: e = e[5]" in out
    assert "never a fixed axis" not in out   # hints do not match words of the student's own exception
    assert "1 of 5 functions pass their public tests, 3 failing, 1 not started" in " ".join(out.split())


def test_a_loop_that_never_ends_fails_its_tests_instead_of_hanging_the_check(tmp_path):
    looping = CORRECT.replace("    return 0.5 * (1 + np.tanh(x / 2))",
                              "    while True:              # even one that swallows exceptions\n"
                              "        try:\n            x = x + 0\n        except Exception:\n            pass")
    result = run_check(handout(tmp_path, looping))    # run_check's own timeout bounds a hang
    out = result.stdout
    lines = {name: next(line for line in out.splitlines() if f" {name} " in line)
             for name in ("relu", "relu_grad", "sigmoid", "tanh", "softmax")}
    assert result.returncode == 1
    assert "✗" in lines["sigmoid"] and "did not finish within the time limit" in " ".join(out.split())
    assert all("✓" in lines[name] for name in ("relu", "relu_grad", "tanh", "softmax"))


def test_untouched_scaffold_is_not_started_not_errors(tmp_path):
    scaffold = "\n".join(f"def {f}(x):\n    raise NotImplementedError(\"TODO: implement `{f}` (see README.md)\")\n"
                         for f in ("relu", "relu_grad", "sigmoid", "tanh", "softmax"))
    result = run_check(handout(tmp_path, scaffold))
    assert result.returncode == 1
    assert result.stdout.count("not started yet") == 5
    assert "✗" not in result.stdout and "Hint" not in result.stdout


def test_syntax_error_is_reported_once_with_its_line(tmp_path):
    result = run_check(handout(tmp_path, CORRECT.replace("def tanh(x):", "def tanh(x)")))
    assert result.returncode == 1
    assert "syntax error on line 13" in result.stdout
    assert "def tanh(x)" in result.stdout
    assert "function" not in result.stdout   # no table of 5 identical errors


def test_import_error_is_reported_once(tmp_path):
    result = run_check(handout(tmp_path, CORRECT + "\nnp.load('weights.npy')\n"))
    assert result.returncode == 1
    assert result.stdout.count("importing activations.py raised FileNotFoundError") == 1
    assert "top level" in result.stdout


def test_verbose_shows_every_failing_test(tmp_path):
    tests = PUBLIC_TESTS + '''
@pytest.mark.grade(points=1, function="relu")
def test_relu_float32(student):
    """relu changes the dtype."""
    checks.assert_close(student.relu(X.astype(np.float32)), np.maximum(X, 0).astype(np.float32), what="relu(x32)")
'''
    handout(tmp_path, CORRECT.replace("np.maximum(x, 0)", "np.maximum(x, 0.5)"))
    (tmp_path / "test_activations.py").write_text(tests)
    short, full = run_check(tmp_path).stdout, run_check(tmp_path, "-v").stdout
    assert "+1 more failing" in short and "relu(x32)" not in short
    assert "relu(x32)" in full


def test_file_argument_and_folder_lookup(tmp_path):
    handout(tmp_path, CORRECT)
    elsewhere = tmp_path / "work"
    elsewhere.mkdir()
    mine = elsewhere / "activations.py"
    mine.write_text(BUGGY)
    found = check.find_handout(str(mine), cwd=tmp_path)
    assert found.tests == tmp_path / "test_activations.py" and found.student_file == mine
    assert found.assignment == "activations"
    assert run_check(tmp_path, str(mine)).returncode == 1
    assert run_check(tmp_path).returncode == 0


def test_wrong_folder_says_where_to_run(tmp_path):
    result = run_check(tmp_path)
    assert result.returncode == 2
    assert "handout folder" in result.stdout
    handout(tmp_path, CORRECT)
    (tmp_path / "backprop.py").write_text(CORRECT)
    (tmp_path / "test_backprop.py").write_text(PUBLIC_TESTS)
    result = run_check(tmp_path)
    assert result.returncode == 2 and "several assignments" in result.stdout


def test_check_is_light(tmp_path):
    """check imports nothing heavy (its speed is measured in benchmarks/run.py, not asserted here)."""
    handout(tmp_path, CORRECT)
    assert run_check(tmp_path).returncode == 0
    probe = subprocess.run([sys.executable, "-c", "import sys, student_lib.check, student_lib.__main__; "
                            "print(sorted(m for m in ('matplotlib', 'autograder', 'nbformat') if m in sys.modules))"],
                           capture_output=True, text=True, timeout=60)
    assert probe.stdout.strip() == "[]"


@pytest.mark.parametrize("prop, symptom, hint", [
    ("values", "wrong_at_zero", "relu_grad(0) must be 0"),      # the function's hint for the symptom
    ("values", "dtype_bool", "you return booleans"),             # the generic hint for the symptom
    ("values", "wrong_values", "relu'(x) is 1 where x > 0"),     # no symptom hint: the default
    ("vectorised", "", "replace the Python loop"),                # the generic hint for the property
])
def test_hints_pick_the_specific_one_first(tmp_path, prop, symptom, hint):
    from student_lib.hints import Hints
    (tmp_path / "hints.toml").write_text(HINTS)
    hints = Hints.load(tmp_path / "hints.toml")
    assert hint in hints.choose("relu_grad", prop, symptom)
    assert hints.choose("no_such_function", "values", "wrong_values") == ""


def test_dispatcher_lists_commands_and_rejects_unknown_ones():
    ok = subprocess.run([sys.executable, "-m", "student_lib", "--help"], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and all(c in ok.stdout for c in ("check", "submit", "plot"))
    bad = subprocess.run([sys.executable, "-m", "student_lib", "grade"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "unknown command 'grade'" in bad.stderr


def test_broken_public_tests_are_reported_not_crashed_on(tmp_path):
    handout(tmp_path, CORRECT)
    (tmp_path / "test_activations.py").write_text(PUBLIC_TESTS + "\ndef broken(:\n")
    result = run_check(tmp_path)
    assert result.returncode == 1
    assert "could not run" in result.stdout and "download it again" in result.stdout


def test_works_without_rich(tmp_path):
    """GitHub Classroom's runner may install only numpy and pytest: plain text then."""
    stub = tmp_path / "stub" / "rich"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text("raise ImportError('no rich here')\n")
    (tmp_path / "h").mkdir()
    folder = handout(tmp_path / "h", BUGGY)
    result = subprocess.run([sys.executable, "-m", "student_lib", "check"], cwd=folder, capture_output=True,
                            text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{tmp_path / 'stub'}:{ROOT}"})
    assert result.returncode == 1, result.stderr
    assert "✗ relu_grad 0/1" in result.stdout and "relu_grad(0) must be 0" in result.stdout
    assert "· tanh 0/1" in result.stdout and "[red]" not in result.stdout


def test_a_broken_hints_file_costs_the_hints_not_the_check(tmp_path):
    handout(tmp_path, BUGGY)
    (tmp_path / "hints.toml").write_text("[hints.relu_grad\nnot toml")
    result = run_check(tmp_path)
    assert result.returncode == 1 and "✗" in result.stdout
    assert "relu_grad(0) must be 0" not in result.stdout and "Traceback" not in result.stderr
