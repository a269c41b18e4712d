"""How a copier disguises a file, for testing similarity detection (no assignment in here).

    rename(source, rng)            every local name gets another spelling (signatures are kept)
    reorder(source, rng)           top-level functions shuffled
    restyle(source, rng)           comments dropped or reworded, blank lines changed, docstrings cut
    transplant(host, donor, name)  host's function `name` replaced by donor's

Each returns valid Python with the same functions, only spelt or ordered
differently: a copy that still gets the same grade.
"""
from __future__ import annotations

import ast
import builtins
import io
import keyword
import random
import re
import tokenize

_WORDS = ("val", "tmp", "res", "arr", "mat", "vec", "acc", "buf", "cur", "nxt", "z", "q", "u", "m")


def _chosen_names(source: str) -> set[str]:
    """Names the student chose: local variables, loop variables, parameters of inner functions and
    lambdas (not imports, not top-level names, not the parameters graders call by keyword)."""
    tree = ast.parse(source)
    imported = {a.asname or a.name.split(".")[0] for n in ast.walk(tree)
                if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    top = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    top |= {a.arg for n in tree.body if isinstance(n, ast.FunctionDef) for a in ast.walk(n.args)
            if isinstance(a, ast.arg)}
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names - imported - top - set(dir(builtins))


def rename(source: str, rng: random.Random) -> str:
    """Respell every local name; the functions' signatures stay (graders call them by keyword)."""
    chosen = sorted(_chosen_names(source))
    new_names = {}
    for name in chosen:
        new_names[name] = f"{rng.choice(_WORDS)}_{name[:1].lower()}{rng.randrange(10, 99)}"
    out = []
    previous, depth = "", 0
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    for i, tok in enumerate(tokens):
        text = tok.string
        depth += tok.type == tokenize.OP and text in "([{"
        depth -= tok.type == tokenize.OP and text in ")]}"
        keyword_argument = depth > 0 and i + 1 < len(tokens) and tokens[i + 1].string == "="
        if (tok.type == tokenize.NAME and previous != "." and text in new_names and not keyword_argument
                and not keyword.iskeyword(text)):
            text = new_names[text]
        elif tok.type == tokenize.STRING and text[:1] in "fF":      # f"W{k}": one token before 3.12
            text = re.sub(r"\{(\w+)\}", lambda m: "{" + new_names.get(m[1], m[1]) + "}", text)
        out.append((tok.type, text))
        previous = tok.string
    return tokenize.untokenize(out)


def _chunks(source: str) -> tuple[str, list[str]]:
    """(the text before the first def, [each top-level def with the lines just above it])."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    defs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    if not defs:
        return source, []
    starts = [min([d.lineno] + [x.lineno for x in d.decorator_list]) - 1 for d in defs]
    head = "".join(lines[:starts[0]])
    chunks = []
    for i, d in enumerate(defs):
        end = starts[i + 1] if i + 1 < len(defs) else len(lines)
        chunks.append("".join(lines[starts[i]:end]).rstrip() + "\n")
    return head, chunks


def reorder(source: str, rng: random.Random) -> str:
    head, chunks = _chunks(source)
    rng.shuffle(chunks)
    return head.rstrip() + "\n\n\n" + "\n\n".join(chunks)


def restyle(source: str, rng: random.Random) -> str:
    """Comments and docstrings changed, blank lines added and removed; the code untouched."""
    tree = ast.parse(source)
    doc_lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.Module, ast.ClassDef)) and ast.get_docstring(node, False):
            first = node.body[0]
            doc_lines.update(range(first.lineno, first.end_lineno + 1))
    out = []
    for number, line in enumerate(source.splitlines(), start=1):
        if number in doc_lines:
            continue
        code = line.split("  #")[0].rstrip() if "  #" in line and '"' not in line else line
        if code.lstrip().startswith("#"):
            continue
        if not code.strip():
            if rng.random() < 0.5:
                continue
        out.append(code)
        indent = code[:len(code) - len(code.lstrip())]
        roll = rng.random()
        if code.strip() and roll < 0.15:
            out.append(f"{indent}# {rng.choice(['step', 'see lecture', 'careful', 'check shapes'])}")
        elif code.strip() and roll < 0.25:
            out.append("")
    return "\n".join(out) + "\n"


def transplant(host: str, donor: str, name: str) -> str:
    """`host` with its function `name` replaced by `donor`'s."""
    def span(source):
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef) and node.name == name:
                return node.lineno - 1, node.end_lineno
        raise ValueError(f"no function {name}")
    h_lines, d_lines = host.splitlines(keepends=True), donor.splitlines(keepends=True)
    (hs, he), (ds, de) = span(host), span(donor)
    return "".join(h_lines[:hs] + d_lines[ds:de] + h_lines[he:])
