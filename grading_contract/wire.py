"""Types that cross the sandbox's wire as a spec (a JSON description), rebuilt on the other side.

A hidden test may pass a student's function an object richer than plain data,
e.g. a target function of `relu_approx`. Such a type joins the wire through one
protocol, whatever module defines it:

1. its module calls `register(kind, cls, to_spec, from_spec)` when imported
   (`to_spec(obj)` gives plain JSON data, `from_spec(spec)` rebuilds the object);
2. the distribution names that module in its entry points, group
   `nngrade.wire_types` (pyproject.toml), so a worker imports it before its
   walls go up (`load_all`), without the sandbox naming any module.

On the wire an instance is {"w": kind, "spec": to_spec(obj)}; the worker
rebuilds it with `from_spec`, so no code and no pickle ever crosses.
"""
from __future__ import annotations

import importlib
from importlib.metadata import entry_points

GROUP = "nngrade.wire_types"
_TYPES: dict[str, tuple[type, object, object]] = {}


class UnknownWireType(ValueError):
    """A spec of a kind that no imported module registered."""


def register(kind: str, cls: type, to_spec, from_spec) -> None:
    """Let instances of `cls` cross the wire as {"w": kind, "spec": to_spec(obj)}."""
    _TYPES[kind] = (cls, to_spec, from_spec)


def to_wire(value) -> tuple[str, object] | None:
    """(kind, spec) for a registered type's instance, else None."""
    for kind, (cls, to_spec, _) in _TYPES.items():
        if isinstance(value, cls):
            return kind, to_spec(value)
    return None


def from_wire(kind: str, spec):
    """The object a spec of `kind` describes."""
    if kind not in _TYPES:
        raise UnknownWireType(f"the grader sent a value of unknown kind {kind!r}")
    return _TYPES[kind][2](spec)


def load_all() -> list[str]:
    """Import every module registered in the `nngrade.wire_types` entry points; their names."""
    names = sorted({ep.value.split(":")[0] for ep in entry_points(group=GROUP)})
    for name in names:
        importlib.import_module(name)
    return names


def kinds() -> list[str]:
    """The kinds registered so far."""
    return sorted(_TYPES)
