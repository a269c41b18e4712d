"""What students hand in, good and bad: .py, folders, zips, notebooks."""
from __future__ import annotations

import importlib.util
import io
import stat
import zipfile

import nbformat
import pytest

from autograder.submission import MAX_DIR_ENTRIES, SubmissionError, notebook_code, prepare

NAME = "activations.py"
CODE = "import numpy as np\n\ndef relu(x):\n    return np.maximum(x, 0)\n"


@pytest.fixture
def work(tmp_path):
    d = tmp_path / "work"
    d.mkdir()
    return d


def make_zip(path, members: dict, links: tuple = ()):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            z.writestr(info, "/etc/passwd")
    return path


def test_py_file_is_graded_under_the_expected_name(tmp_path, work):
    src = tmp_path / "my_work.py"
    src.write_text(CODE)
    prepared = prepare(src, NAME, work)
    assert prepared.path == work / NAME and prepared.path.read_text() == CODE
    assert "graded my_work.py as activations.py" in prepared.notes
    assert len(prepared.sha256) == 64


def test_folder_with_the_file_nested(tmp_path, work):
    (tmp_path / "sub" / "deep").mkdir(parents=True)
    (tmp_path / "sub" / "deep" / NAME).write_text(CODE)
    (tmp_path / "sub" / "notes.txt").write_text("hi")
    assert prepare(tmp_path / "sub", NAME, work).path.read_text() == CODE


def test_folder_without_the_file_says_what_it_found(tmp_path, work):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("x")
    (tmp_path / "sub" / "b.csv").write_text("x")
    with pytest.raises(SubmissionError, match=r"does not contain activations\.py \(found: a\.txt, b\.csv\)"):
        prepare(tmp_path / "sub", NAME, work)


def test_folder_with_too_many_entries_is_refused_early(tmp_path, work, monkeypatch):
    monkeypatch.setattr("autograder.submission.MAX_DIR_ENTRIES", 50)
    big = tmp_path / "big"
    big.mkdir()
    for i in range(60):
        (big / f"f{i}.txt").write_text("")
    with pytest.raises(SubmissionError, match="more than 50 entries"):
        prepare(big, NAME, work)
    assert MAX_DIR_ENTRIES >= 1000   # the real limit is generous


def test_zip_with_the_file(tmp_path, work):
    z = make_zip(tmp_path / "s.zip", {"hw/" + NAME: CODE, "__MACOSX/hw/._x": "junk"})
    assert prepare(z, NAME, work).path.read_text() == CODE


@pytest.mark.parametrize("member", ["../evil.py", "/abs/evil.py", "a/../../evil.py", "C:/evil.py"])
def test_zip_slip_is_refused(tmp_path, work, member):
    z = make_zip(tmp_path / "s.zip", {member: CODE, NAME: CODE})
    with pytest.raises(SubmissionError, match="outside the zip|path outside"):
        prepare(z, NAME, work)
    assert not (tmp_path / "evil.py").exists()


def test_zip_with_a_symlink_is_refused(tmp_path, work):
    z = make_zip(tmp_path / "s.zip", {NAME: CODE}, links=("link.py",))
    with pytest.raises(SubmissionError, match="symbolic link"):
        prepare(z, NAME, work)


def test_zip_bomb_is_refused_without_inflating_it(tmp_path, work):
    # 30 MB of zeros compress to ~30 KB; it is never extracted
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open(NAME, "w", force_zip64=True) as f:
            chunk = b"\0" * (1 << 20)
            for _ in range(30):
                f.write(chunk)
    (tmp_path / "bomb.zip").write_bytes(buf.getvalue())
    with pytest.raises(SubmissionError, match="zip bomb"):
        prepare(tmp_path / "bomb.zip", NAME, work)


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 truncated", b"not a zip at all"])
def test_corrupt_or_empty_zip(tmp_path, work, data):
    (tmp_path / "s.zip").write_bytes(data)
    with pytest.raises(SubmissionError, match="not a valid zip"):
        prepare(tmp_path / "s.zip", NAME, work)


def test_notebook_code_cells_with_magics_and_shell_lines_dropped(tmp_path, work):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# My work"),
                nbformat.v4.new_code_cell("%matplotlib inline\n!pip install numpy\nimport numpy as np"),
                nbformat.v4.new_code_cell("%%timeit\nrelu(1)"),
                nbformat.v4.new_code_cell("def relu(x):\n    %time 1\n    return np.maximum(x, 0)")]
    path = tmp_path / "hw.ipynb"
    nbformat.write(nb, path)
    prepared = prepare(path, NAME, work)
    code = prepared.path.read_text()
    spec = importlib.util.spec_from_file_location("converted_hw", prepared.path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.relu(-1) == 0 and "%%timeit" not in code and "pip install" in code


@pytest.mark.parametrize("data", [b"{not json", b'{"cells": 3}', b""])
def test_corrupt_notebook(data):
    with pytest.raises(SubmissionError, match="not a readable notebook"):
        notebook_code(data, "hw.ipynb")


def test_missing_unknown_and_binary_files(tmp_path, work):
    with pytest.raises(SubmissionError, match="nothing was found"):
        prepare(tmp_path / "nope.py", NAME, work)
    (tmp_path / "hw.docx").write_bytes(b"\x00\x01")
    with pytest.raises(SubmissionError, match="not something nngrade can grade"):
        prepare(tmp_path / "hw.docx", NAME, work)
    (tmp_path / "latin.py").write_bytes("x = 'é'".encode("latin-1"))
    with pytest.raises(SubmissionError, match="not UTF-8"):
        prepare(tmp_path / "latin.py", NAME, work)


def test_symlinked_submission_is_refused(tmp_path, work):
    (tmp_path / "link.py").symlink_to("/etc/passwd")
    with pytest.raises(SubmissionError, match="symbolic link"):
        prepare(tmp_path / "link.py", NAME, work)
