"""One mistake, one message: a function's failing tests as one headline and its consequences.

Shared by `python -m student_lib check`, the terminal table, the HTML page and
the Gradescope markdown, so they all say the same thing:

    by_function(tests, hints) -> [FunctionFeedback]

For each function, the failing tests are ordered by property (values, axis,
stable, shape, size, inputs, vectorised; `student_lib.properties`), then in
rubric order. The first is the *headline*: the one real mistake. The others
are folded under it ("also fails: shape and dtype, unchanged inputs,
vectorised — because the values are wrong; fix the values first"). The hint
is chosen from the headline's property and symptom (`student_lib.hints`).
When a function the failing one may call (`[calls]` in hints.toml) also
fails the headline's property, the failure is put down to it
("probably because `sigmoid` is wrong: fix it first"), unless its symptom is
the function's own doing (a list returned, a wrong dtype or shape, an input
changed: `OWN_SYMPTOMS`).

Tests are result dicts (SPEC §4 `tests[]`, with the optional `property` and
`symptom`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from student_lib.hints import Hints, already_said
from student_lib.properties import LABELS, property_of, rank


# Symptoms that are the function's own doing whatever its callees return: never blamed on a callee.
OWN_SYMPTOMS = ("not_array", "dtype_bool", "dtype_int", "dtype_upcast", "dtype_other", "wrong_shape",
                "transposed", "mutated")


def is_not_started(test: dict) -> bool:
    first = (test.get("output") or "").split("\n")[0]
    return test["status"] == "error" and " is not implemented yet" in first


def lost(test: dict) -> bool:
    return test["status"] != "passed" or test["score"] < test["max_score"]


def prop(test: dict) -> str:
    return test.get("property") or property_of(test["name"])


def short_name(test: dict) -> str:
    """'relu: values on random inputs' -> 'values on random inputs'."""
    name = test["name"]
    return name.split(": ", 1)[1] if ": " in name else name


@dataclass
class FunctionFeedback:
    """What the tests say about one function, with its one headline failure."""

    function: str
    tests: list[dict] = field(default_factory=list)
    headline: dict | None = None          # the first failing test, by property then rubric order
    others: list[dict] = field(default_factory=list)   # the other failing tests, same order
    hint: str = ""
    cause: str = ""                       # a function it calls that is wrong first
    root: str = ""                        # where a chain of wrong callees ends (the cause's cause ...)

    @property
    def score(self) -> float:
        return round(sum(t["score"] for t in self.tests), 6)

    @property
    def max_score(self) -> float:
        return round(sum(t["max_score"] for t in self.tests), 6)

    @property
    def passed(self) -> int:
        return sum(not lost(t) for t in self.tests)

    @property
    def state(self) -> str:
        """"passed", "not started" or "lost points"."""
        failing = [t for t in self.tests if lost(t)]
        if not failing:
            return "passed"
        if all(is_not_started(t) for t in failing):
            return "not started"
        return "lost points"

    def problems(self) -> list[dict]:
        """The failing tests, headline first."""
        return ([self.headline] if self.headline else []) + self.others

    @property
    def failing_property(self) -> str:
        """The headline's property: what to fix first."""
        return prop(self.headline) if self.headline else ""

    @property
    def shown_hint(self) -> str:
        """The hint, unless the headline's message already says it (or a callee is to blame)."""
        if self.cause or not self.hint or already_said(self.hint, (self.headline or {}).get("output", "")):
            return ""
        return self.hint

    @property
    def cause_line(self) -> str:
        if not self.cause:
            return ""
        if self.root and self.root != self.cause:
            return (f"Probably because `{self.root}` is wrong (through `{self.cause}`): fix it first, "
                    f"then check `{self.function}` again.")
        return f"Probably because `{self.cause}` is wrong: fix it first, then check `{self.function}` again."

    @property
    def also_fails(self) -> str:
        """'also fails: shape and dtype, vectorised — probably because the values are wrong; fix the values first'."""
        if not self.others:
            return ""
        first = self.failing_property
        labels: list[str] = []
        for t in self.others:
            label = short_name(t) if prop(t) == first else LABELS.get(prop(t), prop(t))
            if label not in labels:
                labels.append(label)
        reason = self.reason
        return "also fails: " + ", ".join(labels) + (f" — {reason}" if reason else "")

    @property
    def reason(self) -> str:
        """Why the other failures follow from the headline, when they check other properties."""
        first = self.failing_property
        if not any(prop(t) != first for t in self.others):
            return ""
        if first == "values":
            return "probably because the values are wrong; fix the values first"
        return f"probably because of {LABELS.get(first, first)}; fix that first"


def by_function(tests: list[dict], hints: Hints | None = None, order: list[str] = ()) -> list[FunctionFeedback]:
    """One FunctionFeedback per function: `order` first, then in order of first appearance."""
    hints = hints or Hints()
    groups: dict[str, FunctionFeedback] = {f: FunctionFeedback(f) for f in order}
    for t in tests:
        groups.setdefault(t["function"], FunctionFeedback(t["function"])).tests.append(t)
    groups = {f: g for f, g in groups.items() if g.tests}
    for g in groups.values():
        failing = [t for t in g.tests if lost(t) and not is_not_started(t)]
        failing.sort(key=lambda t: rank(prop(t)))            # stable: rubric order within a property
        if failing:
            g.headline, g.others = failing[0], failing[1:]
            g.hint = hints.choose(g.function, prop(g.headline), g.headline.get("symptom", ""))
    for g in groups.values():
        if g.headline is None or g.headline.get("symptom") in OWN_SYMPTOMS:
            continue
        for callee in hints.calls.get(g.function, []):
            other = groups.get(callee)
            if other is not None and g.failing_property in {prop(t) for t in other.problems()}:
                g.cause = callee
                break
    for g in groups.values():
        seen, root = {g.function}, g.cause
        while root and groups[root].cause and groups[root].cause not in seen:
            seen.add(root)
            root = groups[root].cause
        g.root = root
    return list(groups.values())
