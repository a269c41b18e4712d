"""Which property of a function a graded test checks, and what the grader saw when it failed.

Each test checks one *property* of one function. The properties, in the order
a student should fix them (a later one usually fails *because* an earlier one
does: a function with wrong values also fails its float32, unchanged-inputs
and vectorised tests, since those check the values too):

    values      the right numbers (examples, random inputs, gradients, kinks, alpha, training)
    axis        the `axis` argument is honoured
    stable      no overflow, NaN or warning for large inputs
    shape       the input's shape and dtype kept (float32, 0-d, empty, n-d)
    size        a net small enough (units linear in m)
    inputs      the caller's arrays left unchanged
    vectorised  whole-array numpy, no Python loop over elements

A test names its property with the `grade` marker's `property=` argument, or
the property is read from the test's shown name (`PROPERTY_WORDS`: the first
row with a word in the part after "function: " wins; else `values`).

`student_lib.diagnosis.RecordDiagnosis` writes each outcome's property, and
the symptom its check observed, into the result.
"""
from __future__ import annotations

import re

PROPERTIES = ("values", "axis", "stable", "shape", "size", "inputs", "vectorised")
LABELS = {"values": "values", "axis": "the axis argument", "stable": "large inputs",
          "shape": "shape and dtype", "size": "size", "inputs": "unchanged inputs",
          "vectorised": "vectorised"}

# (property, words in the test's name): the first row with a matching word wins.
PROPERTY_WORDS = (
    ("vectorised", ("vectorised", "vectorized")),
    ("inputs", ("inputs unchanged", "leaves its inputs", "leaves inputs", "in place")),
    ("axis", ("axis",)),
    ("stable", ("stable", "large inputs", "large scores", "overflow")),
    ("shape", ("shape and dtype", "float32", "dtype", "0-d", "empty", "any shape")),
    ("size", ("size",)),
)


def property_of(name: str, explicit: str | None = None) -> str:
    """The property a test checks, from its marker's `property=` or its shown name."""
    if explicit:
        if explicit not in PROPERTIES:
            raise ValueError(f"unknown property {explicit!r}; choose one of {', '.join(PROPERTIES)}")
        return explicit
    rest = name.split(": ", 1)[1] if ": " in name else name
    rest = re.sub(r"\[[^\]]*\]$", "", rest).lower()
    return next((prop for prop, words in PROPERTY_WORDS if any(w in rest for w in words)), "values")


def rank(prop: str) -> int:
    return PROPERTIES.index(prop) if prop in PROPERTIES else 0
