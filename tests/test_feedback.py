"""One mistake, one message: headlines, consequences, hints from symptoms, blame on a wrong callee.

The grouping is tested on hand-made results (no grading) and on three realistic
students with several mistakes each (`tests/data/feedback_students.toml`, not the
bundled examples), graded once in the sandbox: every broken function gets one box
whose headline names the real cause, in the HTML, the markdown, the terminal and
`python -m student_lib check` alike.
"""
from __future__ import annotations

import contextlib
import io
import re
import tomllib
from pathlib import Path

import numpy as np
import pytest

from autograder.assignments import all_assignments, get
from autograder.grading import grade_submission
from autograder.grading.runner import collect_rubric
from autograder.reports import html, markdown
from autograder.reports.feedback import by_function, hints_for
from student_lib import check, checks
from student_lib.feedback import by_function as group
from student_lib.hints import Hints
from student_lib.properties import PROPERTIES, property_of

ROOT = Path(__file__).resolve().parents[1]
STUDENTS = tomllib.loads((ROOT / "tests" / "data" / "feedback_students.toml").read_text())["student"]


def t(name, status="failed", score=0.0, max_score=1.0, **extra) -> dict:
    return {"name": name, "function": name.split(":")[0], "score": score if status != "passed" else max_score,
            "max_score": max_score, "status": status, "visibility": "visible", "output": "", **extra}


# ------------------------------------------------------------ the grouping
def test_headline_is_the_first_failing_property_and_the_rest_is_folded():
    tests = [t("f: vectorised"), t("f: keeps the input's shape and dtype"), t("f: leaves its inputs unchanged"),
             t("f: values on random inputs", symptom="wrong_values"), t("f: small example", "passed"),
             t("g: values", "passed")]
    groups = {g.function: g for g in group(tests)}
    f = groups["f"]
    assert f.headline["name"] == "f: values on random inputs"
    assert [o["name"] for o in f.others] == ["f: keeps the input's shape and dtype",
                                              "f: leaves its inputs unchanged", "f: vectorised"]
    assert f.also_fails == ("also fails: shape and dtype, unchanged inputs, vectorised — "
                            "probably because the values are wrong; fix the values first")
    assert groups["g"].state == "passed" and groups["g"].headline is None


def test_hint_comes_from_the_symptom_then_the_property(tmp_path):
    (tmp_path / "hints.toml").write_text('[hints.f]\ndefault = "F DEFAULT"\nstable = "F STABLE"\n')
    hints = Hints.load(tmp_path / "hints.toml")
    by = {(p, s): group([t("f: x", property=p, symptom=s)], hints)[0].hint
          for p, s in [("values", "dtype_bool"), ("stable", "warning"), ("vectorised", ""), ("values", "wrong_values")]}
    assert "booleans" in by[("values", "dtype_bool")]          # generic symptom beats the default
    assert by[("stable", "warning")] == "F STABLE"             # the function's property hint
    assert "Python loop" in by[("vectorised", "")]             # generic property hint
    assert by[("values", "wrong_values")] == "F DEFAULT"


def test_a_wrong_callee_is_blamed_but_not_for_the_callers_own_symptoms(tmp_path):
    (tmp_path / "hints.toml").write_text('[calls]\ng = ["f"]\nh = ["f"]\nk = ["f"]\n'
                                         '[hints.g]\ndefault = "G"\n')
    hints = Hints.load(tmp_path / "hints.toml")
    tests = [t("f: values", symptom="wrong_values"),
             t("g: values", symptom="wrong_values"),                 # f's values break g's: blamed
             t("h: values", symptom="not_array"),                    # a list is h's own mistake
             t("k: values", "passed"), t("k: vectorised")]           # k's own loop: f not to blame
    groups = {g.function: g for g in group(tests, hints)}
    assert groups["g"].cause == "f" and "Probably because `f` is wrong" in groups["g"].cause_line
    assert groups["g"].shown_hint == ""                              # one message: fix f first
    assert groups["h"].cause == "" and "numpy array" in groups["h"].hint
    assert groups["k"].cause == "" and groups["f"].cause == ""


