"""`nngrade similarity` on a class folder: every layout batch reads, bad input listed, --against, no grading."""
from __future__ import annotations

import json
import random
import zipfile

import nbformat
import pytest

from autograder.cli import main
from autograder.examples.backprop.classmates import honest_class
from autograder.examples.disguise import rename, reorder, restyle


def notebook(code: str) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# My backprop"), nbformat.v4.new_code_cell(code)]
    return nbformat.writes(nb)


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    rng = random.Random(3)
    honest = honest_class(12, 7)
    for student, text in honest.items():
        (root / f"{student}.py").write_text(text)
    (root / "cara.ipynb").write_text(notebook(restyle(honest["student002"], rng)))
    with zipfile.ZipFile(root / "dan.zip", "w") as zf:
        zf.writestr("dan/backprop.py", reorder(rename(honest["student005"], rng), rng))
    (root / "broken.py").write_text(honest["student008"][:-40] + "\n    return (1 +\n")   # syntax error at the end
    (root / "empty.py").write_text("")
    (root / "binary.py").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe" * 20)
    (root / "corrupt.ipynb").write_text('{"cells": [ {"cell_type": "code", "sourc')
    (root / "notes.txt").write_text("not a submission")
    older = tmp_path_factory.mktemp("last_year")
    last_year = honest_class(3, 99)
    for student, text in last_year.items():
        (older / f"{student}.py").write_text(text)
    (root / "eve.py").write_text(rename(last_year["student001"], rng))
    return root, older


@pytest.fixture(scope="module")
def ran(folders, tmp_path_factory):
    root, older = folders
    out = tmp_path_factory.mktemp("out")
    html, data = out / "report.html", out / "pairs.json"
    with pytest.MonkeyPatch.context() as mp:      # similarity must never grade anything
        def no_grading(*args, **kwargs):
            raise AssertionError("similarity graded a submission")
        mp.setattr("autograder.grading.runner.grade_submission", no_grading)
        mp.setattr("autograder.grading.grade_submission", no_grading)
        code = main(["similarity", "backprop", str(root), "-o", str(html), "--json", str(data),
                     "--against", str(older)])
    return code, html.read_text(encoding="utf-8"), json.loads(data.read_text(encoding="utf-8"))


def pair(data: dict, a: str, b: str) -> dict | None:
    return next((p for p in data["pairs"] if {p["a"], p["b"]} == {a, b}), None)


def test_copies_are_found_in_notebooks_zips_and_broken_files(ran):
    code, _, data = ran
    assert code == 0
    for a, b in [("cara", "student002"), ("dan", "student005"), ("broken", "student008")]:
        found = pair(data, a, b)
        assert found is not None, (a, b)
        assert found["similarity_a"] > 0.8 and found["similarity_b"] > 0.8
        assert found["functions"] and all({"function", "share", "in_other"} <= set(f) for f in found["functions"])
    assert data["pairs"][0]["score"] >= data["pairs"][-1]["score"]


def test_bad_input_is_listed_never_fatal(ran):
    _, html, data = ran
    skipped = {s["student"]: s["reason"] for s in data["skipped"]}
    assert "empty" in skipped["empty"]
    assert "UTF-8" in skipped["binary"]
    assert "notebook" in skipped["corrupt"]
    assert skipped["broken"].startswith("compared in part")
    for student in ("empty", "binary", "corrupt"):
        assert student in html


def test_against_compares_with_earlier_years_without_grading_them(ran):
    _, html, data = ran
    found = pair(data, "eve", "against:student001")
    assert found is not None and found["against"] and found["a"] == "eve"
    assert data["against"] == 3
    assert not [p for p in data["pairs"] if p["a"].startswith("against:")]    # never two old files together
    assert data["compared"] == 12 + 4       # honest, cara, dan, broken, eve: earlier years not counted
    assert "earlier / online" in html


def test_the_page_says_nothing_left_the_machine(ran):
    _, html, _ = ran
    assert "no code and no name was sent anywhere" in html
    assert "<script" not in html.lower()


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["similarity", "nosuch", str(tmp_path)]) == 2
    assert main(["similarity", "backprop", str(tmp_path / "missing")]) == 2
    assert main(["similarity", "backprop", str(tmp_path)]) == 2          # empty folder
    assert "empty" in capsys.readouterr().err
