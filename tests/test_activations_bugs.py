"""Every realistic bug of autograder/examples/activations/bugs.toml loses marks on exactly its functions.

In-process, seed 0. The timed vectorisation tests run only for the bug's own
functions (the other functions' code is the reference's, whose timing
test_activations_suite checks); every other test runs for every function, so
"exactly" is checked, not assumed.
"""
from __future__ import annotations

import pytest

from autograder.assignments import get
from autograder.examples import apply_bug, bugs
from student_lib.testing import read_grade
from test_activations_suite import grade_in_process   # tests/ is on sys.path (rootdir-less import)

BUGS = bugs("activations")


class TimeOnly:
    """Deselect the vectorisation tests of every function but `functions`."""

    def __init__(self, functions):
        self.functions = set(functions)

    def pytest_collection_modifyitems(self, config, items):
        keep = [i for i in items if "vectorised" not in i.name or read_grade(i).function in self.functions]
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep


def test_there_are_enough_bugs_and_each_names_real_functions():
    assert len(BUGS) >= 12
    assert len({b.name for b in BUGS}) == len(BUGS)
    for bug in BUGS:
        assert set(bug.functions) <= set(get("activations").functions), bug.name


@pytest.mark.parametrize("bug", BUGS, ids=[b.name for b in BUGS])
def test_bug_loses_marks_on_exactly_its_functions(bug, tmp_path):
    path = tmp_path / "activations.py"
    path.write_text(apply_bug(get("activations").solution.read_text(), bug))
    outcomes = grade_in_process(path, 0, plugins=[TimeOnly(bug.functions)])
    assert len(outcomes) > 100
    lost = {o.function for o in outcomes if o.score < o.max_score}
    assert lost == set(bug.functions), [(o.name, o.output) for o in outcomes if o.score < o.max_score]
    for o in outcomes:
        if o.score < o.max_score:
            assert o.output.strip() and o.status in ("failed", "error"), o
    if not bug.functions:   # a bug whose values are right: its numpy warning is a hint in the feedback
        assert any("numpy warnings" in o.output and o.status == "passed" for o in outcomes), bug.name
