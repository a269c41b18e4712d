"""Example submissions for the demo and the tests: correct, buggy, hostile.

    correct.py          the reference solution
    buggy_<name>.py     the solution with one realistic bug (<id>/bugs.toml)
    hostile_<name>.py   an attack on the grader (hostile/<name>.py), for any assignment

A bug is an edit of the solution (`old` → `new`, `old` occurring exactly
once), so the examples never drift from the reference. A hostile template
defines every required function through `__FUNCTIONS__`, which is replaced by
the assignment's function names. Each hostile template's docstring says what
it tries; none of them may earn a single point.

    python -m autograder.examples activations OUTDIR
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from autograder.assignments import get

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Bug:
    name: str
    functions: tuple[str, ...]
    description: str
    old: str
    new: str


def bugs(assignment_id: str) -> list[Bug]:
    path = HERE / assignment_id / "bugs.toml"
    if not path.exists():
        return []
    entries = tomllib.loads(path.read_text()).get("bug", [])
    return [Bug(e["name"], tuple(e["functions"]) if "functions" in e else (e["function"],),
                e.get("description", ""), e["old"], e["new"]) for e in entries]


def hostile_templates() -> dict[str, Path]:
    return {p.stem: p for p in sorted((HERE / "hostile").glob("*.py"))}


def apply_bug(solution: str, bug: Bug) -> str:
    count = solution.count(bug.old)
    if count != 1:
        raise ValueError(f"bug {bug.name}: its `old` text occurs {count} times in the solution, not once")
    return solution.replace(bug.old, bug.new)


def materialize(assignment_id: str, out_dir: str | Path) -> dict[str, Path]:
    """Write every example submission of the assignment into `out_dir`; {name: path}."""
    assignment = get(assignment_id)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}
    if assignment.solution is not None:
        solution = assignment.solution.read_text()
        files["correct"] = solution
        for bug in bugs(assignment_id):
            files[f"buggy_{bug.name}"] = apply_bug(solution, bug)
    names = repr(list(assignment.functions))
    for name, template in hostile_templates().items():
        files[f"hostile_{name}"] = template.read_text().replace("__FUNCTIONS__", names)
    paths = {}
    for name, text in files.items():
        paths[name] = out / f"{name}.py"
        paths[name].write_text(text)
    return paths


def main(argv: list[str] | None = None) -> int:
    import argparse
    parser = argparse.ArgumentParser(prog="python -m autograder.examples")
    parser.add_argument("assignment")
    parser.add_argument("out_dir")
    args = parser.parse_args(argv)
    for name, path in materialize(args.assignment, args.out_dir).items():
        print(f"{name:40s} {path}")
    return 0
