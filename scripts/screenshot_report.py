"""Render a student's HTML report in headless Chromium and save a PNG, to look at it.

    python scripts/screenshot_report.py RESULT.json|REPORT.html OUT.png [--width 1200 --height 1600]

A result JSON is rendered with `autograder.reports.html.render_result` first.
Needs `chromium` (Debian: apt-get install chromium). Exit 1 if it is missing.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_browser() -> str | None:
    return next((b for b in map(shutil.which, BROWSERS) if b), None)


def screenshot(html_path: Path, png_path: Path, width: int = 1200, height: int = 1600,
               timeout: float = 60.0) -> Path:
    """Save a screenshot of the page; raises RuntimeError if no browser or no picture."""
    browser = find_browser()
    if browser is None:
        raise RuntimeError("no chromium found (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="nngrade-chromium-") as profile:
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
               f"--user-data-dir={profile}", f"--screenshot={png_path.resolve()}",
               f"--window-size={width},{height}", html_path.resolve().as_uri()]
        subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
    if not png_path.is_file() or png_path.stat().st_size == 0:
        raise RuntimeError(f"chromium wrote no screenshot to {png_path}")
    return png_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a result JSON or an HTML report")
    parser.add_argument("png", type=Path)
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=1600)
    args = parser.parse_args(argv)
    html_path = args.source
    if args.source.suffix == ".json":
        from autograder.reports.html import render_result
        html_path = args.png.with_suffix(".html")
        html_path.write_text(render_result(json.loads(args.source.read_text())), encoding="utf-8")
    try:
        screenshot(html_path, args.png, args.width, args.height)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        print(f"screenshot_report: {exc}", file=sys.stderr)
        return 1
    print(args.png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
