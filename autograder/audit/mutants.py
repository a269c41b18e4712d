"""Mutants of a reference solution: one small, realistic edit each, inside a solution region.

    mutants = generate(solution_text)       # [Mutant(id, function, operator, line, change, source)]

Every edit is made on the source text at the AST node's exact position, so a
mutant differs from the solution by the edit alone (comments and layout stay)
and its diff reads like a student's bug. Only code between `### BEGIN SOLUTION`
and `### END SOLUTION` is mutated. Mutants that do not compile, or repeat an
earlier mutant's text, are dropped.

Operators (`OPERATORS`), chosen from the classic catalogue (arithmetic and
relational operator replacement, constant replacement, term deletion; the same
families as mutmut's and cosmic-ray's) plus the mistakes numpy code makes:

    arithmetic    a + b -> a - b, a * b -> a / b, a ** b -> a * b, a += b -> a -= b, ...
    comparison    a < b -> a <= b, a < b -> a >= b, a == b -> a != b, ...
    constant      n -> n + 1, n -> n - 1, 0 <-> 1, True <-> False
    negation      -a -> a
    axis          axis=e -> axis=-1, axis=e -> axis=0, axis=... dropped, keepdims=... dropped
    slice         a[i:j] -> a[i+1:j], a[i:j-1], a[1:], a[:-1], ...
    drop_term     a + b -> a, a + b -> b, a * b -> a, a / b -> a (a missing 1/N)
    in_place      y = x.copy() -> y = x, np.copy(x) -> x, x = x + e -> x += e,
                  np.maximum(x, 0) -> np.maximum(x, 0, out=x) for a parameter x
    float64       c -> np.float64(c), .astype(t) dropped, dtype=... dropped (float32 upcast)
"""
from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass

OPERATORS = ("arithmetic", "comparison", "constant", "negation", "axis", "slice", "drop_term",
             "in_place", "float64")
BEGIN = re.compile(r"^\s*### BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*### END SOLUTION\s*$")

BINOP_SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
                ast.Mod: "%", ast.Pow: "**", ast.MatMult: "@"}
BINOP_SWAP = {"+": ["-"], "-": ["+"], "*": ["/"], "/": ["*"], "//": ["/"], "**": ["*"]}
AUG_SWAP = {"+": "-", "-": "+", "*": "/", "/": "*"}
CMP_SYMBOL = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
CMP_SWAP = {"<": ["<=", ">="], "<=": ["<", ">"], ">": [">=", "<="], ">=": [">", "<"],
            "==": ["!="], "!=": ["=="]}
UFUNCS_WITH_OUT = {"maximum", "minimum", "exp", "multiply", "add", "subtract", "divide", "tanh",
                   "abs", "absolute", "negative", "log1p", "expm1", "clip", "square", "sqrt"}


@dataclass(frozen=True)
class Mutant:
    id: str             # m0001, in generation order (stable for a given solution)
    function: str       # the top-level function whose region was edited
    operator: str       # one of OPERATORS
    line: int           # 1-based line of the edit in the solution
    change: str         # "`x >= 0` -> `x > 0`"
    source: str         # the whole mutated file

    def diff(self, original: str, filename: str = "solution.py") -> str:
        return "".join(difflib.unified_diff(original.splitlines(keepends=True),
                                            self.source.splitlines(keepends=True),
                                            f"a/{filename}", f"b/{filename}", n=1))

    def to_dict(self) -> dict:
        return {"id": self.id, "function": self.function, "operator": self.operator,
                "line": self.line, "change": self.change}


def solution_regions(text: str) -> list[tuple[int, int]]:
    """(begin, end) line numbers of the markers; code strictly between them may be mutated."""
    regions, begin = [], None
    for lineno, line in enumerate(text.splitlines(), 1):
        if BEGIN.match(line):
            begin = lineno
        elif END.match(line) and begin is not None:
            regions.append((begin, lineno))
            begin = None
    return regions


class _Source:
    """Byte offsets of AST positions (col_offset counts UTF-8 bytes)."""

    def __init__(self, text: str):
        self.data = text.encode("utf-8")
        self.starts = [0]
        for line in self.data.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))

    def offset(self, line: int, col: int) -> int:
        return self.starts[line - 1] + col

    def span(self, node) -> tuple[int, int]:
        return (self.offset(node.lineno, node.col_offset),
                self.offset(node.end_lineno, node.end_col_offset))

    def text(self, start: int, end: int) -> str:
        return self.data[start:end].decode("utf-8")

    def of(self, node) -> str:
        return self.text(*self.span(node))


