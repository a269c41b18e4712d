"""Python source → the token stream that similarity compares, and where each token came from.

    doc = tokenise(source)
    doc.tokens     list[str], n normalised tokens ("V", "=", "V", "@", "V", ".", "T", ";", ...)
    doc.starts     int array (n,), character offset of each token in `source`
    doc.ends       int array (n,), one past its last character
    doc.functions  list[str], the top-level function each token falls in ("" outside any)
    doc.function_ids, doc.function_names   the same as int array (n,) and the names it indexes
    doc.note       why part of the file could not be read ("" when all of it was)

What is thrown away, so that disguises do not count: comments, blank lines,
docstrings (and any other string that stands alone as a statement), the
spelling of every name a student chooses (variables, parameters, their own
functions and classes all become `V`) and the content of strings (`S`).
What is kept, because it is what a formula is made of: keywords, operators,
numbers, builtins (`range`, `len`), imported module names (`np`, however it
is imported as), attribute names and keyword arguments of calls (`.T`,
`.sum`, `.maximum`, `axis=`: numpy's API, not the student's choice; a keyword
that names a parameter of the student's own functions is a chosen name, `V`).
copydetect's own filter (pygments) turns attribute names into `V` too, which
makes `np.maximum(x, 0)` and `np.minimum(x, 0)` one passage: too coarse for
the short numeric functions of a first course.
"""
from __future__ import annotations

import builtins
import io
import keyword
import tokenize
from dataclasses import dataclass
from functools import cached_property

import numpy as np

NAME = "V"
STRING = "S"
BUILTINS = frozenset(dir(builtins))
_NOT_A_STATEMENT = {tokenize.NL, tokenize.COMMENT, tokenize.DEDENT, tokenize.INDENT, tokenize.NEWLINE,
                    tokenize.ENDMARKER}
_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER,
         getattr(tokenize, "FSTRING_MIDDLE", -2), getattr(tokenize, "FSTRING_END", -3)}  # Python ≥ 3.12
_STATEMENT_START = {None, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
_FSTRING_START = getattr(tokenize, "FSTRING_START", -1)


@dataclass
class Document:
    tokens: list[str]
    starts: np.ndarray
    ends: np.ndarray
    functions: list[str]
    note: str = ""

    def __len__(self) -> int:
        return len(self.tokens)

    @cached_property
    def function_names(self) -> list[str]:
        """The distinct functions, in file order; `function_ids` index into it."""
        return list(dict.fromkeys(self.functions))

    @cached_property
    def function_ids(self) -> np.ndarray:
        index = {name: i for i, name in enumerate(self.function_names)}
        return np.array([index[f] for f in self.functions], dtype=np.int64)


def _line_offsets(source: str) -> list[int]:
    """Character offset of the start of each line (1-based line numbers index it)."""
    offsets = [0, 0]
    for line in source.splitlines(keepends=True):
        offsets.append(offsets[-1] + len(line))
    return offsets


def _raw_tokens(source: str) -> tuple[list[tokenize.TokenInfo], str]:
    """Python's own tokens; a file that stops tokenising part-way keeps what came before."""
    found: list[tokenize.TokenInfo] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            found.append(tok)
    except (tokenize.TokenError, SyntaxError) as exc:       # IndentationError is a SyntaxError
        line = found[-1].end[0] if found else 1
        return found, f"could not be read past line {line} ({type(exc).__name__})"
    return found, ""


def _imported_names(raw: list[tokenize.TokenInfo]) -> dict[str, str]:
    """{local name: module name} for `import numpy as np` and `from numpy import exp`."""
    names: dict[str, str] = {}
    words = [t for t in raw if t.type in (tokenize.NAME, tokenize.OP, tokenize.NEWLINE)]
    for i, tok in enumerate(words):
        if tok.string not in ("import", "from") or (i and words[i - 1].type != tokenize.NEWLINE and
                                                    words[i - 1].string != ";"):
            continue
        j, statement = i, []
        while j < len(words) and words[j].type != tokenize.NEWLINE and words[j].string != ";":
            statement.append(words[j].string)
            j += 1
        if "import" not in statement:
            continue
        imported = " ".join(statement[statement.index("import") + 1:]).replace("(", "").replace(")", "")
        for part in imported.split(","):
            bits = part.split()
            if not bits:
                continue
            real = bits[0]
            local = bits[2] if len(bits) >= 3 and bits[1] == "as" else real
            names[local] = real
    return names


def _parameter_names(raw: list[tokenize.TokenInfo]) -> set[str]:
    """Names declared between `def name(` and its `)`, or after `lambda`: the student's choice."""
    names: set[str] = set()
    i = 0
    while i < len(raw):
        if raw[i].string == "lambda":
            j = i + 1
            while j < len(raw) and raw[j].string != ":":
                if raw[j].type == tokenize.NAME:
                    names.add(raw[j].string)
                j += 1
            i = j
        elif raw[i].string == "def" and i + 2 < len(raw) and raw[i + 2].string == "(":
            depth, j = 0, i + 2
            while j < len(raw):
                depth += raw[j].string in "([{" and raw[j].type == tokenize.OP
                depth -= raw[j].string in ")]}" and raw[j].type == tokenize.OP
                if depth == 1 and raw[j].type == tokenize.NAME and raw[j - 1].string in ("(", ",", "*", "**"):
                    names.add(raw[j].string)
                if depth == 0:
                    break
                j += 1
            i = j
        i += 1
    return names


def _regions(raw: list[tokenize.TokenInfo]) -> list[str]:
    """For each raw token, the top-level function it belongs to ("" for module-level code).

    A top-level statement starts at column 0 after a NEWLINE (or a DEDENT back to
    column 0); a `def`, `async def` or `class` there (or its decorators) opens a
    region named after it that lasts until the next top-level statement. Read
    from the tokens, so a file with a syntax error still gets its functions.
    """
    regions: list[str] = []
    current, at_start = "", True
    for i, tok in enumerate(raw):
        if at_start and tok.start[1] == 0 and tok.type not in _NOT_A_STATEMENT:
            j = i
            if tok.string == "@":          # decorators: the def below them names the region
                j = next((m for m in range(i, len(raw)) if raw[m].string in ("def", "class")
                          and raw[m].start[1] == 0), len(raw))
            elif tok.string == "async":
                j = i + 1
            named = j + 1 < len(raw) and raw[j].string in ("def", "class") and raw[j + 1].type == tokenize.NAME
            current = raw[j + 1].string if named else ""
        regions.append(current)
        if tok.type in (tokenize.NEWLINE, tokenize.DEDENT, tokenize.ENCODING):
            at_start = True
        elif tok.type not in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT):
            at_start = False
    return regions


