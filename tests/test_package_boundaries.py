"""Who may import whom: the grader's trust code is not the students' toolkit.

    grading_contract   the call semantics, the wire types, the rubric plugin, the version:
                       imports neither `student_lib` nor `autograder`
    autograder/sandbox imports nothing from `student_lib` (a wire type's module reaches
                       the worker through the `nngrade.wire_types` entry points, not by name)
    student_lib        what students use: imports nothing from `autograder`
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    """Every module an `import` or `from ... import` in `path` names (absolute imports)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def offenders(folder: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        bad = sorted(m for m in imported_modules(path) if m.split(".")[0] in forbidden)
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    return found


@pytest.mark.parametrize("folder, forbidden", [
    ("autograder/sandbox", ("student_lib",)),
    ("grading_contract", ("student_lib", "autograder")),
    ("student_lib", ("autograder",)),
])
def test_a_package_imports_only_what_its_layer_allows(folder, forbidden):
    assert offenders(folder, forbidden) == {}


def test_the_scan_sees_an_import_it_must_refuse(tmp_path):
    # the checker itself can fail: a file importing the toolkit is named
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "bad.py").write_text("import numpy\nfrom student_lib.checks import fail\n")
    assert imported_modules(tmp_path / "pkg" / "bad.py") == {"numpy", "student_lib.checks"}


def test_the_sandbox_loads_no_toolkit_module_and_learns_wire_types_from_entry_points():
    code = ("import sys; import autograder.sandbox, autograder.sandbox.worker, autograder.sandbox.zygote; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'student_lib')); "
            "from grading_contract import wire; print(wire.load_all(), wire.kinds())")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    toolkit, registered = out.stdout.splitlines()
    assert toolkit == "[]"
    assert registered == "['student_lib.targets'] ['target']"
