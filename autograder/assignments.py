"""The assignments nngrade knows, and where each one's files live.

    assignments/<id>/<id>.py          the student scaffold (generated from solutions/)
    assignments/<id>/test_<id>.py     public tests (students run them; they count too)
    assignments/<id>/README.md        the exercise text
    autograder/suites/<id>/test_*.py  the hidden suite
    solutions/<id>/<id>.py            the reference solution (repository checkout only)
"""
from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent            # the repository, or site-packages when installed
SUITES_DIR = PACKAGE_DIR / "suites"
ASSIGNMENTS_DIR = ROOT / "assignments"
SOLUTIONS_DIR = ROOT / "solutions"

TITLES = {
    "activations": "Activation functions and their gradients",
    "backprop": "Backpropagation: layers, losses and a whole MLP",
    "relu_approx": "Why ReLU works: approximation by construction",
}


class UnknownAssignment(KeyError):
    def __str__(self) -> str:
        return (f"unknown assignment {self.args[0]!r}; "
                f"choose one of: {', '.join(TITLES)} (see `nngrade list`)")


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str

    @property
    def student_file(self) -> str:
        return f"{self.id}.py"

    @property
    def handout_dir(self) -> Path:
        return ASSIGNMENTS_DIR / self.id

    @property
    def scaffold(self) -> Path:
        return self.handout_dir / self.student_file

    @property
    def public_tests(self) -> Path:
        return self.handout_dir / f"test_{self.id}.py"

    @property
    def readme(self) -> Path:
        return self.handout_dir / "README.md"

    @property
    def suite_dir(self) -> Path:
        return SUITES_DIR / self.id

    @property
    def solution(self) -> Path | None:
        path = SOLUTIONS_DIR / self.id / self.student_file
        return path if path.exists() else None

    @property
    def functions(self) -> list[str]:
        """The public top-level functions the student must write, in file order."""
        return _functions(self.scaffold if self.scaffold.exists() else self.solution)

    def test_files(self) -> list[Path]:
        """What grading runs: the public tests, then the hidden suite."""
        hidden = sorted(self.suite_dir.glob("test_*.py"))
        return ([self.public_tests] if self.public_tests.exists() else []) + hidden

    def suite_version(self) -> str:
        """A short hash of everything that decides a grade for this assignment."""
        digest = hashlib.sha256()
        helpers = sorted(p for p in self.suite_dir.glob("*.py") if not p.name.startswith("test_"))
        for path in self.test_files() + helpers:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()[:16]


@cache
def _functions(path: Path | None) -> list[str]:
    if path is None or not path.exists():
        return []
    tree = ast.parse(path.read_text())
    return [node.name for node in tree.body
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")]


def all_assignments() -> list[Assignment]:
    return [Assignment(id, title) for id, title in TITLES.items()]


def get(assignment_id: str) -> Assignment:
    if assignment_id not in TITLES:
        raise UnknownAssignment(assignment_id)
    return Assignment(assignment_id, TITLES[assignment_id])
