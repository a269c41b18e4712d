"""Where the walls cannot exist: a clear stop on macOS/Windows, and the container that grants them."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from autograder.assignments import ROOT

PRETEND = "import sys; sys.platform = {platform!r}; from autograder.cli import main; sys.exit(main({argv!r}))"


@pytest.mark.parametrize("platform", ["darwin", "win32"])
@pytest.mark.parametrize("command", [["grade", "activations", "solutions/activations/activations.py"],
                                     ["batch", "activations", "solutions/activations", "-o", "/nonexistent-out"]])
def test_grading_off_linux_stops_at_once_with_the_container_pointer(platform, command):
    proc = subprocess.run([sys.executable, "-c", PRETEND.format(platform=platform, argv=command)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "only on Linux" in proc.stderr and "docker build" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_container_installs_nngrade_runs_it_unprivileged_and_says_what_it_needs():
    text = (ROOT / "Dockerfile").read_text()
    assert "USER grader" in text and 'ENTRYPOINT ["nngrade"]' in text
    assert "seccomp=unconfined" in text and "why" in text.lower()
    copied = [line.split()[1] for line in text.splitlines() if line.startswith("COPY ")]
    assert copied == ["."] and (ROOT / "pyproject.toml").exists()
    assert "Grading on macOS or Windows" in (ROOT / "README.md").read_text()
