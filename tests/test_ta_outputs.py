"""The TA's side: where outputs go (devices, FIFOs, links, '-'), their permissions, and what
`nngrade list`, the loader and the notebook reader tell the TA.

Device nodes and FIFOs are made by the tests in tmp_path; the machine's /dev/null is never used.
"""
from __future__ import annotations

import json
import os
import stat
import threading
import warnings
from pathlib import Path

import nbformat
import pytest

from autograder.assignments import ROOT
from autograder.batch.discover import discover
from autograder.cli import main
from autograder.result import GradeResult, TestResult
from autograder.submission import prepare
from student_lib.notebook import read_cells
from student_lib.output import open_output, write_output

CORRECT = ROOT / "solutions" / "activations" / "activations.py"


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def batch_out(folder: Path) -> Path:
    folder.mkdir()
    tests = [TestResult("f: values", "f", 1.5, 2.0, "failed")]
    GradeResult("activations", "ada", "graded", 0, 0.1, tests, 2.0).write_json_atomic(folder / "ada.json")
    GradeResult("activations", "bob", "ungradable", 0, 0.1, [], 2.0,
                message="2 submissions were found for bob (bob.py, bob.ipynb)").write_json_atomic(folder / "bob.json")
    return folder


class Drain(threading.Thread):
    """Reads a FIFO to its end, as a pipe's reader would."""

    def __init__(self, path: Path):
        super().__init__(daemon=True)
        self.path, self.data = path, b""

    def run(self):
        with open(self.path, "rb") as f:
            self.data = f.read()


# ------------------------------------------------------------------ where outputs go
def test_a_regular_file_is_replaced_atomically_with_the_umask_or_its_own_mode(tmp_path, umask_022):
    new = tmp_path / "sub" / "new.json"
    write_output(new, "{}\n")
    assert new.read_text() == "{}\n" and stat.S_IMODE(new.stat().st_mode) == 0o644   # not 0600
    old = tmp_path / "old.csv"
    old.write_text("previous")
    old.chmod(0o640)
    inode = old.stat().st_ino
    write_output(old, "a,b\n")
    assert old.read_text() == "a,b\n" and stat.S_IMODE(old.stat().st_mode) == 0o640
    assert old.stat().st_ino != inode                       # a new file renamed over the old one
    with pytest.raises(RuntimeError), open_output(old) as f:
        f.write("half")
        raise RuntimeError("crash while writing")
    assert old.read_text() == "a,b\n" and sorted(p.name for p in tmp_path.iterdir()) == ["old.csv", "sub"]


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    write_output(link, "new")
    assert link.is_symlink() and target.read_text() == "new"


def test_export_to_a_fifo_writes_into_the_pipe(tmp_path):
    out = batch_out(tmp_path / "out")
    fifo = tmp_path / "grades.fifo"
    os.mkfifo(fifo)
    reader = Drain(fifo)
    reader.start()
    assert main(["export", "moodle", str(out), "-o", str(fifo), "--identifier", "username"]) == 0
    reader.join(timeout=20)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)             # still a FIFO, not a regular file
    assert reader.data.decode().startswith("Username,") and b"ada,1.5" in reader.data


def test_grade_json_to_a_character_device_leaves_it_a_device(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))   # a /dev/null of our own
    except PermissionError:
        pytest.skip("this machine does not allow device nodes here")
    assert main(["grade", "activations", str(CORRECT), "--json", str(node), "--html", str(node)]) == 0
    mode = os.lstat(node).st_mode
    assert stat.S_ISCHR(mode) and os.major(os.lstat(node).st_rdev) == 1
    assert not any(p.name.startswith(".null") for p in tmp_path.iterdir())   # no temp file left


