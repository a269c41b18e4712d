"""nbgrader: an nbgrader course graded by nngrade, and batch results into its gradebook.

    nngrade export nbgrader ID -o COURSE     →  COURSE/nbgrader_config.py
                                                COURSE/source/ID/ID.ipynb
    nngrade export nbgrader-gradebook OUT --db COURSE/gradebook.db --assignment ID

The source notebook has the exercise text, one solution cell (the reference
solution with its `### BEGIN SOLUTION` regions, written to `ID.py` by
`%%writefile`), and one autograder-test cell per function worth that
function's points. Each test cell's body is a `### BEGIN HIDDEN TESTS`
region (gone from the student version, restored by `nbgrader autograde`)
calling `notebook_runtime.check_function`, which grades `ID.py` in nngrade's
sandbox. nbgrader scores a test cell all or nothing, so a cell earns its
points iff the function got full marks from nngrade.

For partial credit, and to keep student code out of nbgrader's kernel,
grade the `submitted/` tree with `nngrade batch` and write the results into
the gradebook with `nbgrader-gradebook` (nngrade's score per function goes
into each test cell's grade).
"""
from __future__ import annotations

from pathlib import Path

import nbformat

from autograder.assignments import get
from autograder.exporters.results import Export, load_results, reason

CONFIG = """\
# nbgrader configuration written by `nngrade export nbgrader`.
c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.course_id = {course_id!r}
# The first test cell grades the whole file with nngrade; give it time.
c.Execute.timeout = 600
"""


def grade_id(function: str) -> str:
    return f"nngrade_{function}"


def _meta(**kw) -> dict:
    return {"nbgrader": {"schema_version": 3, "task": False, "grade": False, "solution": False,
                         "locked": False, **kw}}


def function_points(assignment_id: str) -> dict[str, float]:
    """{function: points} from the assignment's rubric, in rubric order."""
    from autograder.grading.runner import collect_rubric
    points: dict[str, float] = {}
    for grade in collect_rubric(assignment_id):
        points[grade.function] = points.get(grade.function, 0.0) + grade.points
    return points


def source_notebook(assignment_id: str, seed: int = 0) -> nbformat.NotebookNode:
    """The nbgrader source notebook of the assignment (see the module docstring)."""
    assignment = get(assignment_id)
    if assignment.solution is None:
        raise ValueError(f"{assignment_id} has no reference solution in this checkout")
    readme = assignment.readme.read_text() if assignment.readme.exists() else f"# {assignment.title}\n"
    howto = (f"Write your code in the next cell, between the lines of each function. Running the "
             f"cell saves it to `{assignment.student_file}`; to try your functions in this notebook, "
             f"add a cell with `%run {assignment.student_file}`.\n\n"
             f"The cells after it are graded by nngrade's hidden tests when your notebook is "
             f"autograded: each is worth the points of one function, and earns them when every "
             f"test of that function passes.")
    cells = [
        nbformat.v4.new_markdown_cell(readme, metadata=_meta(grade_id="readme", locked=True)),
        nbformat.v4.new_markdown_cell(howto, metadata=_meta(grade_id="howto", locked=True)),
        nbformat.v4.new_code_cell(f"%%writefile {assignment.student_file}\n"
                                  + assignment.solution.read_text().rstrip("\n"),
                                  metadata=_meta(grade_id="solution", solution=True)),
    ]
    for function, points in function_points(assignment_id).items():
        source = (f"# Graded by nngrade: {points:g} points when every test of `{function}` passes.\n"
                  "### BEGIN HIDDEN TESTS\n"
                  "from autograder.exporters.notebook_runtime import check_function\n"
                  f"check_function({assignment_id!r}, {function!r}, seed={seed})\n"
                  "### END HIDDEN TESTS")
        cells.append(nbformat.v4.new_code_cell(source, metadata=_meta(
            grade=True, locked=True, points=points, grade_id=grade_id(function))))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def write_course(assignment_id: str, course_dir: Path, seed: int = 0, course_id: str = "nngrade") -> Path:
    """Write (or update) the course tree; returns the source notebook's path."""
    course_dir = Path(course_dir)
    notebook = course_dir / "source" / assignment_id / f"{assignment_id}.ipynb"
    notebook.parent.mkdir(parents=True, exist_ok=True)
    nb = source_notebook(assignment_id, seed)
    nbformat.validate(nb)
    nbformat.write(nb, notebook)
    config = course_dir / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG.format(course_id=course_id))
    return notebook


def import_results(out_dir: str | Path, db: str | Path, assignment_id: str,
                   missing: str = "empty") -> Export:
    """Write each student's nngrade score per function into the nbgrader gradebook.

    The assignment must exist in the gradebook (run `nbgrader generate_assignment`
    on the exported notebook first). Students are created if new; each test
    cell's grade gets the function's nngrade score as its autograded score.
    An ungradable result is not written (the gradebook keeps what it had) unless
    `missing` is "zero"; either way it is listed in the report.
    """
    from nbgrader.api import Gradebook, MissingEntry
    results = load_results(out_dir, assignment_id)
    report = Export(rows=0)
    with Gradebook(f"sqlite:///{Path(db).resolve()}") as gb:
        try:
            cells = gb.find_notebook(assignment_id, assignment_id).grade_cells
        except MissingEntry:
            raise ValueError(f"{db} has no notebook {assignment_id!r} in assignment "
                             f"{assignment_id!r}: run `nbgrader generate_assignment "
                             f"{assignment_id}` on the exported course first") from None
        functions = [c.name.removeprefix("nngrade_") for c in cells if c.name.startswith("nngrade_")]
        if not functions:
            raise ValueError(f"the {assignment_id!r} notebook in {db} has no nngrade test cells")
        report.zero = missing == "zero"
        for student, result in results.items():
            if result.status != "graded":
                report.ungraded.append(f"{student} ({reason(result)})")
                if missing != "zero":
                    continue
            gb.update_or_create_student(student)
            gb.update_or_create_submission(assignment_id, student)
            scores = result.by_function()   # empty for an ungradable submission: 0 everywhere (zero asked)
            for function in functions:
                grade = gb.find_grade(grade_id(function), assignment_id, assignment_id, student)
                grade.auto_score = scores.get(function, (0.0, 0.0))[0]
            report.rows += 1
        gb.db.commit()
        report.missing = sorted(s.id for s in gb.students if s.id not in results)
    return report
