"""Notebooks end to end: graded cell by cell, checked and submitted like a .py file.

The notebooks are written with nbformat the way JupyterLab saves them: markdown
cells, execution counts, outputs (a picture, an error), magics and shell lines.
"""
from __future__ import annotations

import ast
import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder.assignments import ROOT, get
from autograder.batch.jobs import Settings, grade_job, make_job
from autograder.grading import grade_submission
from student_lib.notebook import (cells_of_module, describe_cell_errors, notebook_module,
                                  translate_lines)

SOLUTION = (ROOT / "solutions" / "activations" / "activations.py").read_text()
PLOT = ("x = np.linspace(-3, 3, 61)\nfig, ax = plt.subplots(1, 2, figsize=(8, 3))\n"
        "ax[0].plot(x, np.maximum(x, 0))\nplt.title('relu')\nplt.show()")


def blocks(source: str) -> list[str]:
    """The top-level statements of a file, one text each (a cell per function, as students do)."""
    lines = source.splitlines()
    out = []
    for node in ast.parse(source).body:
        start = (node.decorator_list[0] if getattr(node, "decorator_list", None) else node).lineno
        out.append("\n".join(lines[start - 1:node.end_lineno]))
    return out


def jupyterlab_notebook(source: str, path: Path, *, extra: list = ()) -> Path:
    """A notebook as JupyterLab saves it: the imports cell first (with matplotlib), a cell per
    function, then a plot cell with a picture output and a cell that raised, and magics."""
    code = [b for b in blocks(source) if not b.startswith(("import ", "from ", '"""'))]
    imports = [b for b in blocks(source) if b.startswith(("import ", "from ")) and "__future__" not in b]
    cells = [new_markdown_cell("# Activation functions\nMy answers, one cell per function."),
             new_code_cell("import matplotlib.pyplot as plt\n%matplotlib inline\n" + "\n".join(imports),
                           execution_count=1)]
    for i, text in enumerate(code):
        cells.append(new_code_cell(text, execution_count=i + 2))
        if i == 3:
            cells.append(new_code_cell(PLOT, execution_count=40, outputs=[
                new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})]))
            cells.append(new_code_cell("relu(undefined_input)", execution_count=41, outputs=[
                new_output("error", ename="NameError", evalue="name 'undefined_input' is not defined",
                           traceback=["NameError: name 'undefined_input' is not defined"])]))
    cells += [new_code_cell(text) for text in extra]
    cells.append(new_code_cell("!pip install numpy\n%timeit relu(np.ones(1000))", execution_count=99))
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "language": "python",
                                                             "display_name": "Python 3 (ipykernel)"}})
    nbformat.write(nb, path)
    return path


def cell_number(path: Path, starts: str) -> int:
    nb = nbformat.read(path, as_version=4)
    return next(i for i, c in enumerate(nb.cells, 1) if c.source.startswith(starts))


