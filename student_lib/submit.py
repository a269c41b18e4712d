"""`python -m student_lib submit [FILE]`: check your file can be graded, pack submission.zip.

It checks, in this order, and says what to fix:
1. the file parses and imports (in a separate process, with a time limit);
2. every required function exists with the signature of the handout;
3. (warnings) no print() calls, no imports of your other files (only this
   file is graded), what else in the folder will not be graded;
then writes `submission.zip` with your file and a `manifest.json` (sha256 of
each file, nngrade version). Nothing is uploaded: hand the zip in yourself.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from student_lib import __version__
from student_lib.output import open_output

IMPORT_TIMEOUT = 20.0
HANDOUT_MANIFEST = "handout.json"
HANDOUT_FILES = {"README.md", "HOW_TO_WORK.md", "conftest.py", "pyproject.toml", "requirements.txt",
                 HANDOUT_MANIFEST, "submission.zip", "submission.previous.zip", ".gitignore", "hints.toml"}

# Runs in a child process: import the file, describe the required functions as JSON.
_PROBE = r"""
import importlib.util, inspect, json, sys
from grading_contract.calls import import_error
path, names, out = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
sys.path.insert(0, str(__import__("pathlib").Path(path).parent))
report = {"error": None, "functions": {}}
try:
    spec = importlib.util.spec_from_file_location("submission_probe", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
except BaseException as exc:
    report["error"] = str(import_error(exc, path))
else:
    for name in names:
        fn = getattr(module, name, None)
        if not callable(fn):
            report["functions"][name] = None
            continue
        try:
            params = [[p.name, p.kind.name, None if p.default is p.empty else repr(p.default)]
                      for p in inspect.signature(fn).parameters.values()]
        except (TypeError, ValueError):
            params = []
        report["functions"][name] = params
    cells = getattr(module, "_nngrade_cell_errors", None)   # a converted notebook's failed cells
    try:
        report["cells"] = json.loads(json.dumps(cells())) if callable(cells) else []
    except Exception:
        report["cells"] = []
with open(out, "w") as f:
    json.dump(report, f)
"""


@dataclass
class Findings:
    errors: list[str] = field(default_factory=list)     # grading would fail: do not pack
    warnings: list[str] = field(default_factory=list)   # graded, but worth fixing
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------ what is expected
def signature_from_ast(node: ast.FunctionDef) -> list[list]:
    """[[name, kind, repr(default) or None], ...] as inspect would report it."""
    a = node.args
    positional = a.posonlyargs + a.args
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    params = [[p.arg, "POSITIONAL_ONLY" if i < len(a.posonlyargs) else "POSITIONAL_OR_KEYWORD",
               _default_repr(d)] for i, (p, d) in enumerate(zip(positional, defaults))]
    if a.vararg:
        params.append([a.vararg.arg, "VAR_POSITIONAL", None])
    params += [[p.arg, "KEYWORD_ONLY", _default_repr(d)] for p, d in zip(a.kwonlyargs, a.kw_defaults)]
    if a.kwarg:
        params.append([a.kwarg.arg, "VAR_KEYWORD", None])
    return params


def _default_repr(node: ast.expr | None) -> str | None:
    if node is None:
        return None
    try:
        return repr(ast.literal_eval(node))
    except ValueError:
        return ast.unparse(node)


def expected_signatures(source: str) -> dict[str, list[list]]:
    """{function: signature} of the public top-level functions of a scaffold."""
    tree = ast.parse(source)
    return {n.name: signature_from_ast(n) for n in tree.body
            if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")}


def load_expected(folder: Path, assignment: str) -> dict[str, list[list]] | None:
    """The handout's function list: handout.json, else a repository's scaffold above `folder`."""
    manifest = folder / HANDOUT_MANIFEST
    if manifest.is_file():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("assignment") == assignment:
            return data["functions"]
    for parent in [folder, *folder.parents]:
        scaffold = parent / "assignments" / assignment / f"{assignment}.py"
        if scaffold.is_file():
            return expected_signatures(scaffold.read_text(encoding="utf-8"))
    return None


def render_signature(name: str, params: list[list]) -> str:
    parts, star_done = [], False
    for pname, kind, default in params:
        if kind == "KEYWORD_ONLY" and not star_done:
            parts.append("*")
            star_done = True
        prefix = {"VAR_POSITIONAL": "*", "VAR_KEYWORD": "**"}.get(kind, "")
        star_done = star_done or kind == "VAR_POSITIONAL"
        parts.append(prefix + pname + (f"={default}" if default is not None else ""))
    return f"{name}({', '.join(parts)})"


# ------------------------------------------------------------ the checks
def probe_import(path: Path, names: list[str], timeout: float | None = None) -> dict:
    """Import the file in a child process; {"error": message | None, "functions": {...}}."""
    timeout = IMPORT_TIMEOUT if timeout is None else timeout
    with tempfile.TemporaryDirectory(prefix="nngrade-submit-") as tmp:
        out = Path(tmp) / "probe.json"
        import student_lib
        env_path = str(Path(student_lib.__file__).resolve().parent.parent)
        try:
            proc = subprocess.run([sys.executable, "-c", _PROBE, str(path.resolve()), json.dumps(names), str(out)],
                                  cwd=tmp, capture_output=True, text=True, timeout=timeout,
                                  env={**_clean_env(), "PYTHONPATH": env_path})
        except subprocess.TimeoutExpired:
            return {"error": f"importing {path.name} took more than {timeout:g} s; code at the top level "
                             f"of the file runs on import (training, plots, input()): move it into a "
                             f"function or under `if __name__ == \"__main__\":`", "functions": {}}
        if not out.is_file():
            tail = (proc.stderr or "").strip().splitlines()[-1:] or ["no output"]
            return {"error": f"importing {path.name} stopped the Python process ({tail[0][:200]})",
                    "functions": {}}
        return json.loads(out.read_text())


def _clean_env() -> dict:
    import os
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}


def check_signatures(expected: dict, found: dict, findings: Findings, file_name: str) -> None:
    for name, params in expected.items():
        got = found.get(name)
        want = render_signature(name, params)
        if got is None:
            findings.errors.append(f"{file_name} has no function {name}: define `def {want}:` "
                                   f"(exactly this name; its tests score 0 without it)")
        elif [p[:2] for p in got] != [p[:2] for p in params] or [p[2] for p in got] != [p[2] for p in params]:
            findings.errors.append(f"{name} has the signature {render_signature(name, got)}; the grader "
                                   f"calls {want} (keep the handout's parameter names and defaults)")


def check_source(tree: ast.Module, folder: Path, findings: Findings, where: str = "line ",
                 skipped: int = 0) -> None:
    """print() calls and imports of the student's other files (`where`: "line " or "cell 3, line ")."""
    prints = sorted({n.lineno + skipped for n in ast.walk(tree) if isinstance(n, ast.Call)
                     and isinstance(n.func, ast.Name) and n.func.id == "print"})
    if prints:
        lines = ", ".join(map(str, prints[:8])) + (" …" if len(prints) > 8 else "")
        label = where.strip() + ("s" if len(prints) > 1 and where == "line " else "")
        findings.warnings.append(f"print() on {label} {lines}: prints slow "
                                 f"grading and fill your feedback; remove them when you are done debugging")
    local = set()
    for node in ast.walk(tree):
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
        for module in modules:
            top = module.split(".")[0]
            if top != "student_lib" and ((folder / f"{top}.py").is_file() or (folder / top / "__init__.py").is_file()):
                local.add(top)
    for top in sorted(local):
        findings.errors.append(f"your file imports {top}, one of your own files; only your assignment file is "
                               f"graded, so {top} will not exist there: copy what you need into it")


def unused_files(folder: Path, student_file: Path) -> list[str]:
    """Files next to the student's file that will not be graded (handout files excluded)."""
    names = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name in HANDOUT_FILES or path.name == student_file.name:
            continue
        if path.name.startswith("test_") or path.name in ("student_lib", "__pycache__") or path.suffix == ".egg-info":
            continue
        if path.suffix in (".py", ".ipynb") or path.is_dir():
            names.append(path.name + ("/" if path.is_dir() else ""))
    return names


def inspect_submission(student_file: Path, assignment: str, folder: Path) -> Findings:
    findings = Findings()
    notebook = student_file.suffix.lower() == ".ipynb"
    try:
        if notebook:   # checked as the grader runs it: a module that runs the cells one by one
            from student_lib.notebook import convert_for_this_run
            importable, cells = convert_for_this_run(student_file, f"{assignment}.py")
            trees = [(f"cell {c.number}, line ", c.skipped, ast.parse(c.source)) for c in cells
                     if _parses(c.source)]
        else:
            importable = student_file
            trees = [("line ", 0, ast.parse(student_file.read_text(encoding="utf-8"),
                                             filename=student_file.name))]
    except UnicodeDecodeError:
        findings.errors.append(f"{student_file.name} is not UTF-8 text; save it as UTF-8")
        return findings
    except SyntaxError as exc:
        findings.errors.append(f"{student_file.name} has a syntax error on line {exc.lineno}: {exc.msg}")
        return findings
    except ValueError as exc:   # NotebookError: not a readable notebook
        findings.errors.append(str(exc))
        return findings
    expected = load_expected(folder, assignment)
    if expected is None:
        findings.notes.append(f"no {HANDOUT_MANIFEST} found, so the function signatures were not compared")
    probe = probe_import(importable, list(expected or {}))
    if probe["error"]:
        findings.errors.append(probe["error"])
    elif expected is not None:
        check_signatures(expected, probe["functions"], findings, student_file.name)
    if notebook:
        from student_lib.notebook import describe_cell_errors
        findings.warnings += describe_cell_errors(probe.get("cells"), student_file.name)
    for where, skipped, tree in trees:
        check_source(tree, folder, findings, where, skipped)
    check_started(trees, list(expected or {}), findings, student_file.name)
    findings.errors = list(dict.fromkeys(findings.errors))   # one message per problem, not per cell
    others = unused_files(folder, student_file)
    if others:
        findings.notes.append(f"only {student_file.name} is packed and graded; not included: {', '.join(others)}")
    return findings


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return True


def still_raises(node: ast.FunctionDef) -> bool:
    """The function's own body still has the scaffold's `raise NotImplementedError`."""
    for stmt in node.body:
        if isinstance(stmt, ast.Raise) and stmt.exc is not None:
            exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
            if isinstance(exc, ast.Name) and exc.id == "NotImplementedError":
                return True
    return False


def check_started(trees, required: list[str], findings: Findings, file_name: str) -> None:
    """An error if no required function is written yet; a warning naming those not written."""
    defs = {n.name: n for _, _, tree in trees for n in tree.body if isinstance(n, ast.FunctionDef)}
    todo = [name for name in (required or defs) if name in defs and still_raises(defs[name])]
    if todo and len(todo) == len([n for n in (required or defs) if n in defs]):
        findings.errors.append(f"nothing is implemented yet: every function in {file_name} still raises "
                               f"NotImplementedError, as handed out. Write your functions (run `python -m "
                               f"student_lib check` to test them), then submit")
    elif todo:
        findings.warnings.append(f"not implemented yet (still raise NotImplementedError, so their tests "
                                 f"score 0): {', '.join(todo)}")


# ------------------------------------------------------------ packing
def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pack(student_file: Path, assignment: str, out: Path) -> dict:
    """Write the zip (the file under its graded name, plus manifest.json); return the manifest."""
    data = student_file.read_bytes()
    name = f"{assignment}{'.ipynb' if student_file.suffix.lower() == '.ipynb' else '.py'}"
    manifest = {"assignment": assignment, "nngrade_version": __version__,
                "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "python": sys.version.split()[0], "files": {name: sha256(data)}}
    with open_output(out, "wb") as f, zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
        z.writestr("manifest.json", json.dumps(manifest, indent=2) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m student_lib submit",
                                     description="Check that your file can be graded and pack submission.zip.")
    parser.add_argument("file", nargs="?", help="your file (default: the <assignment>.py in this folder)")
    parser.add_argument("-o", "--output", default="submission.zip", help="the zip to write (default submission.zip)")
    parser.add_argument("--force", action="store_true", help="pack even if the file cannot be graded as it is")
    args = parser.parse_args(argv)

    from student_lib.check import CheckError, find_handout, make_console
    console, escape = make_console()
    try:
        handout = find_handout(args.file)
        student_file, assignment = handout.student_file, handout.assignment
    except CheckError as exc:
        if args.file is None or not Path(args.file).is_file():
            console.print(f"[red]Cannot submit:[/] {escape(str(exc))}")
            return 2
        student_file = Path(args.file)
        assignment = handout_assignment(student_file.resolve().parent) or student_file.stem
    folder = student_file.resolve().parent
    findings = inspect_submission(student_file, assignment, folder)
    for message in findings.errors:
        console.print(f"[red]✗[/] {escape(message)}")
    for message in findings.warnings:
        console.print(f"[yellow]![/] {escape(message)}")
    for message in findings.notes:
        console.print(f"[dim]·[/] {escape(message)}")
    out = Path(args.output)
    if findings.errors and not args.force:
        console.print("[red]Not packed:[/] fix the problems above (they would cost you points), "
                      "then run `python -m student_lib submit` again.")
        stale = set_aside(out)
        if stale:
            console.print(f"[yellow]![/] moved the {escape(out.name)} of an earlier run to "
                          f"{escape(stale.name)}, so that it is not mistaken for this version.")
        return 1
    manifest = pack(student_file, assignment, out)
    packed = next(iter(manifest["files"]))
    if findings.errors:
        console.print(f"[yellow]![/] packed {escape(str(out))} ({packed}) anyway, as --force asks: "
                      f"as it is, it will lose points for the problems above.")
        return 1
    console.print(f"[green]✓[/] wrote {escape(str(out))} ({packed}, sha256 "
                  f"{manifest['files'][packed][:12]}…). Nothing was uploaded: hand in this "
                  f"zip where your course says. Run `python -m student_lib check` to see how the public "
                  f"tests go.")
    return 0


def handout_assignment(folder: Path) -> str | None:
    """The assignment named by the handout.json in `folder`, if any."""
    try:
        return str(json.loads((folder / HANDOUT_MANIFEST).read_text(encoding="utf-8"))["assignment"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def set_aside(out: Path) -> Path | None:
    """Rename a zip left by an earlier run to `<name>.previous.zip`; its new path, or None."""
    if not out.is_file() or out.is_symlink():
        return None
    stale = out.with_name(f"{out.stem}.previous{out.suffix}")
    out.replace(stale)
    return stale
