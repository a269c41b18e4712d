"""One source of truth: the committed scaffolds are generated from solutions/."""
from __future__ import annotations

import pytest

from autograder.assignments import all_assignments
from autograder.scaffold import ScaffoldError, expected_files, strip_solutions


def test_committed_scaffolds_match_the_solutions():
    files = expected_files()
    assert len(files) == 2 * len(all_assignments())   # a scaffold and a conftest each
    stale = [str(p) for p, text in files.items() if not p.exists() or p.read_text() != text]
    assert not stale, f"run `python -m autograder.scaffold` and commit: {stale}"


def test_solution_regions_become_not_implemented_with_the_function_name():
    source = ("def relu(x):\n    \"\"\"doc\"\"\"\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n\n"
              "def f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    y = 2\n    ### END SOLUTION\n    return y\n")
    out = strip_solutions(source)
    assert "return x" not in out and "y = 2" not in out and '"""doc"""' in out
    assert '    raise NotImplementedError("TODO: implement `relu` (see README.md)")' in out
    assert "implement `f`" in out and out.rstrip().endswith("return y")


@pytest.mark.parametrize("source", ["### BEGIN SOLUTION\n", "### END SOLUTION\n",
                                    "### BEGIN SOLUTION\n### BEGIN SOLUTION\n"])
def test_unbalanced_markers_are_errors(source):
    with pytest.raises(ScaffoldError):
        strip_solutions(source)


def test_no_solution_text_leaks_into_any_scaffold():
    for assignment in all_assignments():
        solution = assignment.solution.read_text().splitlines()
        inside, secret = False, []
        for line in solution:
            if "### BEGIN SOLUTION" in line:
                inside = True
            elif "### END SOLUTION" in line:
                inside = False
            elif inside and len(line.strip()) > 12:
                secret.append(line.strip())
        scaffold = assignment.scaffold.read_text()
        leaked = [line for line in secret if line in scaffold]
        assert not leaked, (assignment.id, leaked[:3])
