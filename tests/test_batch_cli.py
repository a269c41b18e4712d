"""`nngrade batch` on the command line: usage errors are clear and exit 2."""
from __future__ import annotations

from autograder.cli import main


def test_empty_folder_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "class").mkdir()
    assert main(["batch", "activations", str(tmp_path / "class"), "-o", str(tmp_path / "out")]) == 2
    assert "is empty" in capsys.readouterr().err


def test_unknown_layout_says_what_was_found(tmp_path, capsys):
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "marks.xlsx").write_text("x")
    assert main(["batch", "activations", str(tmp_path / "class"), "-o", str(tmp_path / "out")]) == 2
    assert "found marks.xlsx" in capsys.readouterr().err


def test_unknown_assignment_and_missing_folder(tmp_path, capsys):
    assert main(["batch", "convnets", str(tmp_path), "-o", str(tmp_path / "out")]) == 2
    assert "unknown assignment 'convnets'" in capsys.readouterr().err
    assert main(["batch", "activations", str(tmp_path / "nope"), "-o", str(tmp_path / "out")]) == 2
    assert "no such folder" in capsys.readouterr().err


def test_help_names_every_option(capsys):
    try:
        main(["batch", "--help"])
    except SystemExit as exc:
        assert exc.code == 0
    text = capsys.readouterr().out
    for option in ("-o OUT", "-j N", "--resume", "--seed", "--scheduler ADDRESS"):
        assert option in text
