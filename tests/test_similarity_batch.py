"""`nngrade batch` puts the similarity section in report.html (on by default; --no-similarity skips it)."""
from __future__ import annotations

import json
import random

import pytest

from autograder.cli import main
from autograder.examples.backprop.classmates import honest_class
from autograder.examples.disguise import rename, reorder

pytestmark = pytest.mark.xdist_group("test_similarity_batch")   # its graded class is built once, on one xdist worker


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root, out = tmp_path_factory.mktemp("class"), tmp_path_factory.mktemp("out")
    honest = honest_class(4, 11)
    for student, text in honest.items():
        (root / f"{student}.py").write_text(text)
    (root / "copier.py").write_text(reorder(rename(honest["student002"], random.Random(0)), random.Random(1)))
    (root / "empty.py").write_text("")
    assert main(["batch", "backprop", str(root), "-o", str(out), "-j", "2"]) == 0
    return root, out


def test_the_class_report_holds_the_similarity_section(graded):
    _, out = graded
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.index('id="similarity"') < page.index("<h2>All students</h2>")
    assert "no code and no name was sent anywhere" in page
    data = json.loads((out / "similarity" / "pairs.json").read_text(encoding="utf-8"))
    assert {data["pairs"][0]["a"], data["pairs"][0]["b"]} == {"copier", "student002"}
    assert {s["student"] for s in data["skipped"]} == {"empty"}
    # grading itself is untouched: every student has a result, the copy scores like its source
    results = {p.stem: json.loads(p.read_text()) for p in out.glob("*.json")}
    assert set(results) == {"copier", "empty", "student000", "student001", "student002", "student003"}
    assert results["copier"]["score"] == results["student002"]["score"]


def test_no_similarity_leaves_it_out(graded):
    root, out = graded
    assert main(["batch", "backprop", str(root), "-o", str(out), "--resume", "--no-similarity"]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="similarity"' not in page and "<h2>All students</h2>" in page
