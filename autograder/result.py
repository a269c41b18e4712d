"""The result model (SPEC §4): plain dataclasses, JSON in and out.

Scores are computed, never stored twice: `GradeResult.score` is the sum of
its tests' scores. Everything else reads this model (reports, exporters,
batch); nothing re-runs grading to learn a score.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from grading_contract.outcome import TestOutcome as TestResult
from student_lib.output import write_output

SCHEMA = "nngrade.result/1"
RESULT_STATUSES = ("graded", "ungradable")
TEST_STATUSES = ("passed", "failed", "error", "timeout")
__all__ = ["GradeResult", "TestResult", "write_atomic"]


@dataclass
class GradeResult:
    """The grade of one submission to one assignment."""

    assignment: str
    student: str
    status: str
    seed: int
    execution_time: float
    tests: list[TestResult]
    max_score: float
    output: str = ""          # the student's own stdout/stderr, truncated
    message: str = ""         # why the submission is ungradable, for the student
    isolation: dict = field(default_factory=dict)
    submission_sha256: str = ""
    suite_version: str = ""
    nngrade_version: str = ""

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.tests), 6)

    def by_function(self) -> dict[str, tuple[float, float]]:
        """{function: (score, max_score)} in rubric order."""
        totals: dict[str, list[float]] = {}
        for t in self.tests:
            s = totals.setdefault(t.function, [0.0, 0.0])
            s[0] += t.score
            s[1] += t.max_score
        return {f: (round(a, 6), round(b, 6)) for f, (a, b) in totals.items()}

    def to_dict(self) -> dict:
        return {
            "schema": SCHEMA, "assignment": self.assignment, "student": self.student,
            "status": self.status, "score": self.score, "max_score": self.max_score,
            "seed": self.seed, "execution_time": round(self.execution_time, 3),
            "tests": [t.to_dict() for t in self.tests],
            "output": self.output, "message": self.message, "isolation": self.isolation,
            "submission_sha256": self.submission_sha256, "suite_version": self.suite_version,
            "nngrade_version": self.nngrade_version,
        }

    @classmethod
    def from_dict(cls, d: dict) -> "GradeResult":
        if d.get("schema") != SCHEMA:
            raise ValueError(f"not an nngrade result (schema {d.get('schema')!r}, expected {SCHEMA!r})")
        return cls(d["assignment"], d.get("student", ""), d["status"], int(d["seed"]),
                   float(d.get("execution_time", 0.0)),
                   [TestResult.from_dict(t) for t in d["tests"]], float(d["max_score"]),
                   d.get("output", ""), d.get("message", ""), dict(d.get("isolation", {})),
                   d.get("submission_sha256", ""), d.get("suite_version", ""),
                   d.get("nngrade_version", ""))

    @classmethod
    def load(cls, path: str | Path) -> "GradeResult":
        return cls.from_dict(json.loads(Path(path).read_text()))

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def write_json_atomic(self, path: str | Path) -> None:
        write_atomic(Path(path), self.to_json())


def write_atomic(path: str | Path, text: str) -> None:
    """Write `text` to `path`: atomically for a regular file, in place for a device, FIFO or link.

    See `student_lib.output`, the one place where outputs are written.
    """
    write_output(path, text)
