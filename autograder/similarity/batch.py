"""The similarity section of `nngrade batch`'s report.html, from the sources the batch already read.

    html = batch_section("backprop", jobs, out)     also writes OUT/similarity/pairs.json

Runs after grading, on the jobs' sources (already in memory: nothing is read
twice, nothing is run). It never fails the batch: a missing `copydetect`
(the `similarity` extra) or an unexpected error becomes a note in the section.
"""
from __future__ import annotations

import json
from html import escape
from pathlib import Path

from autograder.result import write_atomic


def _note(text: str) -> str:
    return (f'<section id="similarity"><h2>Similarity: who copied from whom</h2>'
            f'<p class="muted">{escape(text)}</p></section>')


def batch_section(assignment_id: str, jobs: list[dict], out: Path) -> str:
    """The HTML section for report.html; OUT/similarity/pairs.json holds the same pairs (a folder, so
    that no student's `<id>.json` can collide with it and `OUT/*.json` stays the results)."""
    try:
        from autograder.similarity.detect import detect
        from autograder.similarity.load import baseline
        from autograder.similarity.report import render_section
    except ImportError as exc:
        return _note(f"Not computed: {exc}. Install it with pip install -e \".[similarity]\", or run "
                     f"nngrade batch with --no-similarity.")
    try:
        sources = {job["student"]: job["source"] for job in jobs if job["source"] is not None}
        skipped = {job["student"]: job["error"] for job in jobs if job["source"] is None}
        report = detect(sources, baseline(assignment_id), skipped=skipped)
        write_atomic(out / "similarity" / "pairs.json", json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
        return render_section(report)
    except Exception as exc:  # noqa: BLE001 - the grades matter more than this section
        return _note(f"Not computed: the similarity check failed ({type(exc).__name__}: {exc}).")
