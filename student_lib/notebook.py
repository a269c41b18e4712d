"""A Jupyter notebook as one importable module that runs cell by cell.

The grader's worker, `python -m student_lib check` and `submit` all import one
`.py` file. `module_source(cells, name)` writes that file so that it behaves
like "Run All" in Jupyter that keeps going after an error:

- every code cell is compiled and run on its own, in the module's namespace; a
  cell that raises stops at that line (as in Jupyter) and is recorded, and the
  cells after it still run, so the functions they define are graded;
- plotting is neutralised: `import matplotlib.pyplot as plt` (and seaborn,
  plotly, IPython, ipywidgets) gives a stand-in whose every attribute and call
  does nothing, so a plot cell needs no display and no matplotlib at all;
- IPython magics (`%timeit`) and shell lines (`!pip install`) become `pass`;
  cell magics other than `%%writefile x.py`, `%%time` and `%%capture` drop the cell.

Each cell's text sits verbatim in the module at known lines and is compiled
with the module's own file name, so tracebacks, the grader's line counter
(loop detection) and `linecache` all see the real code. `Cell.first_line`
maps a module line back to (cell, line in cell): `translate_lines` rewrites
"line 57" in a message as "cell 4, line 2".

The module keeps the cells' failures; calling its `_nngrade_cell_errors()`
returns them as plain data: [{"cell": 4, "line": 2, "error": "NameError: ...",
"code": "plt.plot(x)"}]. Whoever asks must treat that as untrusted feedback
(`describe_cell_errors` validates it), never as points.
"""
from __future__ import annotations

import json
import re
import sys
import warnings
from dataclasses import dataclass, replace

CELL_ERRORS = "_nngrade_cell_errors"   # the module function that returns the cells' failures
MAX_REPORTED = 20                      # cell failures shown to the student
HEADER = "# Converted by nngrade from "   # the first line of a converted notebook
RUN_BODY = ("%%writefile", "%%time", "%%capture")   # cell magics whose body is ordinary code


class NotebookError(ValueError):
    """The notebook cannot be read; the message says what to do."""


@dataclass(frozen=True)
class Cell:
    """One code cell: its number in the notebook (1-based, markdown cells counted), its code."""

    number: int
    source: str            # the code that runs (a leading cell magic removed)
    skipped: int = 0       # lines removed above `source` (a `%%time` line), for line numbers
    first_line: int = 0    # the module line where `source` starts (set by module_source)

    @property
    def n_lines(self) -> int:
        return len(self.source.rstrip("\n").split("\n"))   # "\n" only, as Python counts lines


# ------------------------------------------------------------------ reading
def read_cells(data: bytes, name: str = "notebook") -> list[Cell]:
    """The code cells of a notebook file's bytes, magics and shell lines turned into `pass`."""
    try:
        nb = _load(data.decode("utf-8-sig"))
    except Exception:  # noqa: BLE001 - nbformat and json raise many kinds for a broken file
        raise NotebookError(f"{name} is not a readable notebook (the JSON is damaged); "
                            f"download it again from Jupyter (File > Download)") from None
    cells = []
    for number, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        text = cell.get("source", "")
        text = "".join(text) if isinstance(text, list) else str(text)
        code = _code_of(text.replace("\r\n", "\n").replace("\r", "\n"))
        if code is not None and code[0].strip():
            cells.append(Cell(number, code[0], code[1]))
    if not cells:
        raise NotebookError(f"{name} has no code cells; write your functions in code cells")
    return cells


def _import_nbformat():
    """nbformat, without the optional `rfc3987_syntax` that jsonschema (under nbformat) would load.

    jsonschema imports it, when installed (Jupyter's own dependencies bring it), to check "iri"
    formats, which no notebook schema uses; it builds a grammar as it is imported: ~1.4 s of every
    `check hw.ipynb` and of grading a notebook. Blocked only while nbformat is first imported.
    """
    blocked = "rfc3987_syntax" not in sys.modules
    if blocked:
        sys.modules["rfc3987_syntax"] = None   # an import of it raises ImportError, which jsonschema expects
    try:
        import nbformat
    finally:
        if blocked and sys.modules.get("rfc3987_syntax", 0) is None:
            del sys.modules["rfc3987_syntax"]
    return nbformat


