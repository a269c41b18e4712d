"""Virtual environments for tests that install into one without the network.

`python -m venv --system-site-packages` links a new venv to the *base*
interpreter: run from inside a virtualenv (as most people follow a README),
the new venv would not see the packages of the environment running the
tests, and an offline `pip install` of numpy or matplotlib would fail. So the
new venv also gets a `.pth` file that adds this interpreter's site folders
(processed as site folders, so their own `.pth` files work too). From the
system interpreter that adds nothing new.
"""
from __future__ import annotations

import site
import subprocess
import sys
from pathlib import Path


def running_site_folders() -> list[str]:
    """The site-packages folders of the interpreter running the tests, in sys.path order."""
    folders = list(site.getsitepackages())
    if site.ENABLE_USER_SITE:
        folders.append(site.getusersitepackages())
    return [f for f in dict.fromkeys(folders) if Path(f).is_dir()]


def make_venv(env_dir: Path, *, with_pip: bool = True) -> Path:
    """A venv at `env_dir` that sees the running interpreter's packages; its python."""
    args = [sys.executable, "-m", "venv", "--system-site-packages", str(env_dir)]
    if not with_pip:
        args.insert(4, "--without-pip")
    subprocess.run(args, check=True, timeout=300, capture_output=True)
    python = env_dir / "bin" / "python"
    own = subprocess.run([str(python), "-c", "import site; print(site.getsitepackages()[0])"],
                         check=True, capture_output=True, text=True, timeout=60).stdout.strip()
    lines = [f"import site; site.addsitedir({folder!r})" for folder in running_site_folders()]
    (Path(own) / "zz_tested_environment.pth").write_text("\n".join(lines) + "\n")
    return python
