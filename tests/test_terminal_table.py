"""`nngrade grade`'s per-test table: widths measured once by nngrade, the layout rich would choose."""
from __future__ import annotations

import io

import pytest
from rich.console import Console

from autograder.reports import terminal


def result(names: list[str]) -> dict:
    statuses = ("passed", "failed", "error", "timeout")
    tests = [{"name": name, "function": name.split(":")[0], "score": 0.25 * (i % 2), "max_score": 0.25,
              "status": statuses[i % 4], "output": ""} for i, name in enumerate(names)]
    return {"assignment": "activations", "student": "alice", "seed": 0, "status": "graded",
            "score": sum(t["score"] for t in tests), "max_score": 0.25 * len(tests), "tests": tests}


NAMES = ["relu: values on a small example", "softmax_vjp: the vector-Jacobian product on a batch of "
         "large logits, against centred differences", "gelu_grad: σ'(x) near 0 (tanh form)",
         "leaky_relu_grad: slope 0.01 left of 0, 1 right of it", "log_softmax: rows of −1e4 … 1e4"]


def render(res: dict, width: int) -> str:
    console = Console(file=io.StringIO(), width=width, force_terminal=True, color_system=None)
    terminal.print_result(res, console, show_output=False)
    return console.file.getvalue()


@pytest.mark.parametrize("width", [40, 60, 80, 100, 160])
def test_the_table_is_the_one_rich_would_lay_out(monkeypatch, width):
    res = result(NAMES * 3)
    ours = render(res, width)
    monkeypatch.setattr(terminal, "_widths", lambda rows, room: [None] * 4)   # rich measures every cell
    assert ours == render(res, width)
    assert "softmax_vjp" in ours and "σ'(x)" in ours


def test_widths_fit_the_longest_cells_and_give_the_names_the_rest():
    rows = [("a test name of thirty-one chars", "relu", "0.25/0.25", "passed"),
            ("short", "leaky_relu_grad", "0/0.25", "timeout")]
    assert terminal._widths(rows, 200) == [31, 15, 9, 9]
    assert terminal._widths(rows, 70) == [70 - terminal.TABLE_FRAME - 15 - 9 - 9, 15, 9, 9]
    assert terminal._widths(rows, 60) == [None] * 4    # names would get under 20 characters
