"""The `nngrade` command as a TA types it (subprocesses, real exit codes)."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import nbformat
import pytest

from autograder.examples import bugs, materialize


def nngrade(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def correct(tmp_path_factory):
    return materialize("activations", tmp_path_factory.mktemp("ex"))["correct"]


def test_grade_json_to_stdout_table_to_stderr(correct):
    run = nngrade("grade", "activations", correct, "--json", "-", "--seed", 4)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["schema"] == "nngrade.result/1" and result["seed"] == 4
    assert result["score"] == result["max_score"] > 0
    assert "relu" in run.stderr and "passed" in run.stderr


def test_grade_zip_and_notebook_give_the_same_score_as_the_file(correct, tmp_path):
    with zipfile.ZipFile(tmp_path / "hw.zip", "w") as z:
        z.write(correct, "handin/activations.py")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("%load_ext autoreload\n" + correct.read_text())]
    nbformat.write(nb, tmp_path / "hw.ipynb")
    scores = {json.loads(nngrade("grade", "activations", p, "--json", "-").stdout)["score"]
              for p in (correct, tmp_path / "hw.zip", tmp_path / "hw.ipynb")}
    assert len(scores) == 1


def test_json_file_and_ungradable_submission(tmp_path):
    bad = tmp_path / "activations.py"
    bad.write_text("def relu(x):\n  return (\n")
    run = nngrade("grade", "activations", bad, "--json", tmp_path / "r.json")
    assert run.returncode == 0
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["status"] == "ungradable" and "syntax error" in result["message"]
    assert "Ungradable" in run.stdout


@pytest.mark.parametrize("args, message", [
    (("grade", "nope", "x.py"), "unknown assignment 'nope'"),
    (("grade", "activations", "/no/such/file.py"), "no such file"),
])
def test_usage_errors_exit_2_with_a_message(args, message):
    run = nngrade(*args)
    assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr


def test_list_shows_every_assignment_with_points():
    run = nngrade("list")
    assert run.returncode == 0
    for assignment in ("activations", "backprop", "relu_approx"):
        assert assignment in run.stdout
    assert "softmax_vjp" in nngrade("list", "activations").stdout


# The demo's table on a few examples: every example is graded once per test run anyway (the session
# fixture `graded_examples`); this is about the command's table, pool and progress bar.
DEMO_SUBSET = ("correct", "buggy_relu_grad_one_at_zero", "buggy_softmax_vjp_sums_whole_array",
               "hostile_fork_bomb", "hostile_infinite_loop", "hostile_patch_checks")


def demo_only(monkeypatch, names: tuple[str, ...]) -> None:
    """`nngrade demo`, run in this process, grades only these examples."""
    from autograder.commands import demo

    def subset(assignment_id, out_dir):
        examples = materialize(assignment_id, out_dir)
        return {name: examples[name] for name in names}
    monkeypatch.setattr(demo, "materialize", subset)


def test_demo_grades_correct_buggy_and_hostile_examples_in_one_table(monkeypatch, capsys):
    from autograder import cli
    demo_only(monkeypatch, DEMO_SUBSET)
    assert cli.main(["demo", "--assignment", "activations", "-j", "2"]) == 0
    run = capsys.readouterr()
    rows = {line.split("│")[2].strip(): line.split("│")[3].strip()
            for line in run.out.splitlines() if line.startswith("│ activations")}
    assert set(rows) == set(DEMO_SUBSET)                                          # one row each
    assert rows["correct"] == "100/100"
    assert all(score == "0/100" for name, score in rows.items() if name.startswith("hostile_"))
    graded = {f"buggy_{b.name}" for b in bugs("activations") if b.functions}   # others only get a hint
    assert {name for name in rows if name.startswith("buggy_")} <= graded
    assert all(score not in ("100/100", "0/100") for name, score in rows.items() if name in graded)
    assert "by 2 process(es)" in run.out and "feedback for" not in run.out   # -v shows feedback
    assert run.err.startswith("grading") and f"{len(rows)}/{len(rows)}" in run.err   # the progress bar


def test_progress_bar_never_cuts_the_count_on_a_pipe_or_a_narrow_terminal():
    import io

    from rich.console import Console

    from autograder.batch.command import ProgressBar
    for width in (80, 120):
        out = io.StringIO()
        bar = ProgressBar(Console(file=out, width=width))
        bar.start(30, 0)
        for _ in range(30):
            bar.advance({"student": "buggy_softmax_vjp_sums_whole_array", "score": 93.05, "max_score": 100})
        bar.stop()
        line = out.getvalue().strip()
        assert line.startswith("grading") and "30/30" in line and "/s" in line, (width, line)
        assert max(len(l) for l in out.getvalue().splitlines()) <= width


def test_demo_verbose_prints_every_submissions_feedback(monkeypatch, capsys, tmp_path):
    from autograder import cli
    demo_only(monkeypatch, ("correct", "buggy_relu_grad_one_at_zero"))
    assert cli.main(["demo", "--assignment", "activations", "-j", "1", "-v"]) == 0
    out = capsys.readouterr()
    assert "feedback for activations / buggy_relu_grad_one_at_zero" in out.out
    assert "feedback for activations / correct" in out.out
    assert "relu_grad" in out.out and "2/2" in out.err          # the feedback, and the progress bar


def test_the_demo_and_the_audit_draw_no_pictures(tmp_path, monkeypatch):
    """Nobody sees a picture in the demo's table or an audit's mutants: their jobs skip drawing them."""
    import types

    from autograder.assignments import get
    from autograder.audit import run as audit_run
    from autograder.batch import runner
    from autograder.commands.demo import demo_jobs
    jobs = demo_jobs(["relu_approx"], tmp_path, 0)
    assert jobs and all(job["images"] is False for job in jobs)
    asked = {}
    monkeypatch.setattr(runner, "run_batch", lambda *a, **kw: asked.update(kw) or types.SimpleNamespace(results=[]))
    audit_run._grade_seed(get("relu_approx"), [], 0, tmp_path, 1, False, {})
    assert asked["images"] is False
