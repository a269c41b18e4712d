"""The benchmark runs end to end in its tiny smoke mode (speed is measured, never asserted)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.integration   # every stage of the benchmark end to end (~30 s): CI runs it, the inner loop not


def test_benchmark_smoke_run_writes_a_results_table(tmp_path):
    out = tmp_path / "RESULTS.md"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--smoke", "--no-peers",
                           "--jobs", "2", "--out", str(out)], capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = out.read_text()
    assert "| nngrade grade |" in text
    assert "## 2. `nngrade batch` on 3 submissions" in text
    assert "| 2 |" in text and "correct below full marks" in text
    assert "a walled worker's start median" in text
    row = next(line for line in text.splitlines() if line.startswith("| 2 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[6] == "0", "the correct submission got full marks in the batch"
    assert cells[7] == "0", "the hostile submission earned nothing"
