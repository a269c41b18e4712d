"""The assignments nngrade knows, and where each one's files live.

Every assignment describes itself in one manifest, `assignments/<id>/assignment.toml`;
adding an assignment is adding files (`nngrade new ID` writes a skeleton):

    assignments/<id>/assignment.toml  the manifest (title, student file, points, seeds, budgets, ...)
    assignments/<id>/<id>.py          the student scaffold (generated from solutions/)
    assignments/<id>/test_<id>.py     public tests (students run them; they count too)
    assignments/<id>/README.md        the exercise text
    autograder/suites/<id>/test_*.py  the hidden suite
    solutions/<id>/<student file>     the reference solution (repository checkout only)

The manifest's keys (all but `title` optional):

    title = "Activation functions and their gradients"
    student_file = "activations.py"     # default "<id>.py"
    points = 100                        # the rubric's total; `nngrade check-suite` checks it
    test_seeds = [0, 1, 2]              # seeds the project's own tests grade the reference on
    worker_packages = []                # third-party packages (besides numpy) student code may import
    plots = ["student_lib.plot:gallery"]   # `python -m student_lib plot ID` entry points
    [budgets]
    submission_seconds = 120            # default wall budget for all of one submission's tests
    audit_seconds = 300                 # what `nngrade audit` should take on 2 cores (not enforced)
"""
from __future__ import annotations

import ast
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent            # the repository, or site-packages when installed
SUITES_DIR = PACKAGE_DIR / "suites"
ASSIGNMENTS_DIR = ROOT / "assignments"   # read at call time: the Gradescope runtime points it elsewhere
SOLUTIONS_DIR = ROOT / "solutions"
EXAMPLES_DIR = PACKAGE_DIR / "examples"
MANIFEST = "assignment.toml"
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")   # a Python module name: the student file's stem
DEFAULT_SUBMISSION_SECONDS = 120.0


class UnknownAssignment(KeyError):
    def __str__(self) -> str:
        return (f"unknown assignment {self.args[0]!r}; "
                f"choose one of: {', '.join(ids()) or '(none)'} (see `nngrade list`)")


class ManifestError(ValueError):
    """An `assignment.toml` that cannot be read or has a wrong key: names the file and the key."""


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    student_file: str = ""
    points: float | None = None
    test_seeds: tuple[int, ...] = (0,)
    submission_seconds: float = DEFAULT_SUBMISSION_SECONDS
    audit_seconds: float = 300.0
    worker_packages: tuple[str, ...] = ()
    plots: tuple[str, ...] = ()
    manifest: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        if not self.student_file:
            object.__setattr__(self, "student_file", f"{self.id}.py")

    @property
    def handout_dir(self) -> Path:
        return ASSIGNMENTS_DIR / self.id

    @property
    def manifest_path(self) -> Path:
        return self.handout_dir / MANIFEST

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
    def examples_dir(self) -> Path:
        return EXAMPLES_DIR / self.id

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


def _typed(path: Path, data: dict, key: str, kind, default):
    value = data.get(key, default)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ManifestError(f"{path}: `{key}` must be {getattr(kind, '__name__', kind)}, got {value!r}")
    return value


def load_manifest(path: Path) -> Assignment:
    """The `Assignment` an `assignment.toml` describes (its folder name is the id)."""
    assignment_id = path.parent.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ManifestError(f"{path}: {exc}") from None
    if not ID_PATTERN.match(assignment_id):
        raise ManifestError(f"{path}: the folder name {assignment_id!r} is not a valid id "
                            "(lowercase letters, digits, _; a Python module name)")
    budgets = _typed(path, data, "budgets", dict, {})
    points = data.get("points")
    if points is not None and (isinstance(points, bool) or not isinstance(points, (int, float))):
        raise ManifestError(f"{path}: `points` must be a number, got {points!r}")
    seeds = _typed(path, data, "test_seeds", list, [0])
    if not seeds or not all(isinstance(s, int) and not isinstance(s, bool) for s in seeds):
        raise ManifestError(f"{path}: `test_seeds` must be a non-empty list of integers")
    return Assignment(
        id=assignment_id,
        title=_typed(path, data, "title", str, None),
        student_file=_typed(path, data, "student_file", str, f"{assignment_id}.py"),
        points=None if points is None else float(points),
        test_seeds=tuple(seeds),
        submission_seconds=float(_typed(path, budgets, "submission_seconds", (int, float),
                                        DEFAULT_SUBMISSION_SECONDS)),
        audit_seconds=float(_typed(path, budgets, "audit_seconds", (int, float), 300.0)),
        worker_packages=tuple(_typed(path, data, "worker_packages", list, [])),
        plots=tuple(_typed(path, data, "plots", list, [])),
        manifest=data,
    )


def all_assignments() -> list[Assignment]:
    """Every assignment with a manifest under `assignments/`, sorted by id."""
    if not ASSIGNMENTS_DIR.is_dir():
        return []
    return [load_manifest(p) for p in sorted(ASSIGNMENTS_DIR.glob(f"*/{MANIFEST}"))]


def ids() -> list[str]:
    return [a.id for a in all_assignments()]


def get(assignment_id: str) -> Assignment:
    path = ASSIGNMENTS_DIR / str(assignment_id) / MANIFEST
    if not ID_PATTERN.match(str(assignment_id)) or not path.is_file():
        raise UnknownAssignment(assignment_id)
    return load_manifest(path)


def id_help() -> str:
    """For help strings: the ids there are now."""
    return "the assignment: " + (", ".join(ids()) or "none yet (`nngrade new ID`)")


def __getattr__(name: str):
    if name == "TITLES":     # {id: title}, kept for callers written before the manifests
        return {a.id: a.title for a in all_assignments()}
    raise AttributeError(name)
