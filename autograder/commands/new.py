"""`nngrade new ID [--title T]`: the skeleton of a new assignment, working at once.

Writes (and refuses to overwrite any of):

    assignments/ID/assignment.toml     the manifest
    assignments/ID/ID.py, conftest.py  the scaffold, generated from the solution
    assignments/ID/README.md           the exercise text, to write
    assignments/ID/test_ID.py          a public test (fixed example, expected value shown)
    solutions/ID/ID.py                 the reference: one function, one BEGIN/END SOLUTION region
    autograder/suites/ID/test_ID.py    the hidden suite: one graded test on random inputs
    autograder/examples/ID/bugs.toml   realistic bugs, none yet

`nngrade list`, `grade`, `batch`, `release`, `audit`, `check-suite` and the
project's data-driven tests pick it up straight away.
"""
from __future__ import annotations

from pathlib import Path

from autograder import assignments
from autograder.scaffold import CONFTEST, HEADER, strip_solutions

SOLUTION = '''"""{title}.

Rules, for every function: numpy only, no Python loops over elements, never
modify an input in place, return an array of the input's shape and dtype.
"""
import numpy as np


def affine(x, w=2.0, b=1.0):
    """The affine map w * x + b, elementwise.

    Inputs:
    - x: float array of any shape
    - w, b: floats

    Returns:
    - out: array of x's shape and dtype
    """
    ### BEGIN SOLUTION
    out = w * x + b
    ### END SOLUTION
    return out
'''

PUBLIC_TEST = '''"""Public tests for {file}: run them with `python -m student_lib check` or `pytest`."""
import numpy as np
import pytest

from student_lib import checks

ASSIGNMENT = "{id}"

X = np.array([-1.0, 0.0, 0.5, 2.0])


@pytest.mark.grade(points=1, function="affine")
def test_affine_small_example(student):
    """affine is wrong on a small example: it is w * x + b, elementwise."""
    checks.assert_close(student.affine(X.copy()), [-1.0, 1.0, 2.0, 5.0], what="affine(x)",
                        show_example=True, inputs=X)
'''

HIDDEN_TEST = '''"""Hidden suite of {id}: one test per rubric line (see autograder/suites/README.md)."""
import numpy as np
import pytest

from student_lib import checks


@pytest.mark.grade(points=2, function="affine", visibility="visible")
def test_affine_random_inputs(student, rng):
    """affine gives wrong values on random inputs and non-default w, b."""
    x = rng.normal(size=(3, 4))
    w, b = rng.uniform(0.5, 2.0), rng.uniform(-2.0, 2.0)
    checks.assert_close(student.affine(x.copy(), w, b), w * x + b, what="affine(x, w, b) on random x")
'''

README = '''# {title}

Write `affine(x, w, b)` in `{file}`: `w * x + b`, elementwise, for an array `x` of any shape.

Run `python -m student_lib check` to test your file, then `python -m student_lib submit`.
'''

MANIFEST = '''# The manifest of this assignment: every nngrade command and the project's tests read it.
title = "{title}"
student_file = "{file}"
points = 3
test_seeds = [0, 1]      # the project's tests grade the solution on each
worker_packages = []     # third-party packages (besides numpy) student code may import
plots = []               # e.g. ["student_lib.plot:gallery"]: `python -m student_lib plot {id}`

[budgets]
submission_seconds = 120
audit_seconds = 300
'''

BUGS = '''# Realistic wrong submissions of {file}, as edits of the reference solution:
# each must lose points on exactly the functions listed. For example:
#
# [[bug]]
# name = "forgets_the_bias"
# functions = ["affine"]
# description = "affine returns w * x, without + b"
# old = "out = w * x + b"
# new = "out = w * x"
'''


class NewAssignmentError(ValueError):
    pass


def skeleton_files(assignment_id: str, title: str) -> dict[Path, str]:
    """{path: text} of the new assignment's files."""
    if not assignments.ID_PATTERN.match(assignment_id):
        raise NewAssignmentError(f"{assignment_id!r} is not a valid id: lowercase letters, digits and _, "
                                 "starting with a letter (it is also the student's module name)")
    fields = {"id": assignment_id, "title": title.replace('"', "'"), "file": f"{assignment_id}.py"}
    solution = SOLUTION.format(**fields)
    handout = assignments.ASSIGNMENTS_DIR / assignment_id
    return {
        handout / assignments.MANIFEST: MANIFEST.format(**fields),
        handout / fields["file"]: HEADER + strip_solutions(solution),
        handout / "conftest.py": CONFTEST,
        handout / "README.md": README.format(**fields),
        handout / f"test_{assignment_id}.py": PUBLIC_TEST.format(**fields),
        assignments.SOLUTIONS_DIR / assignment_id / fields["file"]: solution,
        assignments.SUITES_DIR / assignment_id / "__init__.py": "",
        assignments.SUITES_DIR / assignment_id / f"test_{assignment_id}.py": HIDDEN_TEST.format(**fields),
        assignments.EXAMPLES_DIR / assignment_id / "bugs.toml": BUGS.format(**fields),
    }


def create(assignment_id: str, title: str = "") -> list[Path]:
    files = skeleton_files(assignment_id, title or assignment_id.replace("_", " ").capitalize())
    existing = [p for p in files if p.exists()]
    folders = [assignments.ASSIGNMENTS_DIR / assignment_id, assignments.SOLUTIONS_DIR / assignment_id,
               assignments.SUITES_DIR / assignment_id]
    if existing or any(f.exists() for f in folders):
        raise NewAssignmentError(f"assignment {assignment_id!r} already exists "
                                 f"({', '.join(str(f) for f in folders if f.exists())})")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)


def add_arguments(parser) -> None:
    parser.add_argument("assignment", help="the new id: lowercase letters, digits, _ (the student's module name)")
    parser.add_argument("--title", default="", help="its title (default: from the id)")


def run(args) -> int:
    from autograder.cli import UsageError
    try:
        files = create(args.assignment, args.title)
    except NewAssignmentError as exc:
        raise UsageError(str(exc)) from None
    root = assignments.ROOT
    for path in files:
        print(f"wrote {path.relative_to(root) if root in path.parents else path}")
    print(f"Next: write solutions/{args.assignment}/{args.assignment}.py, then "
          f"`python -m autograder.scaffold`, the README, the public and hidden tests; "
          f"`nngrade check-suite {args.assignment}` and `nngrade audit {args.assignment}` tell how good they are.")
    return 0
