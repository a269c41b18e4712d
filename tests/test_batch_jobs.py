"""Reading submissions into jobs in the batch's parent: bad input becomes a message, fast."""
from __future__ import annotations

import io
import time
import zipfile

from autograder.batch.jobs import Settings, make_job

SETTINGS = Settings("activations", seed=2)


def test_a_good_file_becomes_its_source_and_hash(tmp_path):
    (tmp_path / "ann.py").write_text("def relu(x):\n    return x\n")
    job = make_job(SETTINGS, "ann", tmp_path / "ann.py")
    assert job["source"] == "def relu(x):\n    return x\n" and len(job["sha256"]) == 64
    assert job["notes"] == ["graded ann.py as activations.py"] and job["error"] == ""
    assert job["seed"] == 2 and "hide" not in job


def test_a_folder_of_thousands_of_files_is_refused_early(tmp_path, monkeypatch):
    monkeypatch.setattr("autograder.submission.MAX_DIR_ENTRIES", 1000)
    folder = tmp_path / "bob"
    folder.mkdir()
    for i in range(3000):
        (folder / f"f{i}.txt").touch()
    start = time.monotonic()
    job = make_job(SETTINGS, "bob", folder)
    assert time.monotonic() - start < 5
    assert job["source"] is None and "more than 1000 entries" in job["error"]


def test_a_zip_bomb_is_refused_without_expanding_it(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("activations.py", b"#" * 20_000_000)
    (tmp_path / "cy.zip").write_bytes(buffer.getvalue())
    job = make_job(SETTINGS, "cy", tmp_path / "cy.zip")
    assert job["source"] is None and "zip bomb" in job["error"]


def test_a_discovery_error_is_kept_as_the_message(tmp_path):
    job = make_job(SETTINGS, "dee", None, error="2 submissions were found for dee")
    assert job["source"] is None and job["error"] == "2 submissions were found for dee"
