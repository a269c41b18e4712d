"""The HTML report of a real graded submission, rendered by headless Chromium.

`scripts/screenshot_report.py` is what a developer runs to look at the page;
here it must produce a real picture, and the page must name the broken
function with its hint. (CI installs Debian's chromium, see .ci/run.)
"""
from __future__ import annotations

import struct
import sys
from pathlib import Path

import pytest

from autograder.reports.html import render_result

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from screenshot_report import find_browser, main as screenshot_main  # noqa: E402


@pytest.fixture
def graded(graded_examples):
    return {**graded_examples["backprop"]["buggy_db_averaged"].to_dict(), "student": "ada"}


def test_report_of_a_real_bug_names_function_and_hint(graded):
    page = render_result(graded)
    assert graded["score"] < graded["max_score"]
    assert 'id="fn-linear_backward"' in page
    assert "db sums dout over the batch" in page                  # the hint for this bug
    assert "feedback for ada" in page


@pytest.mark.integration
def test_chromium_renders_the_report(graded, tmp_path):
    assert find_browser(), "chromium is needed for this test (apt-get install chromium)"
    html = tmp_path / "report.html"
    html.write_text(render_result(graded), encoding="utf-8")
    png = tmp_path / "report.png"
    assert screenshot_main([str(html), str(png), "--width", "1000", "--height", "1200"]) == 0
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1000, 1200)
    assert len(data) > 30_000        # a page with text and bars, not a blank one