def _load(text: str) -> dict:
    """The notebook as a dict (nbformat 4), with nbformat when it is installed."""
    try:
        nbformat = _import_nbformat()
    except ImportError:   # a student without Jupyter's libraries: nbformat 4 is plain JSON
        nb = json.loads(text)
        if not isinstance(nb, dict) or nb.get("nbformat", 4) < 4:
            raise ValueError("not an nbformat 4 notebook")
        return nb
    with warnings.catch_warnings():
        # Cells without ids (nbformat < 4.5) warn once per notebook: noise in a class batch.
        warnings.simplefilter("ignore")
        return nbformat.reads(text, as_version=4)


def _code_of(text: str) -> tuple[str, int] | None:
    """(code to run, lines removed above it), or None for a cell that is not Python."""
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return None
    skipped = 0
    head = lines[first].strip()
    if head.startswith("%%"):
        magic = head.split()[0]
        if magic not in RUN_BODY or (magic == "%%writefile" and not head.endswith(".py")):
            return None
        skipped = first + 1
        lines = lines[first + 1:]
    return "\n".join(_drop_magic(line) for line in lines), skipped


def _drop_magic(line: str) -> str:
    """`%timeit f(x)` or `!pip install x` becomes `pass`, keeping the indentation."""
    body = line.lstrip()
    if not body.startswith(("%", "!")) or body.startswith("!="):
        return line
    return line[:len(line) - len(body)] + "pass  # dropped: " + body


# ------------------------------------------------------------------ writing
RUNTIME = HEADER + '''{name}. Each code cell below runs on its own, as in Jupyter:
# a cell that raises is stopped and reported by its cell number and line, and the
# other cells still run. Plotting libraries are replaced by a stand-in that draws nothing.
import builtins as _nb_builtins


class _NoPlot:
    """Stands in for matplotlib & co.: every attribute, call or item is the stand-in again."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __getitem__(self, key):
        return self

    def __iter__(self):   # fig, ax = plt.subplots()
        return iter((self, self))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_NB_NO_PLOT = _NoPlot()
_NB_PLOTTING = {plotting!r}
_nb_import = _nb_builtins.__import__
_nb_failures = []


def _nb_guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
    if level == 0 and name.partition(".")[0] in _NB_PLOTTING:
        return _NB_NO_PLOT
    return _nb_import(name, globals, locals, fromlist, level)


__builtins__ = dict(_nb_builtins.__dict__, __import__=_nb_guarded_import, display=_NB_NO_PLOT)


def _nb_cell(number, skipped, first, last, source):
    """Run one cell's code in this module; record where it raised."""
    source = source[1:]   # the literal starts with a newline, so the code starts on line `first`
    try:
        code = compile("\\n" * (first - 1) + source, __file__, "exec", dont_inherit=True)
        exec(code, globals())
    except (Exception, SystemExit) as exc:
        line = getattr(exc, "lineno", None) if isinstance(exc, SyntaxError) else None
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == __file__ and first <= tb.tb_lineno <= last:
                line = tb.tb_lineno
            tb = tb.tb_next
        line = line if isinstance(line, int) and first <= line <= last else first
        text = [exc.msg] if isinstance(exc, SyntaxError) else str(exc).strip().splitlines()
        _nb_failures.append({{"cell": number, "line": line - first + 1 + skipped,
                              "error": type(exc).__name__ + (": " + text[0][:200] if text else ""),
                              "code": source.split("\\n")[line - first].strip()[:120]}})


def {errors}():
    """The cells that raised: [{{"cell", "line", "error", "code"}}]."""
    return [dict(failure) for failure in _nb_failures]

'''
PLOTTING = ("matplotlib", "seaborn", "plotly", "IPython", "ipywidgets")


def module_source(cells: list[Cell], name: str = "notebook") -> tuple[str, list[Cell]]:
    """(the module's source, the cells with `first_line` set). See the module docstring."""
    parts = [RUNTIME.format(name=name.replace("\n", " "), plotting=PLOTTING, errors=CELL_ERRORS)]
    line = parts[0].count("\n") + 1
    placed = []
    for cell in cells:
        first = line + 2          # after the "# --- cell" comment and the call's first line
        source = cell.source if cell.source.endswith("\n") else cell.source + "\n"
        last = first + source.count("\n") - 1
        parts.append(f"# --- cell {cell.number}\n"
                     f"_nb_cell({cell.number}, {cell.skipped}, {first}, {last}, {_literal(source)})\n\n")
        line += parts[-1].count("\n")
        placed.append(replace(cell, source=source, first_line=first))
    return "".join(parts), placed


def _literal(text: str) -> str:
    """A string literal of `text` (ending in a newline) whose lines are `text`'s lines, verbatim if possible."""
    clean = not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text)
    for quote in ('"""', "'''"):
        if clean and quote not in text:
            return f"r{quote}\n{text}{quote}"
    # Both kinds of triple quote (or control characters): escape, keeping the newlines.
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    body = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", lambda m: f"\\x{ord(m.group()):02x}", body)
    return f'"""\n{body}"""'