def import_module(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem + "_converted", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------ the conversion
def test_cells_run_one_by_one_and_failures_say_cell_and_line(tmp_path):
    nb = jupyterlab_notebook(SOLUTION, tmp_path / "hw.ipynb", extra=["def broken(:\n    pass"])
    source, cells = notebook_module(nb.read_bytes(), "hw.ipynb")
    (tmp_path / "hw.py").write_text(source)
    module = import_module(tmp_path / "hw.py")
    assert float(module.relu(-2.0)) == 0.0 and float(module.softplus(0.0)) == pytest.approx(0.6931, 1e-3)
    errors = module._nngrade_cell_errors()
    assert [(e["cell"], e["line"], e["error"].split(":")[0]) for e in errors] == [
        (cell_number(nb, "relu(undefined"), 1, "NameError"),
        (cell_number(nb, "def broken"), 1, "SyntaxError")]
    assert cells_of_module(source) == cells          # the module describes its own cell map
    assert cells_of_module("import numpy\n") is None


def test_plotting_is_a_no_op_even_when_matplotlib_comes_first(tmp_path):
    nb = jupyterlab_notebook(SOLUTION, tmp_path / "hw.ipynb")
    source, _ = notebook_module(nb.read_bytes(), "hw.ipynb")
    (tmp_path / "hw.py").write_text(source)
    module = import_module(tmp_path / "hw.py")
    assert module.np.__name__ == "numpy"                      # the line after the matplotlib import ran
    assert not any("plt" in e["code"] or e["cell"] == cell_number(nb, "x = np.linspace")
                   for e in module._nngrade_cell_errors())
    assert "matplotlib.pyplot" not in sys.modules or module.plt is not sys.modules["matplotlib.pyplot"]


def test_cells_with_every_kind_of_quote_keep_their_lines(tmp_path):
    awkward = ('s = """one"""\nt = \'\'\'two\'\'\'\nu = "tab\\there \\\\ back"\n'
               'def f(x):\n    return x / 0')
    nb = new_notebook(cells=[new_code_cell("%%time\nimport numpy as np"), new_code_cell(awkward),
                             new_code_cell("f(1)")])
    source, cells = notebook_module(nbformat.writes(nb).encode(), "q.ipynb")
    (tmp_path / "q.py").write_text(source)
    module = import_module(tmp_path / "q.py")
    assert (module.s, module.t, module.u) == ("one", "two", "tab\there \\ back")
    with pytest.raises(ZeroDivisionError) as info:
        module.f(2)
    line = info.traceback[-1].lineno + 1
    assert translate_lines(f"f raised ZeroDivisionError at line {line}: return x / 0", cells) == \
        "f raised ZeroDivisionError at cell 2, line 5: return x / 0"
    assert module._nngrade_cell_errors()[0]["cell"] == 3


def test_cell_reports_from_the_worker_are_checked_before_they_are_shown():
    ok = [{"cell": 3, "line": 2, "error": "NameError: x", "code": "y = x"}]
    assert describe_cell_errors(ok, "hw.ipynb")[0].startswith("cell 3, line 2 of hw.ipynb raised NameError")
    for junk in ("cell 3", [{"cell": "3", "line": 2, "error": "e"}], [{"cell": 3}], None, [1, 2]):
        assert describe_cell_errors(junk) == []
    assert len(describe_cell_errors(ok * 500)) == 21      # capped, with a line saying how many more


# ------------------------------------------------------------------ grading
def test_notebook_with_error_and_plot_cells_gets_full_marks(tmp_path):
    nb = jupyterlab_notebook(SOLUTION, tmp_path / "alice.ipynb")
    result = grade_submission("activations", nb, seed=3)
    assert result.status == "graded" and result.score == result.max_score == 100
    failed = cell_number(nb, "relu(undefined")
    assert f"cell {failed}, line 1 of the notebook raised NameError" in result.message
    assert "plt" not in result.message
    from autograder.reports import html, markdown
    page = html.render_result(result.to_dict())
    assert f"one cell at a time<br>cell {failed}, line 1 of the notebook" in page
    assert f"_cell {failed}, line 1 of the notebook raised NameError" in markdown.render_result(result.to_dict())


def test_a_wrong_function_in_a_notebook_loses_its_points_with_cell_and_line(tmp_path):
    buggy = SOLUTION.replace("def tanh_grad(x):", "def tanh_grad(x):\n    return x.nope\n\n\ndef _was(x):", 1)
    looped = buggy.replace("def relu(x):", "def relu(x):\n    return np.array([max(v, 0.0) for v in "
                           "np.ravel(x)], dtype=np.asarray(x).dtype).reshape(np.shape(x))\n\n\n"
                           "def _old_relu(x):", 1)
    nb = jupyterlab_notebook(looped, tmp_path / "bob.ipynb")
    result = grade_submission("activations", nb, seed=3)
    scores = result.by_function()
    assert scores["tanh_grad"][0] == 0 and scores["relu"][0] < scores["relu"][1]   # the loop is seen
    assert scores["sigmoid"][0] == scores["sigmoid"][1]
    cell = cell_number(nb, "def tanh_grad")
    outputs = {t.output for t in result.tests if t.function == "tanh_grad"}
    assert any(f"at cell {cell}, line 2: return x.nope" in o for o in outputs), outputs


def test_batch_keeps_the_cell_report(tmp_path):
    nb = jupyterlab_notebook(SOLUTION, tmp_path / "carol.ipynb")
    job = make_job(Settings("activations", seed=0), "carol", nb)
    data = grade_job(job)
    assert data["score"] == data["max_score"]
    assert data["message"].startswith("graded the code cells of carol.ipynb")
    assert f"cell {cell_number(nb, 'relu(undefined')}, line 1" in data["message"]


# ------------------------------------------------------------------ the student's commands
def student(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "student_lib", *args], cwd=tmp_path / "handout",
                          capture_output=True, text=True, timeout=120, env=env)


@pytest.fixture
def handout(tmp_path):
    folder = tmp_path / "handout"
    folder.mkdir()
    a = get("activations")
    for path in (a.public_tests, a.scaffold):
        (folder / path.name).write_text(path.read_text())
    return folder