def _is_standalone_string(raw: list[tokenize.TokenInfo], i: int, previous: int | None) -> bool:
    """A docstring, or any string that is a statement by itself (dead code in quotes)."""
    j = i + 1
    while j < len(raw) and raw[j].type in (tokenize.STRING, tokenize.COMMENT, tokenize.NL):
        j += 1
    return previous in _STATEMENT_START and (j >= len(raw) or raw[j].type in
                                             (tokenize.NEWLINE, tokenize.ENDMARKER, tokenize.DEDENT))


def tokenise(source: str) -> Document:
    """The normalised token stream of one Python file (never raises)."""
    raw, note = _raw_tokens(source)
    imports = _imported_names(raw)
    offsets = _line_offsets(source)
    regions = _regions(raw)
    tokens, starts, ends, functions = [], [], [], []
    previous_type: int | None = None
    previous_text = ""
    in_docstring = False
    depth = 0                              # brackets open: `axis=` inside a call is numpy's name
    modules = set(imports.values())
    parameters = _parameter_names(raw)
    for i, tok in enumerate(raw):
        kind = tok.type
        if kind in _SKIP:
            continue
        if kind == tokenize.STRING and (in_docstring or _is_standalone_string(raw, i, previous_type)):
            in_docstring = True        # implicit concatenation: "a" "b" alone is one statement
            continue
        in_docstring = False
        if kind == tokenize.NEWLINE and previous_type in _STATEMENT_START:
            continue                   # the end of a statement that was dropped (a docstring)
        if kind == tokenize.OP and tok.string in "([{":
            depth += 1
        elif kind == tokenize.OP and tok.string in ")]}":
            depth = max(depth - 1, 0)
        if kind == tokenize.NAME:
            following = raw[i + 1].string if i + 1 < len(raw) else ""
            if (keyword.iskeyword(tok.string) or previous_text == "." or tok.string in BUILTINS
                    or tok.string in modules or (depth and following == "=" and tok.string not in parameters)):
                text = tok.string            # API names: attributes, keyword arguments, modules
            elif tok.string in imports:
                text = imports[tok.string]
            else:
                text = NAME
        elif kind == tokenize.STRING or kind == _FSTRING_START:
            text = STRING
        elif kind == tokenize.NEWLINE:
            text = ";"
        elif kind == tokenize.INDENT:
            text = "{"
        elif kind == tokenize.DEDENT:
            text = "}"
        else:
            text = tok.string
        (srow, scol), (erow, ecol) = tok.start, tok.end
        tokens.append(text)
        starts.append(offsets[srow] + scol if srow < len(offsets) else len(source))
        ends.append(offsets[erow] + ecol if erow < len(offsets) else len(source))
        functions.append(regions[i])
        previous_type, previous_text = kind, tok.string
    return Document(tokens, np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64),
                    functions, note)
