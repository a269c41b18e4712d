"""The same small question for the peers: `relu(x)`, 2 points, a visible and a hidden test.

    nbgrader_course(dir, students)  a course dir (source → generate_assignment → submitted/)
    otter_assignment(dir)           otter assign's output: autograder.zip and a submission notebook

Both are built with the real tools, as a course would be, and graded by their
own commands (`nbgrader autograde`, `otter run`) in `benchmarks/run.py`.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nbformat

SETUP = "import numpy as np"
SOLUTION = "def relu(x):\n    return np.maximum(x, 0)"
VISIBLE = "assert np.allclose(relu(np.array([-1.0, 0.0, 2.0])), [0.0, 0.0, 2.0])"
HIDDEN = ("rng = np.random.default_rng(0)\nx = rng.normal(size=(50, 7))\n"
          "assert np.allclose(relu(x), np.maximum(x, 0))\nassert relu(x).shape == x.shape")
NB_CONFIG = "c = get_config()  # noqa: F821\nc.CourseDirectory.course_id = 'bench'\n"


def _notebook(cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def _nbg(**kw) -> dict:
    return {"nbgrader": {"schema_version": 3, "grade": False, "solution": False, "locked": False,
                         "task": False, **kw}}


def nbgrader_course(course: Path, students: list[str]) -> Path:
    """A course with assignment `relu` released and `students` having submitted the solution."""
    if course.exists():
        shutil.rmtree(course)
    source = course / "source" / "relu"
    source.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(NB_CONFIG)
    cells = [
        nbformat.v4.new_code_cell(SETUP, metadata=_nbg(grade_id="setup", locked=True)),
        nbformat.v4.new_code_cell("def relu(x):\n    ### BEGIN SOLUTION\n    return np.maximum(x, 0)\n"
                                  "    ### END SOLUTION", metadata=_nbg(grade_id="relu", solution=True)),
        nbformat.v4.new_code_cell(f"{VISIBLE}\n### BEGIN HIDDEN TESTS\n{HIDDEN}\n### END HIDDEN TESTS",
                                  metadata=_nbg(grade_id="test_relu", grade=True, locked=True, points=2)),
    ]
    nbformat.write(_notebook(cells), source / "relu.ipynb")
    subprocess.run(["nbgrader", "generate_assignment", "relu", "--force"], cwd=course, check=True,
                   capture_output=True)
    released = nbformat.read(course / "release" / "relu" / "relu.ipynb", as_version=4)
    for cell in released.cells:      # the student answers: the solution cell gets the solution
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = SOLUTION
    for student in students:
        folder = course / "submitted" / student / "relu"
        folder.mkdir(parents=True)
        nbformat.write(released, folder / "relu.ipynb")
        (folder / "timestamp.txt").write_text("2026-11-23 12:00:00.000000 UTC")
    return course


def otter_assignment(folder: Path) -> tuple[Path, Path]:
    """(autograder.zip, a correct submission notebook), made by `otter assign`."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    config = ("# ASSIGNMENT CONFIG\nname: relu\ninit_cell: false\ncheck_all_cell: false\n"
              "export_cell: false\nrun_tests: false\ngenerate: true\n")
    cells = [
        nbformat.v4.new_raw_cell(config),
        nbformat.v4.new_code_cell(SETUP),
        nbformat.v4.new_raw_cell("# BEGIN QUESTION\nname: q1\npoints: 2"),
        nbformat.v4.new_markdown_cell("Write `relu(x)`, elementwise max(0, x)."),
        nbformat.v4.new_raw_cell("# BEGIN SOLUTION"),
        nbformat.v4.new_code_cell(SOLUTION),
        nbformat.v4.new_raw_cell("# END SOLUTION"),
        nbformat.v4.new_raw_cell("# BEGIN TESTS"),
        nbformat.v4.new_code_cell(VISIBLE),
        nbformat.v4.new_code_cell("# HIDDEN\n" + HIDDEN),
        nbformat.v4.new_raw_cell("# END TESTS"),
        nbformat.v4.new_raw_cell("# END QUESTION"),
    ]
    nbformat.write(_notebook(cells), folder / "relu.ipynb")
    subprocess.run(["otter", "assign", "relu.ipynb", "dist"], cwd=folder, check=True, capture_output=True)
    zips = sorted((folder / "dist" / "autograder").glob("*.zip"))
    submission = folder / "submission.ipynb"
    shutil.copy(folder / "dist" / "autograder" / "relu.ipynb", submission)   # the solution notebook
    return zips[0], submission
