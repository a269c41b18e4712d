"""The student's HTML and markdown reports, from result dicts (no grading needed)."""
from __future__ import annotations

import base64
import html as htmllib
import re

import pytest

from autograder.reports import html, markdown
from autograder.result import GradeResult, TestResult

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 16).decode()


def result(**overrides) -> dict:
    tests = [
        TestResult("relu: values", "relu", 2, 2, "passed", "visible"),
        TestResult("relu_grad: at zero", "relu_grad", 0, 1, "failed", "visible",
                   "relu_grad is wrong at 0.\nrelu_grad(x): wrong values at 1 of 3 entries", [
                       {"title": "relu_grad on [-1, 1]", "png_base64": PNG}], symptom="wrong_at_zero"),
        TestResult("relu_grad: values", "relu_grad", 1, 1, "passed", "visible"),
        TestResult("tanh: values", "tanh", 0, 2, "error", "visible",
                   "tanh is not implemented yet (it raises NotImplementedError)"),
        TestResult("softmax: large inputs", "softmax", 0, 3, "timeout", "visible",
                   "softmax took longer than 5 s"),
        TestResult("softmax: secret", "softmax", 0, 1, "failed", "hidden", "SECRET-DETAIL"),
    ]
    r = GradeResult("activations", "alice", "graded", 7, 0.42, tests, 10, output="debug: 1 2 3\n",
                    submission_sha256="ab" * 32, suite_version="s1", nngrade_version="0.1.0")
    d = r.to_dict()
    d.update(overrides)
    return d


def text_of(page: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", page))


def test_html_is_one_self_contained_page():
    page = html.render_result(result())
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not re.search(r"(src|href)=\"(https?:|//|file:)", page)   # nothing fetched from anywhere
    assert "<script" not in page and "default-src 'none'" in page


def test_html_shows_score_functions_states_and_hint():
    page = html.render_result(result())
    text = " ".join(text_of(page).split())
    assert "3 / 10" in text
    assert "relu_grad 1 / 2" in text and "✗ lost points" in text
    assert "tanh 0 / 2" in text and "not started" in text
    assert "relu_grad(0) must be 0" in text                      # the hint for this failure
    assert "wrong values at 1 of 3 entries" in text
    assert "timed out" in text and "softmax took longer" in text
    assert f'src="data:image/png;base64,{PNG}"' in page
    assert "debug: 1 2 3" in text                                  # the student's own output


def test_tests_hidden_from_students_are_only_counted():
    page = html.render_result(result())
    assert "SECRET-DETAIL" not in page and "softmax: secret" not in page
    assert "1 test whose results are not shown yet (0 / 1 points)" in " ".join(text_of(page).split())
    md = markdown.render_result(result())
    assert "SECRET-DETAIL" not in md and "1 test not shown yet" in md


def test_everything_from_the_result_is_escaped():
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    d = result(student=evil, output=evil, message=evil)
    d["tests"][1]["output"] = evil
    d["tests"][1]["name"] = evil
    page = html.render_result(d)
    assert "<script>" not in page and "<img src=x" not in page
    assert page.count("&lt;script&gt;") >= 3


@pytest.mark.parametrize("payload", ["not base64!!", base64.b64encode(b"GIF89a....").decode(),
                                     PNG + '"><script>x</script>'])
def test_only_real_png_images_are_embedded(payload):
    d = result()
    d["tests"][1]["images"] = [{"title": "t", "png_base64": payload}]
    page = html.render_result(d)
    assert "data:image/png" not in page and "<script>x" not in page


def test_ungradable_submission_says_why():
    d = GradeResult("backprop", "bob", "ungradable", 0, 0.1, [], 69,
                    message="backprop.py has a syntax error on line 3: expected ':'").to_dict()
    page = html.render_result(d)
    assert "could not be graded" in page and "syntax error on line 3" in page
    md = markdown.render_result(d)
    assert "could not be graded" in md and "syntax error on line 3" in md


def test_full_marks_says_so():
    d = result()
    d["tests"] = [t for t in d["tests"] if t["status"] == "passed"]
    assert "Every test passed" in html.render_result(d)
    assert "Every test passed" in markdown.render_result(d)


def test_markdown_table_hint_and_safe_code_blocks():
    d = result()
    d["tests"][1]["output"] = "```\n# not a heading | nor a cell\n```"
    md = markdown.render_result(d)
    assert md.startswith("## activations: 3 / 10")
    assert "| `relu_grad` | 1 / 2 | ❌ lost points |" in md
    assert "> **Hint:** relu\\_grad(0) must be 0" in md
    block = md[md.index("````text"):]
    assert block.index("````", 4) > block.index("# not a heading")   # the student's fence cannot close ours
    assert "Not started (still raise `NotImplementedError`): `tanh`." in md


def test_partial_credit_is_called_so():
    d = result()
    d["tests"][1]["score"] = 0.4
    assert "(partial credit)" in html.render_result(d)
    assert "(partial credit, 0.4 / 1)" in markdown.render_result(d)
    d["tests"][1]["score"] = 0
    assert "(partial credit" not in html.render_result(d) + markdown.render_result(d)
