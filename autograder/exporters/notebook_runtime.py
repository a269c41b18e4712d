"""What the test cells of nbgrader and otter notebooks call.

The notebook's solution cell writes the student's code to `<id>.py`
(`%%writefile`). A test cell then asks for one function's verdict:

    from autograder.exporters.notebook_runtime import check_function
    check_function("backprop", "linear_forward")

The first call grades the file with `nngrade grade` in a fresh process (the
student's code runs in nngrade's sandbox, never in the notebook's kernel);
later calls reuse that result while the file is unchanged. A check passes
(returns quietly) when the function got full marks, and otherwise raises
AssertionError naming the failed tests — so the grading tool's own points
(all or nothing per cell) follow nngrade's rubric.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

_CACHE: dict[tuple[str, str, int], dict] = {}
TIMEOUT = 600


def grade_file(assignment_id: str, path: str | Path | None = None, seed: int | None = None) -> dict:
    """The nngrade result (a dict, SPEC §4) of the file, graded once per content and seed."""
    path = Path(path or f"{assignment_id}.py")
    seed = int(os.environ.get("NNGRADE_SEED", 0)) if seed is None else seed
    if not path.exists():
        raise AssertionError(f"{path} does not exist: run the cell with your code "
                             f"(it starts with %%writefile {path.name}) first")
    key = (assignment_id, hashlib.sha256(path.read_bytes()).hexdigest(), seed)
    if key not in _CACHE:
        proc = subprocess.run([sys.executable, "-m", "autograder", "grade", assignment_id, str(path),
                               "--json", "-", "--seed", str(seed)],
                              capture_output=True, text=True, timeout=TIMEOUT)
        if proc.returncode != 0:
            raise RuntimeError(f"nngrade grade failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
        _CACHE[key] = json.loads(proc.stdout)
    return _CACHE[key]


def _verdict(result: dict, tests: list[dict], what: str) -> None:
    __tracebackhide__ = True
    if result["status"] != "graded":
        raise AssertionError(f"your code could not be graded: {result.get('message', '')}")
    if not tests:
        raise RuntimeError(f"nngrade has no test for {what}")
    failed = [t for t in tests if t["score"] < t["max_score"]]
    if failed:
        lines = [f"{what}: {_pts(sum(t['score'] for t in tests))} of "
                 f"{_pts(sum(t['max_score'] for t in tests))} points"]
        for t in failed:
            detail = t["output"] if t.get("visibility", "visible") == "visible" else "(hidden test)"
            lines.append(f"- {t['name']} ({t['status']}): {detail}".rstrip())
        raise AssertionError("\n".join(lines))
    print(f"{what}: all {_pts(sum(t['max_score'] for t in tests))} points")


def check_function(assignment_id: str, function: str, path: str | Path | None = None,
                   seed: int | None = None) -> None:
    """Pass iff every nngrade test of `function` got full marks."""
    __tracebackhide__ = True
    result = grade_file(assignment_id, path, seed)
    _verdict(result, [t for t in result["tests"] if t["function"] == function], function)


def check_test(assignment_id: str, name: str, path: str | Path | None = None,
               seed: int | None = None) -> None:
    """Pass iff the nngrade test called `name` got full marks."""
    __tracebackhide__ = True
    result = grade_file(assignment_id, path, seed)
    _verdict(result, [t for t in result["tests"] if t["name"] == name], name)


def _pts(x: float) -> str:
    return f"{x:g}"
