"""Adding an assignment is adding files: no bundled assignment id in the kit's code.

Scanned: the code of `autograder/`, `student_lib/`, `grading_contract/` and `scripts/` (string literals
other than docstrings, and identifiers; comments and docstrings are documentation),
and the build and CI files. Not scanned: each assignment's own folders
(`assignments/<id>/`, `solutions/<id>/`, `autograder/suites/<id>/`,
`autograder/examples/<id>/`), the project's tests (they use the bundled assignments
as their data; the generic ones read the manifests), benchmarks (they measure one
bundled assignment against the peers by design), README and docs.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from autograder.assignments import ROOT, ids

CODE_DIRS = ["autograder", "student_lib", "grading_contract", "scripts"]
OTHER_FILES = ["pyproject.toml", ".ci/run", "autograder/suites/pytest.ini"]
OWN_FOLDERS = ["assignments/{id}", "solutions/{id}", "autograder/suites/{id}", "autograder/examples/{id}"]
# Reviewed exceptions, each with its reason. Remove an entry as soon as its file is clean.
ALLOWED: set[str] = set()   # files allowed to name an assignment (none: hints are in hints.toml)


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def words_in_code(source: str) -> list[tuple[int, str]]:
    """(line, text) of every non-docstring string literal and every identifier."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            out.append((node.lineno, node.value))
        elif isinstance(node, ast.Name):
            out.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute):
            out.append((node.lineno, node.attr))
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            out.append((node.lineno, node.name))
        elif isinstance(node, ast.arg):
            out.append((node.lineno, node.arg))
        elif isinstance(node, ast.alias):
            out.append((node.lineno, node.name))
    return out


def mentions(text: str, names: list[str]) -> list[str]:
    return [n for n in names if re.search(rf"(?<![A-Za-z0-9]){re.escape(n)}(?![A-Za-z0-9])", text)]


def scanned_files(root: Path, names: list[str]) -> list[Path]:
    own = [root / f.format(id=n) for n in names for f in OWN_FOLDERS]
    files = [p for d in CODE_DIRS if (root / d).is_dir() for p in sorted((root / d).rglob("*.py"))]
    files = [p for p in files if not any(o == p or o in p.parents for o in own)]
    return files + [root / f for f in OTHER_FILES if (root / f).is_file()]


def find_ids(root: Path, names: list[str]) -> list[str]:
    problems = []
    for path in scanned_files(root, names):
        rel = path.relative_to(root).as_posix()
        if rel in ALLOWED:
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            hits = [(line, n) for line, word in words_in_code(text) for n in mentions(word, names)]
        else:
            hits = [(i, n) for i, line in enumerate(text.splitlines(), 1)
                    if not line.lstrip().startswith("#") for n in mentions(line, names)]
        problems += [f"{rel}:{line}: {n}" for line, n in hits]
    return problems


def test_no_bundled_assignment_id_in_the_kits_code():
    names = ids()
    assert len(names) >= 3
    problems = find_ids(ROOT, names)
    assert not problems, ("assignment ids belong in their own folders and manifests:\n"
                          + "\n".join(problems))


def test_the_scan_finds_an_id_in_code_but_not_in_docs_or_own_folders(tmp_path):
    (tmp_path / "autograder" / "suites" / "demo_x").mkdir(parents=True)
    (tmp_path / "autograder" / "suites" / "demo_x" / "test_a.py").write_text('X = "demo_x"\n')
    (tmp_path / "autograder" / "cmd.py").write_text(
        '"""Grade demo_x (a docstring)."""\n# demo_x in a comment\nHELP = "demo_x, other"\n')
    (tmp_path / "student_lib").mkdir()
    (tmp_path / "student_lib" / "plot.py").write_text("def draw(demo_xfile):\n    return 'demo_xy'\n")
    assert find_ids(tmp_path, ["demo_x"]) == ["autograder/cmd.py:3: demo_x"]


def test_allowed_files_still_need_their_exception():
    """An allow-list entry whose file no longer names an assignment must go."""
    names = ids()
    for rel in ALLOWED:
        text = (ROOT / rel).read_text(encoding="utf-8")
        assert any(mentions(w, names) for _, w in words_in_code(text)), f"{rel} is clean: drop it"
