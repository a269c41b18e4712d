"""What grading promises (SPEC §5), checked on the bundled examples of every assignment.

Every example is graded once per test run, in the sandbox through the batch
engine (`graded_examples` in conftest.py); the tests here read those results.

- the reference solution gets full marks (on more seeds too);
- every realistic bug loses points on exactly the functions it breaks, and the
  feedback names them;
- every hostile submission gets nothing, within its time budget;
- removing one function loses exactly that function's points;
- one function that loops forever loses only its own points (the leash after a
  timeout never cuts a working function's test short, slow trainings included);
- same submission + same seed → the same JSON (timings aside).
"""
from __future__ import annotations

import ast
import json
import re

import pytest

from autograder.assignments import all_assignments, get
from autograder.examples import bugs, hostile_templates
from autograder.grading import grade_submission
from budgets import HOSTILE_BUDGET

IDS = [a.id for a in all_assignments()]
MORE_SEEDS = {a.id: [s for s in a.test_seeds if s != 0] for a in all_assignments()}   # manifests
BUGS = [(a, b) for a in IDS for b in bugs(a)]
HOSTILE = [(a, name) for a in IDS for name in hostile_templates()]


def lost_functions(result) -> set[str]:
    return {f for f, (score, top) in result.by_function().items() if score < top}


@pytest.mark.parametrize("assignment", IDS)
def test_the_solution_gets_full_marks(assignment, graded_examples):
    result = graded_examples[assignment]["correct"]
    failing = [(t.name, t.output) for t in result.tests if t.status != "passed"]
    assert result.status == "graded" and result.score == result.max_score > 0, failing


@pytest.mark.parametrize("assignment", IDS)
def test_the_solution_gets_full_marks_on_more_seeds(assignment, graded_examples, zygote):
    for seed in MORE_SEEDS[assignment]:
        result = grade_submission(assignment, get(assignment).solution, seed=seed, sandbox=zygote)
        failing = [(t.name, t.output) for t in result.tests if t.status != "passed"]
        assert result.status == "graded" and result.score == result.max_score > 0, (seed, failing)


def test_each_assignment_ships_several_realistic_bugs_on_real_functions():
    assert len(bugs("activations")) >= 12
    assert all(len(bugs(a)) >= 4 for a in ("backprop", "relu_approx"))   # a new one starts with none
    for assignment in IDS:
        found = bugs(assignment)
        assert (get(assignment).examples_dir / "bugs.toml").is_file()
        assert len({b.name for b in found}) == len(found), assignment
        for bug in found:
            assert set(bug.functions) <= set(get(assignment).functions), bug.name


@pytest.mark.parametrize("assignment, bug", BUGS, ids=[f"{a}-{b.name}" for a, b in BUGS])
def test_each_bug_loses_points_on_exactly_its_functions(assignment, bug, graded_examples):
    result = graded_examples[assignment][f"buggy_{bug.name}"]
    assert result.status == "graded" and len(result.tests) == len(graded_examples[assignment]["correct"].tests)
    assert lost_functions(result) == set(bug.functions), [(t.name, t.output) for t in result.tests
                                                          if t.score < t.max_score]
    for t in result.tests:
        if t.score < t.max_score:
            assert t.output.strip() and t.status in ("failed", "error", "timeout"), t
    feedback = " ".join(t.output + " " + t.name for t in result.tests if t.score < t.max_score)
    assert any(f in feedback for f in bug.functions) or not bug.functions, bug.name
    if not bug.functions:   # right values, but a numpy warning: a hint on a passed test, no points lost
        assert any("numpy warnings" in t.output and t.status == "passed" for t in result.tests), bug.name


