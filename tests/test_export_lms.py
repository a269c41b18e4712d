"""Canvas and Moodle exports from a batch output folder (no grading involved)."""
from __future__ import annotations

import csv
import io
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from budgets import POLL

from autograder.cli import main
from autograder.exporters import canvas, moodle
from autograder.exporters.results import ResultsError, load_results
from autograder.exporters.roster import canvas_download_id, squeeze
from autograder.result import GradeResult, TestResult

ROSTER = """\
Student,ID,SIS User ID,SIS Login ID,Section,Homework 1 (111)
    Points Possible,,,,,10
"Lovelace, Ada",1001,S1,ada@uni.edu,Lab A,9
"Hopper, Grace",1002,S2,grace@uni.edu,Lab A,
"Turing, Alan",1003,S3,alan@uni.edu,Lab B,7
"Student, Test",1099,,,Lab B,
"""

MOODLE_ROSTER = """\
First name,Last name,ID number,Email address,Username
Ada,Lovelace,S1,ada@uni.edu,ada
Grace,Hopper,S2,grace@uni.edu,grace
Alan,Turing,S3,alan@uni.edu,alan
"""


def result(student: str, scores: list[float], status="graded") -> GradeResult:
    tests = [TestResult(f"f{i}: values", f"f{i}", s, 2.0, "passed" if s == 2 else "failed")
             for i, s in enumerate(scores)]
    return GradeResult("backprop", student, status, 0, 0.5, tests if status == "graded" else [],
                       2.0 * len(scores), message="" if status == "graded" else "SyntaxError")


