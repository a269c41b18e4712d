"""What grading promises (SPEC §5), checked on the bundled examples of every assignment.

- the reference solution gets full marks on every seed;
- every realistic bug loses points on exactly the functions it breaks, and the
  feedback names them;
- every hostile submission gets nothing, in bounded time;
- removing one function loses exactly that function's points;
- same submission + same seed → the same JSON (timings aside);
- the public tests give the same outcomes in-process and in the sandbox.
"""
from __future__ import annotations

import json
import re
import time

import pytest

from autograder.assignments import all_assignments, get
from autograder.examples import bugs, materialize
from autograder.grading import grade_submission
from autograder.sandbox import Zygote

IDS = [a.id for a in all_assignments()]
SEEDS = {a.id: a.test_seeds for a in all_assignments()}   # each manifest's `test_seeds`


@pytest.fixture(scope="module")
def zygote():
    with Zygote() as z:
        yield z


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    root = tmp_path_factory.mktemp("examples")
    return {a: materialize(a, root / a) for a in IDS}


def lost_functions(result) -> set[str]:
    return {f for f, (score, top) in result.by_function().items() if score < top}


@pytest.mark.parametrize("assignment", IDS)
def test_the_solution_gets_full_marks_on_every_seed(assignment, examples, zygote):
    for seed in SEEDS[assignment]:
        result = grade_submission(assignment, examples[assignment]["correct"], seed=seed, sandbox=zygote)
        failing = [(t.name, t.output) for t in result.tests if t.status != "passed"]
        assert result.status == "graded" and result.score == result.max_score > 0, (seed, failing)


@pytest.mark.parametrize("assignment", IDS)
def test_each_bug_loses_points_on_exactly_its_functions(assignment, examples, zygote):
    found = bugs(assignment)
    # bundled assignments ship several realistic bugs; a new one (`nngrade new`) starts with none
    assert (get(assignment).examples_dir / "bugs.toml").is_file()
    for bug in found:
        result = grade_submission(assignment, examples[assignment][f"buggy_{bug.name}"], sandbox=zygote)
        assert lost_functions(result) == set(bug.functions), bug.name
        feedback = " ".join(t.output for t in result.tests if t.score < t.max_score)
        assert any(f in feedback or f in " ".join(t.name for t in result.tests if t.score < t.max_score)
                   for f in bug.functions), bug.name


@pytest.mark.parametrize("assignment", IDS)
def test_hostile_submissions_earn_nothing_and_finish_in_bounded_time(assignment, examples, zygote):
    for name, path in examples[assignment].items():
        if not name.startswith("hostile_"):
            continue
        start = time.monotonic()
        result = grade_submission(assignment, path, sandbox=zygote, budget_seconds=15)
        assert result.score == 0, (name, [(t.name, t.score) for t in result.tests if t.score])
        assert time.monotonic() - start < 30, name
        if name == "hostile_exit_at_import":
            assert result.status == "ungradable" and "sys.exit" in result.message
        if name == "hostile_fake_result":
            assert '"score": 1000.0' in result.output
        if name == "hostile_read_hidden":
            assert "found: 0 []" in result.output
        if name == "hostile_infinite_loop":
            assert {t.status for t in result.tests} == {"timeout"}


def test_removing_one_function_loses_exactly_its_points(examples, zygote, tmp_path):
    assignment = get("activations")
    source = examples["activations"]["correct"].read_text()
    full = grade_submission("activations", examples["activations"]["correct"], sandbox=zygote)
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


def test_same_submission_and_seed_give_the_same_json(examples, zygote):
    def graded(seed):
        d = grade_submission("activations", examples["activations"]["buggy_" + bugs("activations")[0].name],
                             seed=seed, sandbox=zygote).to_dict()
        d.pop("execution_time")
        d["isolation"] = {k: re.sub(r"uid \d+", "uid N", v) for k, v in d["isolation"].items()}
        return json.dumps(d, sort_keys=True)
    assert graded(3) == graded(3)


def test_syntax_error_is_ungradable_with_the_line(tmp_path, zygote):
    path = tmp_path / "activations.py"
    path.write_text("import numpy as np\n\ndef relu(x)\n    return x\n")
    result = grade_submission("activations", path, sandbox=zygote)
    assert result.status == "ungradable" and result.score == 0 and result.tests == []
    assert "syntax error on line 3" in result.message
    assert result.max_score == grade_submission("activations", path, sandbox=zygote).max_score > 0