def test_check_and_submit_accept_a_notebook(tmp_path, handout):
    jupyterlab_notebook(SOLUTION, handout / "hw.ipynb")
    check = student(tmp_path, "check", "hw.ipynb")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "could not find" not in check.stdout and "19 of 19 functions pass" in check.stdout
    assert "raised NameError" in check.stdout and "hw.ipynb" in check.stdout
    submit = student(tmp_path, "submit", "hw.ipynb")
    assert submit.returncode == 0 and "wrote submission.zip (activations.ipynb" in submit.stdout, submit.stdout
    with zipfile.ZipFile(handout / "submission.zip") as z:
        assert sorted(z.namelist()) == ["activations.ipynb", "manifest.json"]
        assert json.loads(z.read("activations.ipynb"))["cells"][0]["cell_type"] == "markdown"
    result = grade_submission("activations", handout / "submission.zip")
    assert result.score == result.max_score


def test_check_of_a_wrong_notebook_names_cell_and_line(tmp_path, handout):
    buggy = SOLUTION.replace("def tanh_grad(x):", "def tanh_grad(x):\n    return x.nope\n\n\ndef _was(x):", 1)
    nb = jupyterlab_notebook(buggy, handout / "hw.ipynb")
    check = student(tmp_path, "check", "hw.ipynb")
    assert check.returncode == 1
    assert f"cell {cell_number(nb, 'def tanh_grad')}, line 2" in check.stdout, check.stdout


def test_submit_of_the_untouched_scaffold_packs_nothing_and_sets_the_old_zip_aside(tmp_path, handout):
    (handout / "submission.zip").write_bytes(b"PK old")
    submit = student(tmp_path, "submit", "activations.py")
    assert submit.returncode == 1
    assert "nothing is implemented yet" in submit.stdout and "wrote" not in submit.stdout
    assert not (handout / "submission.zip").exists()
    assert (handout / "submission.previous.zip").read_bytes() == b"PK old"
    assert "submission.previous.zip" in submit.stdout


def test_submit_names_functions_not_written_yet(tmp_path, handout):
    scaffold = (handout / "activations.py").read_text()
    done = blocks(SOLUTION)
    relu = next(b for b in done if b.startswith("def relu(x)"))
    start = scaffold.index("def relu(x)")
    end = scaffold.index("\ndef ", start + 1)
    (handout / "activations.py").write_text(scaffold[:start] + relu + "\n\n" + scaffold[end:])
    submit = student(tmp_path, "submit", "activations.py")
    assert "nothing is implemented" not in submit.stdout
    assert "not implemented yet" in submit.stdout and "sigmoid" in submit.stdout
    assert "relu," not in submit.stdout.split("not implemented yet")[1].split("\n")[0].replace("leaky_relu,", "")
    assert (handout / "submission.zip").is_file()


def test_a_notebook_named_after_the_assignment_is_found_without_arguments(tmp_path, handout):
    (handout / "activations.py").unlink()
    jupyterlab_notebook(SOLUTION, handout / "activations.ipynb")
    check = student(tmp_path, "check")
    assert check.returncode == 0 and "Checking the code cells of activations.ipynb" in check.stdout


def test_plot_draws_a_notebooks_nets(tmp_path):
    pytest.importorskip("matplotlib")
    from student_lib.plot import main as plot
    solution = (ROOT / "solutions" / "relu_approx" / "relu_approx.py").read_text()
    nb = jupyterlab_notebook(solution, tmp_path / "ra.ipynb")
    out = tmp_path / "ra.png"
    assert plot(["relu_approx", str(nb), "-o", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_reading_a_notebook_skips_jsonschemas_slow_optional_import_and_keeps_validating(tmp_path):
    """nbformat's jsonschema would import rfc3987_syntax (~1.4 s, a grammar built on import) for "iri"
    formats no notebook schema uses: reading a notebook must not load it, nor leave it blocked."""
    good, bad = tmp_path / "good.ipynb", tmp_path / "bad.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("def relu(x):\n    return x")]), good)
    bad.write_text(json.dumps({"cells": [{"cell_type": "code", "source": 5}], "metadata": {},
                               "nbformat": 4, "nbformat_minor": 5}))
    probe = ("import sys\nfrom student_lib.notebook import NotebookError, read_cells\n"
             "cells = read_cells(open(sys.argv[1], 'rb').read(), 'good.ipynb')\n"
             "try:\n    read_cells(open(sys.argv[2], 'rb').read(), 'bad.ipynb')\n    bad = 'read'\n"
             "except NotebookError:\n    bad = 'refused'\n"
             "print(len(cells), bad, 'nbformat' in sys.modules, 'rfc3987_syntax' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", probe, str(good), str(bad)], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1", "refused", "True", "False"]
