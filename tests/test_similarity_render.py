"""The similarity page: escaped whatever the student ids and code hold, and drawn by headless Chromium."""
from __future__ import annotations

import random
import re
import struct
import sys
from pathlib import Path

import pytest

from autograder.examples.backprop.classmates import honest_class
from autograder.examples.disguise import rename, reorder
from autograder.similarity.detect import detect
from autograder.similarity.load import baseline
from autograder.similarity.report import render_page

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from screenshot_report import find_browser, screenshot  # noqa: E402

HOSTILE_ID = "<script>alert('id')</script>"


@pytest.fixture(scope="module")
def page():
    rng = random.Random(4)
    sources = honest_class(16, 4)
    original = re.sub(r"(def linear_backward\(.*\n)", "\\1    x_ = 1  # </pre><script>alert('code')</script>\n",
                      sources["student001"], count=1)
    assert "</pre><script>" in original
    sources["student001"] = original
    sources[HOSTILE_ID] = reorder(rename(original, rng), rng)
    report = detect(sources, baseline("backprop"))
    assert any(HOSTILE_ID in (p.a, p.b) for p in report.pairs)
    return render_page(report, title="backprop <b>class</b>")


def test_student_ids_and_code_are_escaped(page):
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&#x27;id&#x27;)&lt;/script&gt;" in page        # the id, shown as text
    assert "&lt;/pre&gt;&lt;script&gt;alert(&#39;code&#39;)" in page.replace("&#x27;", "&#39;")
    assert "backprop &lt;b&gt;class&lt;/b&gt;" in page


def test_the_page_holds_pairs_groups_and_the_side_by_side_view(page):
    assert 'id="similarity"' in page and "<mark>" in page
    assert page.count('<details id="sim-pair-') >= 1
    assert "Groups of three or more" in page and "Not compared" in page


@pytest.mark.integration
def test_chromium_renders_the_similarity_page(page, tmp_path):
    assert find_browser(), "chromium is needed for this test (apt-get install chromium)"
    html = tmp_path / "similarity.html"
    html.write_text(page, encoding="utf-8")
    png = screenshot(html, tmp_path / "similarity.png", width=1200, height=1400)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1200, 1400)
    assert len(data) > 40_000          # tables, bars and code, not a blank page
