"""Hints for the usual mistakes, chosen from what failed and what the grader saw.

A hint is picked for one failing test from its function, its *property*
(`student_lib.properties`: values, axis, stable, shape, size, inputs,
vectorised) and its *symptom* (`student_lib.checks.SYMPTOMS`: dtype_bool,
not_array, ratio:1/N, transposed, ...). The first that exists wins:

    1. the function's hint for the symptom        [hints.relu_grad] dtype_bool = "..."
    2. the generic hint for the symptom           GENERIC["dtype_bool"]
    3. the function's hint for the property       [hints.sigmoid] stable = "..."
    4. the generic hint for the property          GENERIC["vectorised"]
    5. the function's default                     [hints.tanh_grad] default = "..."

Per-assignment hints live in `hints.toml` in the assignment's folder (next to
its public tests), with `[calls]`: which functions each function may call, so
a failure can be blamed on a wrong callee. A hint points at the mistake; it
never gives the code. Nothing here is matched against the text of a message.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

HINTS_FILE = "hints.toml"

GENERIC = {
    # symptoms: they say what is wrong whatever the function
    "not_array": "return a numpy array (np.asarray(...) or whole-array numpy operations), "
                 "not a list, a Python number or another object",
    "dtype_bool": "you return booleans (a comparison such as x > 0 is a mask of True/False): "
                  "convert to numbers of the input's dtype, e.g. (x > 0).astype(x.dtype)",
    "dtype_int": "you return integers: the result must be floats of the input's dtype",
    "dtype_upcast": "float32 in must give float32 out: numpy float64 constants (np.float64(c), "
                    "np.array(c), np.sqrt(2/np.pi)) upcast float32; plain Python floats "
                    "(math.sqrt(2 / math.pi)) or x.dtype.type(c) do not",
    "transposed": "the result is the transpose of the right shape: check the order of the "
                  "product and which factor is transposed",
    "wrong_shape": "return an array of the expected shape: check which axis you reduce over, "
                   "and use keepdims=True so shapes broadcast",
    "mutated": "never write into an argument (x[...] = ..., x += ..., np.maximum(x, 0, out=x)): "
               "build a new array",
    "ratio:2": "every value is exactly twice the right one: look for a missing ½ or a term counted twice",
    "ratio:1/2": "every value is exactly half the right one: look for an extra ½ or a missing factor 2",
    "ratio:-1": "every value has the wrong sign: check the sign inside exp and of each term",
    "ratio:N": "every value is N times the right one, N the number of rows (the batch size): "
               "divide by N, i.e. take the mean over the batch",
    "ratio:1/N": "every value is N times too small, N the number of rows (the batch size): "
                 "sum over the batch here instead of averaging",
    "wrong_at_zero": "only the value at exactly x = 0 is wrong: check > against >= at the kink",
    # properties: what a failing test of that kind usually means
    "axis": "use the axis argument everywhere (max, sum) with keepdims=True, never a fixed axis",
    "stable": "large inputs make exp overflow (inf, NaN or a numpy warning): rewrite the formula so "
              "exp only ever sees numbers <= 0",
    "shape": "return an array of the input's shape and dtype, for 0-d and empty inputs too",
    "inputs": "never write into an argument (x[...] = ..., x += ..., np.maximum(x, 0, out=x)): "
              "build a new array",
    "vectorised": "replace the Python loop over elements by whole-array numpy operations "
                  "(np.where, np.maximum, broadcasting)",
}


@dataclass
class Hints:
    """One assignment's hints ({function: {symptom or property or 'default': hint}}) and calls."""

    functions: dict[str, dict[str, str]] = field(default_factory=dict)
    calls: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None) -> "Hints":
        """The hints in a hints.toml; none when the file is missing (or TOML cannot be read)."""
        if path is None or not Path(path).is_file():
            return cls()
        try:
            import tomllib
        except ImportError:          # Python 3.10
            try:
                import tomli as tomllib
            except ImportError:
                return cls()
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        return cls({f: {k: str(v) for k, v in table.items()} for f, table in data.get("hints", {}).items()},
                   {f: [str(c) for c in callees] for f, callees in data.get("calls", {}).items()})

    def choose(self, function: str, prop: str = "", symptom: str = "") -> str:
        """The hint for a failure of `function` on property `prop` with `symptom` ("" if none)."""
        own = self.functions.get(function, {})
        for table, key in ((own, symptom), (GENERIC, symptom), (own, prop), (GENERIC, prop), (own, "default")):
            if key and key in table:
                return table[key]
        return ""


def already_said(hint: str, text: str) -> bool:
    """True if a clause of the hint (12+ characters) is already in the message."""
    lowered = text.lower()
    clauses = [c.strip(" .").lower() for c in re.split(r"[:;]", hint)]
    return any(len(c) >= 12 and c in lowered for c in clauses)


_NUMPY_SCALAR = re.compile(r"np\.(?:float|int|uint|complex|bool_?)\d*\(([^()]*)\)")


def tidy(message: str) -> str:
    """Messages read better without numpy 2's scalar reprs: np.float64(0.5) -> 0.5."""
    return _NUMPY_SCALAR.sub(r"\1", message)
