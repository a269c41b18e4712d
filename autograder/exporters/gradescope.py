"""`nngrade export gradescope ID -o autograder.zip`: a Gradescope autograder.

The zip holds, at its root (Gradescope unpacks it into `/autograder/source`):

    setup.sh                  installs nngrade from the bundled wheel (no network for nngrade)
    run_autograder            grades /autograder/submission, writes results/results.json
    nngrade_gradescope.json   which assignment, which seed
    wheels/nngrade-*.whl      this nngrade, hidden suites included
    assignments/<id>/         the public tests and the scaffold (graded too), hints.toml (feedback)

Upload it as the assignment's autograder ("Configure Autograder" → zip file).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from autograder import __version__
from autograder.assignments import ROOT, get
from student_lib.output import open_output
from autograder.exporters.gradescope_runtime import CONFIG_NAME


class ExportError(Exception):
    """The export cannot be built; the message says what to do."""


SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
# nngrade comes from the wheel in this zip; its dependencies (numpy, pytest,
# rich, nbformat) from the index, unless this Python already has them.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON="${NNGRADE_PYTHON:-python3}"
# The image is Gradescope's alone: installing into its system Python is what it is for
# (Ubuntu 24.04 marks that Python "externally managed"; older pips ignore this variable).
export PIP_BREAK_SYSTEM_PACKAGES=1
if ! "$PYTHON" -m pip --version >/dev/null 2>&1; then
    apt-get update && apt-get install -y python3 python3-pip
fi
WHEEL="$(ls wheels/nngrade-*.whl | head -n 1)"
"$PYTHON" -m pip install --no-index --no-deps --force-reinstall "$WHEEL"
"$PYTHON" -m pip install --no-index "$WHEEL" || "$PYTHON" -m pip install "$WHEEL"
"$PYTHON" -c "import autograder.grading" && echo "nngrade installed"
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission (as root; nngrade's sandbox drops
# to an unprivileged user for the student's code). Set NNGRADE_AUTOGRADER_ROOT
# to try it outside Gradescope.
ROOT="${NNGRADE_AUTOGRADER_ROOT:-/autograder}"
cd "$ROOT"
exec "${NNGRADE_PYTHON:-python3}" -m autograder.exporters.gradescope_runtime --root "$ROOT"
"""


def build_wheel(out_dir: Path) -> Path:
    """Build nngrade's wheel from this repository checkout, without network.

    The sources are copied to a scratch folder first, so the build leaves no
    `build/` or `*.egg-info` behind in the checkout.
    """
    if not (ROOT / "pyproject.toml").exists():
        raise ExportError("building the wheel needs a repository checkout of nngrade; "
                          "pass --wheel with a prebuilt nngrade wheel instead")
    with tempfile.TemporaryDirectory(prefix="nngrade-wheel-") as tmp:
        src = Path(tmp) / "src"
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
        for name in ("autograder", "student_lib", "grading_contract"):
            shutil.copytree(ROOT / name, src / name, ignore=ignore)
        shutil.copy2(ROOT / "pyproject.toml", src / "pyproject.toml")
        readme = ROOT / "README.md"
        (src / "README.md").write_text(readme.read_text() if readme.exists() else "nngrade\n")
        # Offline first (setuptools and wheel from this Python); else pip's isolated build,
        # which fetches the build backend from the package index.
        for isolation in (["--no-build-isolation"], []):
            proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation,
                                   "--quiet", "-w", str(out_dir), str(src)],
                                  capture_output=True, text=True, timeout=600)
            if proc.returncode == 0:
                break
        else:
            raise ExportError(f"pip wheel failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    wheels = sorted(out_dir.glob("nngrade-*.whl"))
    if not wheels:
        raise ExportError("pip wheel produced no nngrade wheel")
    return wheels[-1]


def build_zip(assignment_id: str, out: str | Path, *, seed: int = 0,
              wheel: str | Path | None = None) -> Path:
    """Write the Gradescope autograder zip for one assignment.

    Inputs:
    - assignment_id: activations, backprop or relu_approx.
    - out: the zip to write.
    - seed: the seed of every grading run (the random cases depend on it).
    - wheel: a prebuilt nngrade wheel; default: build one from this checkout.
    Returns: the path of the zip.
    """
    assignment = get(assignment_id)
    if not assignment.test_files():
        raise ExportError(f"{assignment_id} has no tests to grade with yet")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nngrade-gs-") as tmp:
        if wheel is None:
            wheel = build_wheel(Path(tmp))
        wheel = Path(wheel)
        config = {"assignment": assignment_id, "seed": int(seed), "nngrade_version": __version__,
                  "suite_version": assignment.suite_version()}
        with open_output(out, "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as zf:
            _add(zf, "setup.sh", SETUP_SH, executable=True)
            _add(zf, "run_autograder", RUN_AUTOGRADER, executable=True)
            _add(zf, CONFIG_NAME, json.dumps(config, indent=2) + "\n")
            zf.write(wheel, f"wheels/{wheel.name}")
            for path in (assignment.manifest_path, assignment.public_tests, assignment.scaffold,
                         assignment.readme, assignment.handout_dir / "hints.toml"):
                if path.exists():
                    zf.write(path, f"assignments/{assignment_id}/{path.name}")
    return out


def _add(zf: zipfile.ZipFile, name: str, text: str, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.external_attr = (0o100755 if executable else 0o100644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, text)
