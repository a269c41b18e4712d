"""otter-grader: an otter assign notebook whose tests are nngrade's.

    nngrade export otter ID -o DIR   →  DIR/ID.ipynb   (then: otter assign DIR/ID.ipynb dist)

The notebook is in otter's assign format (raw cells `# ASSIGNMENT CONFIG`,
`# BEGIN QUESTION`, `# BEGIN SOLUTION`, `# BEGIN TESTS`, ...). One question
per function; the first holds the solution cell (the reference solution,
written to `ID.py` by `%%writefile`, with otter's `# BEGIN SOLUTION` markers).
Each question has one exception-based test case per nngrade test of that
function, worth that test's points and hidden, calling
`notebook_runtime.check_test`, which grades `ID.py` in nngrade's sandbox. An
otter test case passes or fails, so a case earns its points iff nngrade gave
that test full marks: the total equals nngrade's except where nngrade gave
partial credit within a test.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import yaml

from autograder.assignments import get


def _raw(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_raw_cell(text)


def otter_solution(code: str) -> str:
    """nbgrader's `### BEGIN SOLUTION` markers → otter's `# BEGIN SOLUTION`."""
    return re.sub(r"^(\s*)#+ (BEGIN|END) SOLUTION\s*$", r"\1# \2 SOLUTION", code, flags=re.M)


def test_cell(assignment_id: str, function: str, index: int, name: str, points: float,
              seed: int) -> nbformat.NotebookNode:
    source = (f'""" # BEGIN TEST CONFIG\npoints: {points:g}\nhidden: true\n""" # END TEST CONFIG\n'
              f"def test_{function}_{index}(env):\n"
              "    from autograder.exporters.notebook_runtime import check_test\n"
              f"    check_test({assignment_id!r}, {name!r}, seed={seed})\n")
    return nbformat.v4.new_code_cell(source)


def assign_notebook(assignment_id: str, seed: int = 0) -> nbformat.NotebookNode:
    """The otter assign notebook of the assignment (see the module docstring)."""
    from autograder.grading.runner import collect_rubric
    assignment = get(assignment_id)
    if assignment.solution is None:
        raise ValueError(f"{assignment_id} has no reference solution in this checkout")
    config = {"name": assignment_id, "init_cell": True, "check_all_cell": False,
              "export_cell": False, "run_tests": False, "generate": True,
              "tests": {"ok_format": False}}
    readme = assignment.readme.read_text() if assignment.readme.exists() else f"# {assignment.title}\n"
    cells = [_raw("# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False)),
             nbformat.v4.new_markdown_cell(readme)]
    by_function: dict[str, list] = {}
    for grade in collect_rubric(assignment_id):
        by_function.setdefault(grade.function, []).append(grade)
    for q, (function, grades) in enumerate(by_function.items()):
        cells.append(_raw(f"# BEGIN QUESTION\nname: {function}"))
        if q == 0:
            cells += [nbformat.v4.new_markdown_cell(
                          f"Write your code in the next cell. Running it saves it to "
                          f"`{assignment.student_file}`; nngrade's hidden tests grade that file, "
                          f"one question per function."),
                      _raw("# BEGIN SOLUTION"),
                      nbformat.v4.new_code_cell(f"%%writefile {assignment.student_file}\n"
                                                + otter_solution(assignment.solution.read_text())),
                      _raw("# END SOLUTION")]
        cells.append(nbformat.v4.new_markdown_cell(
            f"**`{function}`**: {sum(g.points for g in grades):g} points, graded by nngrade."))
        cells.append(_raw("# BEGIN TESTS"))
        cells += [test_cell(assignment_id, function, i, g.name, g.points, seed)
                  for i, g in enumerate(grades)]
        cells += [_raw("# END TESTS"), _raw("# END QUESTION")]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def write_assignment(assignment_id: str, out_dir: Path, seed: int = 0) -> Path:
    """Write `out_dir/<id>.ipynb` (the otter assign master notebook); returns its path."""
    path = Path(out_dir) / f"{assignment_id}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nb = assign_notebook(assignment_id, seed)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return path
