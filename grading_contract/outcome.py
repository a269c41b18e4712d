"""One graded test's outcome: the same record for local checks and for grading."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TestOutcome:
    """A line of the rubric, graded (SPEC §4 `tests[]`)."""

    __test__ = False  # not a pytest class

    name: str
    function: str
    score: float
    max_score: float
    status: str                       # passed, failed, error, timeout
    visibility: str = "visible"
    output: str = ""                  # what the student reads
    images: list = field(default_factory=list)   # [{"title", "png_base64"}]
    nodeid: str = field(default="", repr=False, compare=False)
    property: str = ""                # what the test checks (student_lib.properties), optional
    symptom: str = ""                 # what the grader saw when it failed (student_lib.checks), optional

    def to_dict(self) -> dict:
        d = {"name": self.name, "function": self.function, "score": self.score,
             "max_score": self.max_score, "status": self.status,
             "visibility": self.visibility, "output": self.output}
        if self.images:
            d["images"] = self.images
        if self.property:
            d["property"] = self.property
        if self.symptom:
            d["symptom"] = self.symptom
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "TestOutcome":
        return cls(d["name"], d.get("function", ""), float(d["score"]), float(d["max_score"]),
                   d["status"], d.get("visibility", "visible"), d.get("output", ""),
                   list(d.get("images", [])), property=d.get("property", ""),
                   symptom=d.get("symptom", ""))
