"""A test's fixtures without pytest's fixture machinery, where nothing else could differ.

pytest sets a test up by resolving every fixture it needs through a request
object per fixture, a cache check, finalizer bookkeeping and a hook call (~0.15
ms a test here: a quarter of the grading process's CPU for `activations`,
whose 214 tests each need `student`, `rng` or both). Almost every graded test
needs only the rubric plugin's own fixtures (grading_contract/rubric.py), which
have no teardown, plus the values of its `parametrize` arguments. For such a
test the grading session (session.py, `_run_lean`) builds those values here,
from the same functions the fixtures call:

    if can_fill(item):              # decided once per test, at collection
        fill(item)                  # item.funcargs: what pytest would have passed

Any other fixture anywhere in a test's closure (a suite's own, an autouse one,
an override of `rng`, `request` asked for by the test itself, tmp_path, ...)
leaves that test to pytest, as does a test in a class or a non-function item.
tests/test_grading_session.py proves the outcomes are pytest's, both ways.
"""
from __future__ import annotations

import pytest

from grading_contract import rubric
from grading_contract.rubric import BACKEND_KEY

OURS = ("student", "seed", "rng", "credit", "attach")   # the rubric plugin's fixtures
DIRECT_PARAM = "get_direct_param_fixture_func"          # pytest's stand-in for a parametrize argument


def _parametrized(item: pytest.Item) -> dict:
    """The test's `parametrize` arguments and their values ({} if it has none)."""
    return getattr(getattr(item, "callspec", None), "params", {})


def _defined_by(fixturedefs, module: str, name: str) -> bool:
    """Exactly one definition of the fixture (no override), the function `name` of `module`."""
    if not fixturedefs or len(fixturedefs) != 1:
        return False
    func = fixturedefs[0].func
    return getattr(func, "__module__", None) == module and getattr(func, "__name__", None) == name


def can_fill(item: pytest.Item) -> bool:
    """True if every fixture the test needs is one `fill` gives exactly as pytest would."""
    info = getattr(item, "_fixtureinfo", None)
    if type(item) is not pytest.Function or type(item.parent) is not pytest.Module or info is None:
        return False
    if "request" in info.argnames:       # the test itself uses pytest's request object
        return False
    params = _parametrized(item)
    for name in info.names_closure:
        defs = info.name2fixturedefs.get(name)
        if name == "request":            # asked for by our fixtures, which `fill` replaces
            continue
        if name in params:               # a parametrize argument, not an indirect fixture
            if not _defined_by(defs, "_pytest.python", DIRECT_PARAM):
                return False
        elif name == "pytestconfig":
            if not _defined_by(defs, "_pytest.fixtures", "pytestconfig"):
                return False
        elif name not in OURS or not _defined_by(defs, rubric.__name__, name):
            return False
    return True


def fill(item: pytest.Item) -> None:
    """Set `item.funcargs` as pytest's setup would for a test `can_fill` accepted.

    Raises what the fixture would raise (a used-up time budget: `StudentTimeout`).
    """
    config = item.config
    params = _parametrized(item)
    seed = rubric.run_seed(config)
    values: dict = {}
    for name in item._fixtureinfo.names_closure:
        if name == "request":
            continue
        if name in params:
            values[name] = params[name]
        elif name == "pytestconfig":
            values[name] = config
        elif name == "seed":
            values[name] = seed
        elif name == "student":
            values[name] = rubric.start_student(config.stash[BACKEND_KEY], item)
        elif name == "rng":
            values[name] = rubric.seeded_rng(seed, item.name)
        elif name == "credit":
            values[name] = rubric.credit_giver(item)
        elif name == "attach":
            values[name] = rubric.picture_attacher(item, config)
    item.funcargs = values