def test_blame_follows_a_chain_to_its_root(tmp_path):
    (tmp_path / "hints.toml").write_text('[calls]\ntrain = ["step"]\nstep = ["layer"]\nlayer = ["train"]\n')
    tests = [t("layer: values"), t("step: values"), t("train: values")]
    groups = {g.function: g for g in group(tests, Hints.load(tmp_path / "hints.toml"))}
    # a cycle in [calls] ends the chain instead of looping
    assert all(g.cause for g in groups.values())
    (tmp_path / "hints.toml").write_text('[calls]\ntrain = ["step"]\nstep = ["layer"]\n')
    groups = {g.function: g for g in group(tests, Hints.load(tmp_path / "hints.toml"))}
    assert groups["train"].cause == "step" and groups["train"].root == "layer"
    assert "`layer` is wrong (through `step`)" in groups["train"].cause_line
    assert groups["layer"].cause == "" and groups["layer"].headline is not None


def test_every_rubric_test_has_a_known_property():
    """Property names come from the suites' naming; spot-check the rows that matter."""
    for a in all_assignments():
        for g in collect_rubric(a.id):
            assert property_of(g.name) in PROPERTIES
    assert property_of("relu: keeps the input's shape and dtype [relu]") == "shape"
    assert property_of("mse_loss: leaves its inputs unchanged") == "inputs"
    assert property_of("softmax: along each axis") == "axis"
    assert property_of("sigmoid: stable for |x| up to 1000 [sigmoid]") == "stable"
    assert property_of("linear_forward: float32 in, float32 out") == "shape"
    assert property_of("relu_forward: vectorised") == "vectorised"
    assert property_of("init_mlp: shapes") == "values"
    assert property_of("x: anything", "stable") == "stable"
    with pytest.raises(ValueError):
        property_of("x: y", "speed")


# ------------------------------------------------------------ symptoms seen by the checks
@pytest.mark.parametrize("got, expected, kw, symptom", [
    (np.array([2.0, 4.0]), np.array([1.0, 2.0]), {}, "ratio:2"),
    (np.array([3.0, 6.0]), np.array([1.0, 2.0]), {"n": 3}, "ratio:N"),
    (np.array([1.0, 2.0]), np.array([3.0, 6.0]), {"n": 3}, "ratio:1/N"),
    (np.array([0.0, 1.0, 1.0]), np.array([0.0, 0.0, 1.0]), {"inputs": np.array([-1.0, 0.0, 1.0])}, "wrong_at_zero"),
    (np.array([0.3, 1.0]), np.array([0.1, 2.0]), {}, "wrong_values"),
    ([1.0, 2.0], np.array([1.0, 2.0]), {}, "not_array"),
    (np.array([True, False]), np.array([1.0, 0.0]), {}, "dtype_bool"),
    (np.zeros(2), np.zeros(2, dtype=np.float32), {}, "dtype_upcast"),
    (np.zeros((3, 2)), np.zeros((2, 3)), {}, "transposed"),
    (np.zeros(4), np.zeros(3), {}, "wrong_shape"),
])
def test_checks_name_the_symptom(got, expected, kw, symptom):
    with pytest.raises(checks.CheckFailed) as failure:
        checks.assert_close(got, expected, what="f(x)", **kw)
    assert failure.value.symptom == symptom


def test_gradient_and_scalar_checks_name_a_ratio():
    with pytest.raises(checks.CheckFailed) as failure:
        checks.assert_gradient(np.array([1.0, 2.0]) / 4, np.array([1.0, 2.0]), what="db", n=4)
    assert failure.value.symptom == "ratio:1/N"
    with pytest.raises(checks.CheckFailed) as failure:
        checks.assert_scalar(5.0, 5.0 / 3, what="loss", n=3)
    assert failure.value.symptom == "ratio:N"


def test_no_assignment_id_in_the_feedback_code():
    """Per-assignment hints are data in the assignment's folder, read by a generic engine."""
    ids = [a.id for a in all_assignments()]
    engine = [ROOT / "student_lib" / f"{m}.py" for m in ("feedback", "hints", "properties", "checks", "check")]
    for path in [*engine, *sorted((ROOT / "autograder" / "reports").glob("*.py"))]:
        text = path.read_text(encoding="utf-8")
        assert not [i for i in ids if re.search(rf"[\"']{i}[\"']", text)], path
    for a in all_assignments():
        assert Hints.load(a.handout_dir / "hints.toml").functions, a.id
        assert set(Hints.load(a.handout_dir / "hints.toml").functions) <= set(a.functions)