@pytest.fixture
def batch_out(tmp_path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    # ada by login, alan by Canvas's download name, bob matches nobody; grace is missing
    for r in (result("ada", [2.0, 1.5]), result("turingalan_1003_55_backprop", [2.0, 2.0]),
              result("bob", [0.0, 0.0])):
        r.write_json_atomic(out / f"{r.student}.json")
    (out / "notes.json").write_text('{"not": "a result"}')
    (out / "grades.csv").write_text("student,score\n")
    return out


@pytest.fixture
def roster(tmp_path) -> Path:
    path = tmp_path / "canvas_roster.csv"
    path.write_text(ROSTER)
    return path


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_load_results_ignores_other_files_and_checks_assignment(batch_out, tmp_path):
    assert list(load_results(batch_out)) == ["ada", "bob", "turingalan_1003_55_backprop"]
    with pytest.raises(ResultsError, match="not 'activations'"):
        load_results(batch_out, "activations")
    with pytest.raises(ResultsError, match="no nngrade results"):
        load_results(tmp_path)


def test_matching_helpers():
    assert squeeze("Lovelace, Ada") == "lovelaceada"
    assert canvas_download_id("turingalan_1003_55_backprop") == "1003"
    assert canvas_download_id("turingalan_LATE_1003_55_backprop.py") == "1003"
    assert canvas_download_id("ada") == ""


def test_canvas_csv_has_canvas_layout_and_every_roster_student(batch_out, roster, tmp_path):
    report = canvas.export_csv(batch_out, tmp_path / "grades.csv", roster, "Backprop", 4242)
    table = rows((tmp_path / "grades.csv").read_text())
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Backprop (4242)"]
    assert table[1] == ["    Points Possible", "", "", "", "", "4"]
    assert table[2:] == [["Lovelace, Ada", "1001", "S1", "ada@uni.edu", "Lab A", "3.5"],
                         ["Hopper, Grace", "1002", "S2", "grace@uni.edu", "Lab A", ""],
                         ["Turing, Alan", "1003", "S3", "alan@uni.edu", "Lab B", "4"]]
    assert report.missing == ["Hopper, Grace"] and report.unmatched == ["bob"]
    assert any("Hopper, Grace" in w for w in report.warnings())
    assert any("bob" in w for w in report.warnings())


def test_canvas_missing_zero(batch_out, roster, tmp_path):
    canvas.export_csv(batch_out, tmp_path / "g.csv", roster, "Backprop", 4242, missing="zero")
    assert rows((tmp_path / "g.csv").read_text())[3][-1] == "0"


def test_canvas_cli_warns_and_requires_assignment_id(batch_out, roster, tmp_path, capsys):
    out = tmp_path / "grades.csv"
    assert main(["export", "canvas", str(batch_out), "-o", str(out), "--roster", str(roster)]) == 2
    assert "--assignment-id" in capsys.readouterr().err
    assert main(["export", "canvas", str(batch_out), "-o", str(out), "--roster", str(roster),
                 "--assignment-id", "4242"]) == 0
    err = capsys.readouterr().err
    assert "warning" in err and "Hopper, Grace" in err
    assert rows(out.read_text())[0][-1].endswith("(4242)")   # default title: nngrade's


def test_moodle_csv_with_roster(batch_out, tmp_path):
    (tmp_path / "participants.csv").write_text(MOODLE_ROSTER)
    report = moodle.export_csv(batch_out, tmp_path / "m.csv", "Backprop", "username",
                               tmp_path / "participants.csv")
    table = rows((tmp_path / "m.csv").read_text())
    assert table[0] == ["Username", "Backprop", "Feedback"]
    # Canvas download names mean nothing to Moodle: that result is reported, not guessed
    assert [r[:2] for r in table[1:]] == [["ada", "3.5"], ["grace", ""], ["alan", ""]]
    assert "f1 1.5/2" in table[1][2]
    assert report.missing == ["grace", "alan"]
    assert report.unmatched == ["bob", "turingalan_1003_55_backprop"]


def test_moodle_without_roster_needs_to_be_told_what_the_ids_are(batch_out, tmp_path, capsys):
    out = tmp_path / "m.csv"
    assert main(["export", "moodle", str(batch_out), "-o", str(out)]) == 2
    assert "--roster" in capsys.readouterr().err and not out.exists()
    assert main(["export", "moodle", str(batch_out), "-o", str(out), "--assignment-title", "HW",
                 "--no-feedback", "--identifier", "username"]) == 0
    assert "batch's student ids as 'Username'" in capsys.readouterr().err
    assert rows(out.read_text()) == [["Username", "HW"], ["ada", "3.5"], ["bob", "0"],
                                     ["turingalan_1003_55_backprop", "4"]]


def test_ungradable_result_is_not_a_zero_unless_asked(tmp_path, roster, capsys):
    out = tmp_path / "out"
    result("ada", [2.0], status="ungradable").write_json_atomic(out / "ada.json")
    result("alan", [2.0, 1.0]).write_json_atomic(out / "alan.json")
    text, report = canvas.gradebook_csv(load_results(out), canvas.read_roster(roster), "B", 1)
    assert [r[-1] for r in rows(text)[2:]] == ["", "", "3"]          # ada, grace (no result), alan
    assert report.ungraded == ["Lovelace, Ada (SyntaxError)"] and report.missing == ["Hopper, Grace"]
    text, _ = canvas.gradebook_csv(load_results(out), canvas.read_roster(roster), "B", 1, missing="zero")
    assert [r[-1] for r in rows(text)[2:]] == ["0", "0", "3"]
    assert "could not grade" in canvas.comment(load_results(out)["ada"])
    csv_out = tmp_path / "m.csv"
    assert main(["export", "moodle", str(out), "-o", str(csv_out), "--identifier", "username"]) == 0
    assert rows(csv_out.read_text())[1][:2] == ["ada", ""]
    assert "1 submission(s) could not be graded, left empty" in capsys.readouterr().err


# ------------------------------------------------------------- Canvas REST push
class FakeCanvas(BaseHTTPRequestHandler):
    """Answers the three requests canvasapi makes; records them."""

    requests: list[tuple[str, str, dict, str]] = []

    def _reply(self, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802
        self.requests.append(("GET", self.path, {}, self.headers.get("Authorization", "")))
        if self.path.startswith("/api/v1/courses/7/assignments/99"):
            self._reply({"id": 99, "course_id": 7, "name": "Backprop"})
        elif self.path.startswith("/api/v1/courses/7"):
            self._reply({"id": 7, "name": "Neural networks"})
        else:
            self.send_error(404)

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length", 0))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        self.requests.append(("POST", self.path, form, self.headers.get("Authorization", "")))
        self._reply({"id": 1, "workflow_state": "queued", "url": "http://x/api/v1/progress/1"})

    def log_message(self, *args):
        pass


def push_to_fake_canvas(batch_out, roster, monkeypatch) -> None:
    """`nngrade export canvas ... --canvas-url` against FakeCanvas; its requests land in FakeCanvas.requests."""
    FakeCanvas.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeCanvas)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL}, daemon=True).start()
    try:
        monkeypatch.setenv("CANVAS_API_TOKEN", "sekrit")
        url = f"http://127.0.0.1:{server.server_address[1]}"
        assert main(["export", "canvas", str(batch_out), "--roster", str(roster),
                     "--canvas-url", url, "--course", "7", "--assignment", "99"]) == 0
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.filterwarnings("ignore:Canvas may respond unexpectedly")
def test_canvas_push_sends_one_bulk_update(batch_out, roster, monkeypatch, capsys):
    push_to_fake_canvas(batch_out, roster, monkeypatch)
    assert "posted 2 grades" in capsys.readouterr().out
    posts = [r for r in FakeCanvas.requests if r[0] == "POST"]
    assert len(posts) == 1
    _, path, form, auth = posts[0]
    assert path == "/api/v1/courses/7/assignments/99/submissions/update_grades"
    assert auth == "Bearer sekrit"
    assert form["grade_data[1001][posted_grade]"] == ["3.5"]
    assert form["grade_data[1003][posted_grade]"] == ["4"]
    assert "f1 1.5/2" in form["grade_data[1001][text_comment]"][0]
    assert not any("1002" in key for key in form)     # no result: left untouched


def test_canvas_push_needs_token(batch_out, roster, monkeypatch, capsys):
    monkeypatch.delenv("CANVAS_API_TOKEN", raising=False)
    assert main(["export", "canvas", str(batch_out), "--roster", str(roster), "--canvas-url",
                 "http://127.0.0.1:9", "--course", "7", "--assignment", "99"]) == 2
    assert "CANVAS_API_TOKEN" in capsys.readouterr().err


@pytest.mark.filterwarnings("ignore:Canvas may respond unexpectedly")
def test_canvas_push_leaves_ungradable_submissions_alone(batch_out, roster, monkeypatch, capsys):
    result("ada", [2.0], status="ungradable").write_json_atomic(batch_out / "ada.json")
    push_to_fake_canvas(batch_out, roster, monkeypatch)
    captured = capsys.readouterr()
    assert "posted 1 grades" in captured.out and "Lovelace, Ada (SyntaxError)" in captured.err
    [(_, _, form, _)] = [r for r in FakeCanvas.requests if r[0] == "POST"]
    assert not any("1001" in key for key in form) and form["grade_data[1003][posted_grade]"] == ["4"]