@pytest.mark.parametrize("assignment, name", HOSTILE, ids=[f"{a}-{n}" for a, n in HOSTILE])
def test_hostile_submissions_earn_nothing_within_their_budget(assignment, name, graded_examples):
    result = graded_examples[assignment][f"hostile_{name}"]
    assert result.score == 0, [(t.name, t.score) for t in result.tests if t.score]
    assert result.max_score == graded_examples[assignment]["correct"].max_score
    assert result.execution_time < 2 * HOSTILE_BUDGET     # the budget holds (a safety bound, not a speed goal)
    if name == "exit_at_import":
        assert result.status == "ungradable" and "sys.exit" in result.message
    if name == "fake_result":
        assert '"score": 1000.0' in result.output
    if name == "read_hidden":
        assert "found: 0 []" in result.output
    if name == "infinite_loop":     # stopped by the wall clock, or killed at its CPU-time limit
        assert "timeout" in {t.status for t in result.tests} <= {"timeout", "error"}


def test_removing_one_function_loses_exactly_its_points(graded_examples, zygote, tmp_path):
    assignment = get("activations")
    source = assignment.solution.read_text()
    full = graded_examples["activations"]["correct"]
    per_function = full.by_function()
    for function in assignment.functions:
        # drop the function's whole definition (up to the next top-level statement)
        cut = re.sub(rf"^def {function}\(.*?(?=^\S|\Z)", "", source, count=1, flags=re.S | re.M)
        assert cut != source, function
        path = tmp_path / f"without_{function}.py"
        path.write_text(cut)
        result = grade_submission("activations", path, sandbox=zygote)
        assert result.max_score == full.max_score
        assert full.score - result.score == pytest.approx(per_function[function][1]), function
        assert lost_functions(result) == {function}


def first_function_nothing_calls(assignment) -> str | None:
    """The first graded function that no code of the solution uses (calls, or keeps in a table)."""
    used = {node.id for node in ast.walk(ast.parse(assignment.solution.read_text()))
            if isinstance(node, ast.Name)}
    return next((f for f in assignment.functions if f not in used), None)


@pytest.mark.parametrize("assignment_id", IDS)
def test_a_function_that_loops_forever_loses_only_its_own_points(assignment_id, graded_examples, zygote,
                                                                 tmp_path):
    assignment = get(assignment_id)
    function = first_function_nothing_calls(assignment)
    if function is None:
        pytest.skip("every function of this solution is used by another: none can loop alone")
    source = assignment.solution.read_text()
    head = re.search(rf"^def {function}\(.*?^(\s*)### BEGIN SOLUTION", source, flags=re.S | re.M)
    indent = head[1]
    looping = source[:head.end(1)] + f"while True:\n{indent}    pass\n{indent}" + source[head.end(1):]
    path = tmp_path / assignment.student_file
    path.write_text(looping)
    result = grade_submission(assignment_id, path, sandbox=zygote, budget_seconds=HOSTILE_BUDGET)
    full = graded_examples[assignment_id]["correct"]
    assert lost_functions(result) == {function}, (function, [(t.name, t.output) for t in result.tests
                                                              if t.status != "passed"][:5])
    assert full.score - result.score == pytest.approx(full.by_function()[function][1])
    assert {t.status for t in result.tests if t.function == function} == {"timeout"}


def test_same_submission_and_seed_give_the_same_json(graded_examples, zygote):
    """Graded again here, alone, by another process's zygote: the batch's JSON, byte for byte."""
    name = "buggy_" + bugs("activations")[0].name
    def canonical(result):
        d = result.to_dict()
        d.pop("execution_time")
        return json.dumps(d, sort_keys=True)     # isolation included: the same walls everywhere
    again = grade_submission("activations", graded_examples.files("activations")[name], student=name,
                             sandbox=zygote)
    assert canonical(again) == canonical(graded_examples["activations"][name])


def test_syntax_error_is_ungradable_with_the_line(tmp_path, zygote):
    path = tmp_path / "activations.py"
    path.write_text("import numpy as np\n\ndef relu(x)\n    return x\n")
    result = grade_submission("activations", path, sandbox=zygote)
    assert result.status == "ungradable" and result.score == 0 and result.tests == []
    assert "syntax error on line 3" in result.message
    assert result.max_score == grade_submission("activations", path, sandbox=zygote).max_score > 0