# ------------------------------------------------------------ three realistic students
def student_file(student: dict, folder: Path) -> Path:
    text = get(student["assignment"]).solution.read_text()
    for old, new in student["edits"]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = folder / f"{student['assignment']}.py"
    path.write_text(text)
    return path


@pytest.fixture(scope="module", params=STUDENTS, ids=[s["name"] for s in STUDENTS])
def graded(request, tmp_path_factory):
    student = request.param
    path = student_file(student, tmp_path_factory.mktemp(student["name"]))
    result = grade_submission(student["assignment"], path, seed=0, student=student["name"]).to_dict()
    return student, path, result


def describe(g) -> str:
    if g.cause:
        return f"<- {g.cause}"
    symptom = g.headline.get("symptom", "")
    return g.failing_property + (f"/{symptom}" if symptom not in ("", "wrong_values") else "")


def test_every_headline_names_the_real_cause(graded):
    student, _, result = graded
    groups = {g.function: g for g in by_function(result)}
    got = {f: describe(g) for f, g in groups.items() if g.state == "lost points"}
    assert got == student["expect"]


def test_one_box_per_function_with_consequences_folded(graded):
    _, _, result = graded
    page = html.render_result(result)
    lost = [g for g in by_function(result) if g.state == "lost points"]
    assert page.count('<section id="fn-') == len(lost)
    # one open test box per function: the others are inside <details>
    unfolded = re.sub(r"<details.*?</details>", "", page, flags=re.S)
    assert unfolded.count('<div class="test ') == len(lost)
    md = markdown.render_result(result)
    assert md.count("#### `") == len(lost) and md.count("```text") <= len(lost) + 1


def test_check_says_the_same_as_the_graded_feedback(graded, monkeypatch):
    """Where a function's headline is a public test, `check` shows that headline and that hint."""
    student, path, result = graded
    monkeypatch.chdir(get(student["assignment"]).handout_dir)
    monkeypatch.setenv("COLUMNS", "400")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        check.main([str(path)])
    text = " ".join(out.getvalue().split())
    public = {t["name"] for t in result["tests"][:len(check.run_public_tests(check.find_handout(str(path)))[0])]}
    compared = 0
    for g in by_function(result):
        if g.headline is not None and g.headline["name"] in public:
            assert g.headline["name"] in text, g.function
            if g.shown_hint:
                assert " ".join(g.shown_hint.split())[:60] in text, g.function
            if g.cause:
                assert f"Probably because `{g.root}` is wrong" in text
            compared += 1
    assert compared >= 2


def test_hints_travel_with_the_handout(tmp_path):
    from autograder.release.handout import build_handout
    files = build_handout("relu_approx", tmp_path / "h")
    assert (tmp_path / "h" / "hints.toml") in files
    assert hints_for("relu_approx").functions == Hints.load(tmp_path / "h" / "hints.toml").functions


def test_gradescope_test_entries_point_at_the_headline():
    from autograder.exporters.gradescope_runtime import to_gradescope
    from autograder.result import GradeResult, TestResult
    tests = [TestResult("f: values", "f", 0, 1, "failed", "visible", "wrong values", symptom="wrong_values"),
             TestResult("f: vectorised", "f", 0, 1, "failed", "visible", "too slow"),
             TestResult("g: values", "g", 0, 1, "failed", "hidden", "secret"),
             TestResult("g: vectorised", "g", 0, 1, "failed", "visible", "too slow")]
    data = to_gradescope(GradeResult("activations", "a", "graded", 0, 0.1, tests, 4))
    outputs = [t["output"] for t in data["tests"]]
    assert outputs[0] == "wrong values"
    assert outputs[1].startswith("Fix 'f: values' first") and outputs[1].endswith("too slow")
    assert outputs[3] == "too slow"            # a hidden headline is never named
