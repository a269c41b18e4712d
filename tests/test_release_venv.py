"""Acceptance: a fresh virtual environment and nothing but the handout.

The venv sees the packages of the environment running the tests (numpy, pytest,
rich: no network in tests; `tests/venvs.py`, also inside a virtualenv), and
`pip install --no-index -r requirements.txt` must be satisfied from them, as
the handout's HOW_TO_WORK.md says. `autograder` is shadowed by a
package that fails on import, so a handout that needed the repository fails
loudly. Then, in the handout folder:
- `python -m student_lib check` on the untouched scaffold: every function
  "not started", exit 1;
- on the reference solution: every function passes, exit 0;
- plain `pytest` passes too, and `python -m student_lib submit` packs it.

How fast `check` is in such a venv is measured by `benchmarks/run.py`, not asserted here.
"""
from __future__ import annotations

import shutil
import subprocess

import pytest

from autograder.assignments import all_assignments, get
from autograder.release.handout import build_handout
from venvs import make_venv

IDS = [a.id for a in all_assignments()]
# a real venv and pip install: slow, and outside our code; the venv (a module fixture) is built once,
# on one xdist worker, for the three handouts
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("test_release_venv")]


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    root = tmp_path_factory.mktemp("venv")
    python = make_venv(root / "env")
    stub = root / "stub" / "autograder"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text('raise ImportError("the handout imported autograder")\n')
    env = {"PATH": f"{root / 'env' / 'bin'}:/usr/bin:/bin", "PYTHONPATH": str(root / "stub"),
           "HOME": str(root), "COLUMNS": "120", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
           "PIP_NO_INDEX": "1", "PIP_ROOT_USER_ACTION": "ignore"}
    return python, env


def run(cmd, cwd, env) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("assignment", IDS)
def test_handout_works_alone_in_a_fresh_venv(assignment, venv, tmp_path):
    python, env = venv
    folder = tmp_path / assignment
    build_handout(assignment, folder)
    installed = run([str(python), "-m", "pip", "install", "-q", "-r", "requirements.txt"], folder, env)
    assert installed.returncode == 0, installed.stderr

    where = run([str(python), "-c", "import student_lib; print(student_lib.__file__)"], folder, env)
    assert where.stdout.strip() == str(folder / "student_lib" / "__init__.py")

    functions = get(assignment).functions
    scaffold = run([str(python), "-m", "student_lib", "check"], folder, env)
    assert scaffold.returncode == 1, scaffold.stdout + scaffold.stderr
    assert scaffold.stdout.count("not started yet") == len(functions), scaffold.stdout
    assert "✗" not in scaffold.stdout and "autograder" not in scaffold.stdout + scaffold.stderr

    shutil.copy(get(assignment).solution, folder / f"{assignment}.py")
    solved = run([str(python), "-m", "student_lib", "check"], folder, env)
    assert solved.returncode == 0, solved.stdout + solved.stderr
    assert f"{len(functions)} of {len(functions)} functions pass" in solved.stdout

    plain = run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], folder, env)
    assert plain.returncode == 0, plain.stdout[-2000:]
    packed = run([str(python), "-m", "student_lib", "submit"], folder, env)
    assert packed.returncode == 0 and (folder / "submission.zip").is_file(), packed.stdout + packed.stderr