def test_dash_is_stdout_and_messages_go_to_stderr(tmp_path, capsys):
    out = batch_out(tmp_path / "out")
    assert main(["export", "moodle", str(out), "-o", "-", "--identifier", "email"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0] == "Email address,Activation functions and their gradients,Feedback"
    assert "wrote -" in captured.err and not (tmp_path / "-").exists()


# ------------------------------------------------------------------ what the TA is told
def test_list_tells_public_from_hidden_tests(capsys):
    assert main(["list", "backprop"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "hidden (result shown after the due date)" in text
    assert "public" in text and "hidden (result shown)" in text
    from autograder.grading.runner import collect_tests
    public = sum(g.points for g, is_public in collect_tests("backprop") if is_public)
    hidden = sum(g.points for g, is_public in collect_tests("backprop") if not is_public)
    assert f"{public:g} public, {hidden:g} hidden" in text and public > 0 and hidden > 0


def test_other_files_in_a_student_folder_are_listed_as_ignored(tmp_path):
    folder = tmp_path / "dave"
    folder.mkdir()
    (folder / "activations.py").write_text("def relu(x):\n    return x\n")
    (folder / "notes.txt").write_text("my notes")
    (folder / ".DS_Store").write_bytes(b"\0")
    work = tmp_path / "work"
    work.mkdir()
    notes = prepare(folder, "activations.py", work).notes
    assert notes == ["ignored in the folder dave: notes.txt (only activations.py is graded)"]


def test_canvas_files_that_are_not_code_are_listed_as_ignored(tmp_path):
    canvas = tmp_path / "canvas"
    canvas.mkdir()
    (canvas / "leeann_34567_6789014_activations.py").write_text("def relu(x):\n    return x\n")
    (canvas / "leeann_34567_6789015_notes.txt").write_text("notes")
    (canvas / "doejane_12345_6789012_activations.py").write_text("def relu(x):\n    return x\n")
    staging = tmp_path / "staging"
    staging.mkdir()
    found = discover(canvas, "activations", staging)
    assert "leeann_34567: ignored notes.txt (not a .py, .ipynb or .zip file)" in found.problems


def notebook_without_cell_ids() -> bytes:
    """nbformat 4.5 whose cells have no `id`, as notebooks written by other tools often are."""
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                       "cells": [{"cell_type": "code", "execution_count": 1, "metadata": {},
                                  "outputs": [], "source": ["def relu(x):\n", "    return x\n"]}]}).encode()


def test_notebooks_without_cell_ids_do_not_flood_the_console_with_missing_id_warnings():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nbformat.reads(notebook_without_cell_ids().decode(), as_version=4)    # the flood's source
        assert caught, "nbformat no longer warns: this test proves nothing"
        caught.clear()
        cells = read_cells(notebook_without_cell_ids(), "old.ipynb")
    assert [c.source for c in cells] == ["def relu(x):\n    return x\n"] and caught == []


@pytest.mark.integration
def test_nbgrader_gradebook_import_does_not_turn_ungradable_into_zeros(tmp_path, capsys):
    pytest.importorskip("nbgrader")
    import subprocess
    import sys

    from nbgrader.api import Gradebook
    course = tmp_path / "course"
    assert main(["export", "nbgrader", "activations", "-o", str(course)]) == 0
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", "activations", "--force"],
                          cwd=course, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = tmp_path / "out"
    out.mkdir()
    GradeResult("activations", "ada", "graded", 0, 0.1, [TestResult("relu: values", "relu", 1.0, 2.0, "failed")],
                100.0).write_json_atomic(out / "ada.json")
    GradeResult("activations", "bob", "ungradable", 0, 0.1, [], 100.0,
                message="2 submissions were found for bob").write_json_atomic(out / "bob.json")
    db = course / "gradebook.db"

    def students() -> dict:
        with Gradebook(f"sqlite:///{db}") as gb:
            return {s.id: gb.find_grade("nngrade_relu", "activations", "activations", s.id).auto_score
                    for s in gb.students}

    assert main(["export", "nbgrader-gradebook", str(out), "--db", str(db), "--assignment", "activations"]) == 0
    assert students() == {"ada": 1.0}
    assert "bob (2 submissions were found for bob)" in capsys.readouterr().err
    assert main(["export", "nbgrader-gradebook", str(out), "--db", str(db), "--assignment", "activations",
                 "--missing", "zero"]) == 0
    assert students() == {"ada": 1.0, "bob": 0.0}