def notebook_module(data: bytes, name: str = "notebook") -> tuple[str, list[Cell]]:
    """read_cells, then module_source: the module text and its cell map."""
    return module_source(read_cells(data, name), name)


# ------------------------------------------------------------------ reading back
def cells_of_module(source: str) -> list[Cell] | None:
    """The cell map of a module written by `module_source`, or None for any other source.

    The module describes itself (the `_nb_cell(...)` calls), so a converted notebook
    that travels as plain source (a batch job, a Dask task) keeps its cell numbers.
    """
    if not source.startswith(HEADER):
        return None
    import ast
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    cells = []
    for node in tree.body:
        call = node.value if isinstance(node, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                and call.func.id == "_nb_cell" and len(call.args) == 5
                and all(isinstance(a, ast.Constant) for a in call.args)):
            continue
        number, skipped, first, _last, text = (a.value for a in call.args)
        if type(number) is int and type(skipped) is int and type(first) is int and isinstance(text, str):
            cells.append(Cell(number, text[1:], skipped, first))
    return cells
def locate(cells: list[Cell], line: int) -> tuple[int, int] | None:
    """(cell number, line within the cell as the student sees it) of a module line."""
    for cell in cells:
        if cell.first_line <= line < cell.first_line + cell.n_lines:
            return cell.number, line - cell.first_line + 1 + cell.skipped
    return None


_LINE = re.compile(r"(?:(?<=\bat )|(?<=\bon )|(?<=\())line (\d+)\b")   # how calls.py names a line


def translate_lines(text: str, cells: list[Cell]) -> str:
    """'... at line 57: return x' -> '... at cell 4, line 2: return x' (lines outside cells unchanged)."""
    def sub(m: re.Match) -> str:
        where = locate(cells, int(m.group(1)))
        return m.group(0) if where is None else f"cell {where[0]}, line {where[1]}"
    return _LINE.sub(sub, text)


def describe_cell_errors(raw, notebook: str = "your notebook") -> list[str]:
    """Student-facing lines for what `_nngrade_cell_errors()` returned; [] if it is not that shape.

    The value comes from student code: it is checked and cut to size, and only ever shown.
    """
    if not isinstance(raw, (list, tuple)):
        return []
    lines = []
    for item in list(raw)[:MAX_REPORTED]:
        if not (isinstance(item, dict) and type(item.get("cell")) is int and type(item.get("line")) is int
                and isinstance(item.get("error"), str) and isinstance(item.get("code", ""), str)):
            return []
        code = item.get("code", "")[:120]
        lines.append(f"cell {item['cell']}, line {item['line']} of {notebook} raised "
                     f"{item['error'][:240]}" + (f" (`{code}`)" if code else "")
                     + "; the rest of that cell did not run, the other cells did")
    if len(raw) > MAX_REPORTED:
        lines.append(f"... and {len(raw) - MAX_REPORTED} more cells that raised")
    return lines


class CellErrorProbe:
    """A pytest plugin: at the end of a run, asks the student module for its cells' failures."""

    def __init__(self):
        self.raw = None

    def pytest_sessionfinish(self, session):
        from grading_contract.rubric import BACKEND_KEY
        backend = session.config.stash.get(BACKEND_KEY, None)
        if backend is None:
            return
        try:
            self.raw = backend.call(CELL_ERRORS, (), {})
        except Exception:  # noqa: BLE001 - a module that fails to import has no cell report
            self.raw = None


def convert_to_folder(notebook, folder, module_name: str) -> tuple["Path", list[Cell]]:
    """Write `folder/module_name` from a notebook file; (its path, the cell map). Raises NotebookError."""
    from pathlib import Path
    notebook = Path(notebook)
    try:
        data = notebook.read_bytes()
    except OSError as exc:
        raise NotebookError(f"{notebook.name} could not be read ({exc.strerror})") from None
    source, cells = notebook_module(data, notebook.name)
    path = Path(folder) / module_name
    path.write_text(source, encoding="utf-8")
    return path, cells


def convert_for_this_run(notebook, module_name: str) -> tuple["Path", list[Cell]]:
    """convert_to_folder into a temporary folder removed when this process exits."""
    import atexit
    import tempfile
    folder = tempfile.TemporaryDirectory(prefix="nngrade-notebook-")
    atexit.register(folder.cleanup)
    return convert_to_folder(notebook, folder.name, module_name)
