"""Which submission is whose: plain folders, Canvas downloads, nbgrader trees, and bad input."""
from __future__ import annotations

import io
import os
import zipfile

import nbformat
import pytest

from autograder.batch.discover import DiscoveryError, discover, safe_id

CODE = "def relu(x):\n    return x\n"


@pytest.fixture
def staging(tmp_path):
    d = tmp_path / "staging"
    d.mkdir()
    return d


def notebook() -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(CODE)]
    return nbformat.writes(nb)


def zipped(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def test_plain_folder_one_entry_per_student(tmp_path, staging):
    root = tmp_path / "class"
    (root / "dave").mkdir(parents=True)
    (root / "dave" / "activations.py").write_text(CODE)
    (root / "alice.py").write_text(CODE)
    (root / "bob.ipynb").write_text(notebook())
    (root / "carol.zip").write_bytes(zipped({"activations.py": CODE}))
    (root / "notes.txt").write_text("not a submission")
    (root / ".DS_Store").write_text("")
    found = discover(root, "activations", staging)
    assert found.layout == "folder"
    assert [(e.student, e.path.name, e.error) for e in found.entries] == [
        ("alice", "alice.py", ""), ("bob", "bob.ipynb", ""), ("carol", "carol.zip", ""), ("dave", "dave", "")]
    assert found.problems == ["ignored notes.txt: not a .py, .ipynb or .zip file"]


def test_duplicate_student_ids_are_graded_neither_and_reported(tmp_path, staging):
    root = tmp_path / "class"
    root.mkdir()
    (root / "alice.py").write_text(CODE)
    (root / "alice.ipynb").write_text(notebook())
    (root / "bob.py").write_text(CODE)
    found = discover(root, "activations", staging)
    alice, bob = found.entries
    assert alice.path is None and "2 submissions were found for alice (alice.ipynb, alice.py)" in alice.error
    assert bob.error == "" and bob.path.name == "bob.py"
    assert any("alice" in p for p in found.problems)


def test_unreadable_entries_are_recorded_not_fatal(tmp_path, staging):
    root = tmp_path / "class"
    root.mkdir()
    (root / "alice.py").write_text(CODE)
    os.mkfifo(root / "fifo.py")                       # reading it would block forever
    (root / "gone.py").symlink_to(tmp_path / "nowhere.py")
    found = discover(root, "activations", staging)
    by_id = {e.student: e for e in found.entries}
    assert by_id["alice"].error == ""
    assert "fifo.py is not a regular file" in by_id["fifo"].error and by_id["fifo"].path is None
    assert "gone.py is a symbolic link" in by_id["gone"].error


def test_empty_folder_says_so(tmp_path, staging):
    (tmp_path / "class").mkdir()
    with pytest.raises(DiscoveryError, match="is empty"):
        discover(tmp_path / "class", "activations", staging)


def test_unknown_layout_shows_what_was_found(tmp_path, staging):
    root = tmp_path / "class"
    root.mkdir()
    for name in ("grades.xlsx", "readme.txt"):
        (root / name).write_text("x")
    with pytest.raises(DiscoveryError, match=r"no submissions found .*found grades\.xlsx, readme\.txt"):
        discover(root, "activations", staging)


def test_huge_class_folder_is_refused_before_it_is_walked(tmp_path, staging):
    root = tmp_path / "class"
    root.mkdir()
    for i in range(3000):
        (root / f"s{i}.py").touch()
    with pytest.raises(DiscoveryError, match="more than 1000 entries"):
        discover(root, "activations", staging, max_entries=1000)


def test_safe_ids_cannot_escape_the_output_folder():
    assert safe_id("../../etc/passwd") == "etc_passwd"
    assert safe_id("Jane Doe (2)") == "Jane_Doe_2"
    assert safe_id("...") == "student"


CANVAS_FILES = {
    "doejane_12345_6789012_activations.py": CODE,
    "smithbob_LATE_23456_6789013_activations.ipynb": None,         # a late notebook
    "leeann_34567_6789014_activations.py": "old",                  # submitted twice, plus a helper
    "leeann_34567_6789020_activations-1.py": CODE,
    "leeann_34567_6789015_helpers.py": "X = 1\n",
}


def write_canvas(folder):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in CANVAS_FILES.items():
        (folder / name).write_text(notebook() if text is None else text)


def check_canvas(found):
    assert found.layout == "canvas"
    by_id = {e.student: e for e in found.entries}
    assert sorted(by_id) == ["doejane_12345", "leeann_34567", "smithbob_23456"]
    assert by_id["smithbob_23456"].late and not by_id["doejane_12345"].late
    gathered = by_id["leeann_34567"].path
    assert sorted(p.name for p in gathered.iterdir()) == ["activations.py", "helpers.py"]
    assert (gathered / "activations.py").read_text() == CODE      # the newest attachment wins


def test_canvas_download_folder(tmp_path, staging):
    write_canvas(tmp_path / "canvas")
    check_canvas(discover(tmp_path / "canvas", "activations", staging))


def test_canvas_download_zip(tmp_path, staging):
    write_canvas(tmp_path / "canvas")
    archive = tmp_path / "submissions.zip"
    archive.write_bytes(zipped({p.name: p.read_bytes() for p in (tmp_path / "canvas").iterdir()}))
    check_canvas(discover(archive, "activations", staging))


def test_canvas_zip_bomb_is_refused_with_a_clear_message(tmp_path, staging):
    archive = tmp_path / "submissions.zip"
    archive.write_bytes(zipped({"doejane_1_2_activations.py": b"0" * 50_000_000}))
    with pytest.raises(DiscoveryError, match="looks like a zip bomb"):
        discover(archive, "activations", staging)
    assert not any((staging / "unpacked").glob("*"))


def test_nbgrader_course_and_submitted_folder(tmp_path, staging):
    course = tmp_path / "course"
    for student in ("alice", "bob"):
        folder = course / "submitted" / student / "activations"
        folder.mkdir(parents=True)
        (folder / "activations.ipynb").write_text(notebook())
        (folder / "timestamp.txt").write_text("2026-11-23 10:00:00")
    (course / "submitted" / "carol" / "backprop").mkdir(parents=True)    # did not hand this one in
    for root in (course, course / "submitted"):
        found = discover(root, "activations", staging)
        assert found.layout == "nbgrader"
        assert [(e.student, e.origin) for e in found.entries] == [
            ("alice", "submitted/alice/activations"), ("bob", "submitted/bob/activations")]
        assert found.problems == ["carol has no activations/ folder in submitted/ (not submitted)"]


def test_a_student_folder_holding_an_assignment_folder_is_not_mistaken_for_nbgrader(tmp_path, staging):
    root = tmp_path / "class"
    (root / "carol" / "activations").mkdir(parents=True)
    (root / "carol" / "activations" / "activations.py").write_text(CODE)
    (root / "alice.py").write_text(CODE)
    (root / "bob.py").write_text(CODE)
    found = discover(root, "activations", staging)
    assert found.layout == "folder" and [e.student for e in found.entries] == ["alice", "bob", "carol"]