def _find_symbol(segment: str, symbol: str) -> int:
    """Index of `symbol` in the text between two operands (skips comments and longer operators)."""
    i = 0
    while i < len(segment):
        ch = segment[i]
        if ch == "#":
            i = segment.find("\n", i)
            if i < 0:
                return -1
            continue
        if segment.startswith(symbol, i):
            after = segment[i + len(symbol):i + len(symbol) + 1]
            before = segment[i - 1:i] if i else ""
            if after not in "*/=<>!" and before not in "*/=<>!":
                return i
        i += 1
    return -1


class _Generator:
    def __init__(self, text: str):
        self.text = text
        self.src = _Source(text)
        self.tree = ast.parse(text)
        self.regions = solution_regions(text)
        self.edits: list[tuple[str, int, int, int, str, str]] = []   # operator, line, start, end, new, change
        self.parents: dict[int, ast.AST] = {}
        for parent in ast.walk(self.tree):
            for child in ast.iter_child_nodes(parent):
                self.parents[id(child)] = parent
        self.numpy = any(isinstance(n, ast.Import) and any(a.name == "numpy" and a.asname == "np"
                                                           for a in n.names) for n in self.tree.body)

    # ---------------------------------------------------------------- helpers
    def inside(self, node) -> bool:
        return any(b < node.lineno and node.end_lineno < e for b, e in self.regions)

    def add(self, operator: str, node, start: int, end: int, new: str) -> None:
        old = self.src.text(start, end)
        change = f"`{_short(old)}` -> `{_short(new)}`" if old else f"insert `{_short(new)}`"
        self.edits.append((operator, node.lineno, start, end, new, change))

    def replace(self, operator: str, node, new: str) -> None:
        self.add(operator, node, *self.src.span(node), new)

    def between(self, left, right, symbol: str) -> tuple[int, int] | None:
        start, end = self.src.span(left)[1], self.src.span(right)[0]
        i = _find_symbol(self.src.text(start, end), symbol)
        if i < 0:
            return None
        at = start + len(self.src.text(start, end)[:i].encode("utf-8"))
        return at, at + len(symbol.encode("utf-8"))

    def function_params(self, node) -> set[str]:
        while node is not None and not isinstance(node, ast.FunctionDef):
            node = self.parents.get(id(node))
        if node is None:
            return set()
        a = node.args
        return {p.arg for p in a.posonlyargs + a.args + a.kwonlyargs}

    # -------------------------------------------------------------- operators
    def visit(self, node) -> None:
        if isinstance(node, ast.BinOp):
            self.binop(node)
        elif isinstance(node, ast.AugAssign):
            self.augassign(node)
        elif isinstance(node, ast.Compare):
            self.compare(node)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
            self.replace("negation", node, f"({self.src.of(node.operand)})")
        elif isinstance(node, ast.Constant):
            self.constant(node)
        elif isinstance(node, ast.Call):
            self.call(node)
        elif isinstance(node, ast.Slice):
            self.slice(node)
        elif isinstance(node, ast.Assign):
            self.assign(node)

    def binop(self, node: ast.BinOp) -> None:
        symbol = BINOP_SYMBOL.get(type(node.op))
        where = symbol and self.between(node.left, node.right, symbol)
        if where:
            for new in BINOP_SWAP.get(symbol, []):
                self.add("arithmetic", node, *where, new)
        left, right = self.src.of(node.left), self.src.of(node.right)
        if symbol in ("+", "-", "*", "/"):
            self.replace("drop_term", node, f"({left})")
        if symbol in ("+", "*"):
            self.replace("drop_term", node, f"({right})")

    def augassign(self, node: ast.AugAssign) -> None:
        symbol = BINOP_SYMBOL.get(type(node.op))
        if symbol in AUG_SWAP:
            where = self.between(node.target, node.value, symbol + "=")
            if where:
                self.add("arithmetic", node, *where, AUG_SWAP[symbol] + "=")
        if symbol in ("+", "-"):     # the term is dropped: the statement does nothing
            self.replace("drop_term", node, "pass")

    def compare(self, node: ast.Compare) -> None:
        operands = [node.left] + node.comparators
        for i, op in enumerate(node.ops):
            symbol = CMP_SYMBOL.get(type(op))
            where = symbol and self.between(operands[i], operands[i + 1], symbol)
            if where:
                for new in CMP_SWAP[symbol]:
                    self.add("comparison", node, *where, new)

    def constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool):
            self.replace("constant", node, str(not value))
            return
        if not isinstance(value, (int, float)) or isinstance(value, complex):
            return
        parent = self.parents.get(id(node))
        if isinstance(parent, ast.keyword) and parent.arg in ("axis", "keepdims", "dtype"):
            return       # the axis operator covers these
        news = {repr(value + 1), repr(value - 1) if value - 1 >= 0 or isinstance(parent, ast.UnaryOp)
                else f"({value - 1!r})"}
        if isinstance(value, int) and value in (0, 1):   # the 0 <-> 1 swap (for floats, c - 1 is it)
            news.add(str(1 - value))
        for new in sorted(n for n in news if n is not None and n != repr(value)):
            self.replace("constant", node, new)
        if isinstance(value, float) and self.numpy:
            self.replace("float64", node, f"np.float64({self.src.of(node)})")

    def call(self, node: ast.Call) -> None:
        func = node.func
        attr = func.attr if isinstance(func, ast.Attribute) else None
        if attr == "copy" and not node.args and not node.keywords:
            self.replace("in_place", node, self.src.of(func.value))
        if attr == "copy" and isinstance(func.value, ast.Name) and func.value.id == "np" and node.args:
            self.replace("in_place", node, f"({self.src.of(node.args[0])})")
        if attr == "astype" and node.args:
            self.replace("float64", node, f"({self.src.of(func.value)})")
        if (attr in UFUNCS_WITH_OUT and isinstance(func.value, ast.Name) and func.value.id == "np"
                and node.args and isinstance(node.args[0], ast.Name)
                and node.args[0].id in self.function_params(node)
                and not any(k.arg == "out" for k in node.keywords)):
            last = self.src.span(max(node.args + node.keywords, key=lambda n: (n.end_lineno,
                                                                               n.end_col_offset)))[1]
            self.add("in_place", node, last, last, f", out={node.args[0].id}")
        for i, kw in enumerate(node.keywords):
            self.keyword(node, kw)

    def keyword(self, call: ast.Call, kw: ast.keyword) -> None:
        if kw.arg not in ("axis", "keepdims", "dtype"):
            return
        value = self.src.of(kw.value)
        operator = "float64" if kw.arg == "dtype" else "axis"
        if kw.arg == "axis":
            for new in ("-1", "0"):
                if value != new:
                    self.replace("axis", kw.value, new)
        previous = [n for n in call.args + call.keywords
                    if (n.end_lineno, n.end_col_offset) <= (kw.lineno, kw.col_offset)]
        following = [n for n in call.args + call.keywords
                     if (n.lineno, n.col_offset) >= (kw.end_lineno, kw.end_col_offset)]
        if previous:   # drop ", axis=..." from the end of the previous argument
            start = self.src.span(max(previous, key=lambda n: (n.end_lineno, n.end_col_offset)))[1]
            self.add(operator, kw, start, self.src.span(kw)[1], "")
        elif following:   # drop "axis=..., " up to the next argument
            end = self.src.span(min(following, key=lambda n: (n.lineno, n.col_offset)))[0]
            self.add(operator, kw, self.src.span(kw)[0], end, "")
        else:
            self.replace(operator, kw, "")

    def slice(self, node: ast.Slice) -> None:
        for bound in (node.lower, node.upper):
            if bound is not None:
                text = self.src.of(bound)
                self.replace("slice", bound, f"({text}) + 1")
                self.replace("slice", bound, f"({text}) - 1")
        start, end = self.src.span(node)
        if node.lower is None:
            self.add("slice", node, start, start, "1")
        if node.upper is None:
            after = self.src.span(node.lower)[1] if node.lower is not None else start
            colon = self.src.text(after, end).find(":")
            if colon >= 0:
                at = after + len(self.src.text(after, end)[:colon + 1].encode("utf-8"))
                self.add("slice", node, at, at, "-1")

    def assign(self, node: ast.Assign) -> None:
        """`x = x + e` -> `x += e`: a copy becomes an in-place update (of an input, maybe)."""
        value = node.value
        if (len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and isinstance(value, ast.BinOp) and isinstance(value.left, ast.Name)
                and value.left.id == node.targets[0].id and type(value.op) in BINOP_SYMBOL):
            self.replace("in_place", node, f"{value.left.id} {BINOP_SYMBOL[type(value.op)]}= "
                                           f"{self.src.of(value.right)}")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _top_function(tree: ast.Module, line: int) -> str:
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno <= line <= node.end_lineno:
            return node.name
    return "<module>"


def generate(text: str, operators: tuple[str, ...] = OPERATORS,
             functions: tuple[str, ...] = ()) -> list[Mutant]:
    """Every mutant of the solution `text` (see the module docstring), in source order."""
    gen = _Generator(text)
    for node in ast.walk(gen.tree):
        if hasattr(node, "lineno") and gen.inside(node):
            gen.visit(node)
    seen = {text}
    mutants = []
    for operator, line, start, end, new, change in sorted(gen.edits, key=lambda e: (e[2], e[3], e[0], e[4])):
        function = _top_function(gen.tree, line)
        if operator not in operators or (functions and function not in functions):
            continue
        source = (gen.src.data[:start] + new.encode("utf-8") + gen.src.data[end:]).decode("utf-8")
        if source in seen:
            continue
        seen.add(source)
        try:
            compile(source, "<mutant>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            continue
        mutants.append(Mutant(f"m{len(mutants) + 1:04d}", function, operator, line, change, source))
    return mutants
