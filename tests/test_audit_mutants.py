"""The mutant generator of `nngrade audit`: each operator, only inside solution regions, exact edits."""
from __future__ import annotations

import ast

from autograder.assignments import all_assignments
from autograder.audit.mutants import OPERATORS, generate, solution_regions
from autograder.audit.report import build, render_html
from autograder.audit.run import Outcome, survivor_key

SOLUTION = '''import numpy as np


def f(x, axis=-1):
    """Docstring: a + b * c is not code."""
    y = x + 1  # outside the region: never mutated
    ### BEGIN SOLUTION
    m = np.max(x, axis=axis, keepdims=True)      # the max · of the row
    z = x.copy()
    z = z - m
    s = np.exp(z).sum(axis=axis, keepdims=True)
    out = np.where(x >= 0, z / s, 0.5 * z)[1:3]
    r = np.maximum(x, 0)
    w = -out
    ### END SOLUTION
    return out.astype(x.dtype)
'''


def changes(operator: str) -> set[tuple[int, str]]:
    return {(m.line, m.change) for m in generate(SOLUTION, operators=(operator,))}


def test_regions_are_the_lines_between_the_markers():
    assert solution_regions(SOLUTION) == [(7, 15)]


def test_nothing_outside_a_region_is_mutated():
    mutants = generate(SOLUTION)
    assert mutants and all(8 <= m.line <= 14 for m in mutants)
    assert {m.function for m in mutants} == {"f"}
    lines = SOLUTION.splitlines()
    for m in mutants:
        changed = [i for i, (a, b) in enumerate(zip(lines, m.source.splitlines()), 1) if a != b]
        assert changed == [m.line], m.change       # exactly one line differs: the reported one
        ast.parse(m.source)


def test_each_operator_makes_its_classic_edits():
    assert {(10, "`-` -> `+`"), (12, "`/` -> `*`"), (12, "`*` -> `/`")} <= changes("arithmetic")
    assert {(12, "`>=` -> `>`"), (12, "`>=` -> `<`")} <= changes("comparison")
    assert {(12, "`0` -> `1`"), (12, "`0.5` -> `1.5`"), (12, "`1` -> `0`"), (12, "`3` -> `4`"),
            (13, "`0` -> `1`"), (8, "`True` -> `False`")} <= changes("constant")
    assert {(8, "`axis` -> `-1`"), (8, "`axis` -> `0`"), (8, "`, axis=axis` -> ``"),
            (8, "`, keepdims=True` -> ``"), (11, "`axis=axis,` -> ``")} <= changes("axis")
    assert {(12, "`1` -> `(1) + 1`"), (12, "`3` -> `(3) - 1`")} <= changes("slice")
    assert {(10, "`z - m` -> `(z)`"), (12, "`0.5 * z` -> `(z)`"), (12, "`0.5 * z` -> `(0.5)`")} <= changes("drop_term")
    assert {(9, "`x.copy()` -> `x`"), (10, "`z = z - m` -> `z -= m`"),
            (13, "insert `, out=x`")} <= changes("in_place")
    assert {(12, "`0.5` -> `np.float64(0.5)`")} <= changes("float64")
    assert {(14, "`-out` -> `(out)`")} <= changes("negation")


def test_the_comment_with_unicode_is_kept_and_offsets_are_bytes():
    m = next(m for m in generate(SOLUTION, operators=("axis",)) if m.change == "`, keepdims=True` -> ``")
    assert "m = np.max(x, axis=axis)      # the max · of the row" in m.source


def test_mutants_are_unique_and_numbered_in_order():
    mutants = generate(SOLUTION)
    assert len({m.source for m in mutants}) == len(mutants)
    assert [m.id for m in mutants] == [f"m{i:04d}" for i in range(1, len(mutants) + 1)]
    assert generate(SOLUTION) == mutants                      # deterministic


def test_every_bundled_solution_yields_mutants_of_every_function():
    for assignment in all_assignments():
        mutants = generate(assignment.solution.read_text())
        assert {m.function for m in mutants} == set(assignment.functions), assignment.id
        assert {m.operator for m in mutants} <= set(OPERATORS)


def test_report_counts_rates_and_renders_survivors(tmp_path):
    class A:
        id, student_file = "demo", "demo.py"

        @staticmethod
        def suite_version():
            return "v1"

    mutants = generate(SOLUTION)[:4]
    outcomes = [Outcome(mutants[0], "killed_public", 0, ["f: values"]),
                Outcome(mutants[1], "killed_hidden", 1, ["f: float32"]),
                Outcome(mutants[2], "survived", survived_seeds=[0, 1], difference="call 3 differs"),
                Outcome(mutants[3], "equivalent", survived_seeds=[0, 1])]
    data = build(A, SOLUTION, outcomes, [0, 1], OPERATORS)
    assert (data["killed_public"], data["killed_hidden"], data["survived"], data["equivalent"]) == (1, 1, 1, 1)
    assert data["kill_rate"] == round(2 / 3, 4) and data["functions"]["f"]["kill_rate"] == data["kill_rate"]
    survivor = data["survivors"][0]
    assert survivor["seeds"] == [0, 1] and survivor["diff"].startswith("--- a/demo.py")
    assert not survivor["equivalent"] and data["survivors"][1]["equivalent"]
    page = render_html(data)
    assert "SURVIVES" in page and "likely equivalent" in page and "66.7 %" in page
    outcomes[2].accepted = "reviewed"
    assert build(A, SOLUTION, outcomes, [0, 1], OPERATORS)["kill_rate_reviewed"] == 1.0


def test_survivor_keys_ignore_spacing():
    assert survivor_key("f", "  z = z -  m ", "`-` -> `+`") == survivor_key("f", "z = z - m", "`-` -> `+`")
