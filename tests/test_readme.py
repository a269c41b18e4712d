"""The README's first lines are the two set-up commands, and CI runs exactly the test one."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def first_commands() -> list[str]:
    block = re.search(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.S).group(1)
    return [line.split("  #")[0].strip() for line in block.strip().splitlines()]


def test_readme_starts_with_the_demo_and_the_test_command():
    demo, tests = first_commands()
    assert demo.startswith("pip install") and demo.endswith("nngrade demo")
    assert tests.startswith("pip install") and tests.endswith("python -m pytest")


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert first_commands()[1] in [line.strip() for line in ci]


def test_paths_named_in_the_readme_exist():
    text = (ROOT / "README.md").read_text()
    named = set(re.findall(r"`((?:autograder|student_lib|assignments|solutions|benchmarks|tests|scripts)/[\w./-]+)`", text))
    missing = [p for p in named if "<" not in p and not (ROOT / p).exists()]
    assert not missing, missing
