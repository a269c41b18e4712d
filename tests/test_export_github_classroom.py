"""The GitHub Classroom workflow: valid YAML of the shape Classroom reads, and the summary JSON."""
from __future__ import annotations

import base64
import json

import yaml

from autograder.exporters.github_classroom import add_workflow, encode, main, public_points, summary

ASSIGNMENT = "backprop"


def load(path) -> dict:
    return yaml.safe_load(path.read_text())


def test_public_workflow(tmp_path):
    path = add_workflow(tmp_path, ASSIGNMENT)
    assert path == tmp_path / ".github" / "workflows" / "classroom.yml"
    wf = load(path)
    assert set(wf["on"]) >= {"push", "workflow_dispatch"}        # the 'on' key survives YAML 1.1
    assert wf["permissions"]["checks"] == "write"
    [job] = wf["jobs"].values()
    steps = {s.get("id", s["name"]): s for s in job["steps"]}
    grader = steps["public-checks"]
    assert grader["uses"] == "classroom-resources/autograding-command-grader@v1"
    assert grader["with"]["command"] == "python -m student_lib check backprop.py"
    assert grader["with"]["max-score"] == public_points(ASSIGNMENT) > 0
    assert "numpy" in grader["with"]["setup-command"]
    reporter = job["steps"][-1]
    assert reporter["uses"] == "classroom-resources/autograding-grading-reporter@v1"
    assert reporter["with"]["runners"] == "public-checks"
    assert reporter["env"] == {"PUBLIC-CHECKS_RESULTS": "${{steps.public-checks.outputs.result}}"}
    assert "hidden-tests" not in steps and "secrets" not in path.read_text()


def test_hidden_suite_workflow_uses_secrets_and_the_zip(tmp_path):
    (tmp_path / "requirements.txt").write_text("numpy\n")   # a released handout has one
    wf = load(add_workflow(tmp_path, ASSIGNMENT, hidden_suite=True))
    steps = {s.get("id", s["name"]): s for s in wf["jobs"]["run-autograding-tests"]["steps"]}
    assert steps["public-checks"]["with"]["setup-command"].endswith("-r requirements.txt")
    hidden = steps["hidden-tests"]
    assert hidden["env"]["NNGRADE_GRADING_TOKEN"] == "${{ secrets.NNGRADE_GRADING_TOKEN }}"
    for needed in ("setup.sh", "run_autograder", "NNGRADE_AUTOGRADER_ROOT", "cp backprop.py",
                   "github_classroom summary", "$GITHUB_OUTPUT"):
        assert needed in hidden["run"]
    reporter = steps["Autograding Reporter"]
    assert reporter["if"] == "always()"
    assert reporter["with"]["runners"] == "public-checks,hidden-tests"
    assert reporter["env"]["HIDDEN-TESTS_RESULTS"] == "${{steps.hidden-tests.outputs.result}}"


GS_RESULTS = {"score": 5.5, "tests": [
    {"name": "relu: values", "score": 2.0, "max_score": 2.0, "status": "passed",
     "visibility": "visible", "output": ""},
    {"name": "relu: float32", "score": 0.0, "max_score": 1.0, "status": "failed",
     "visibility": "visible", "output": "float64 came back"},
    {"name": "secret one", "score": 3.5, "max_score": 4.0, "status": "failed",
     "visibility": "hidden", "output": "expected 42"},
]}


def test_summary_is_what_the_reporter_reads_and_hides_hidden_tests():
    data = summary(GS_RESULTS)
    assert data["version"] == 1 and data["status"] == "fail" and data["max_score"] == 7.0
    assert [(t["name"], t["status"], t["score"]) for t in data["tests"]] == [
        ("relu: values", "pass", 2.0), ("relu: float32", "fail", 0.0),
        ("Tests shown after grading", "fail", 3.5)]
    assert sum(t["score"] for t in data["tests"]) == GS_RESULTS["score"]
    assert "secret one" not in json.dumps(data) and "42" not in json.dumps(data)
    assert json.loads(base64.b64decode(encode(data))) == data


def test_summary_command_prints_a_github_output_line(tmp_path, capsys):
    path = tmp_path / "results.json"
    full = {"tests": [dict(GS_RESULTS["tests"][0])]}
    path.write_text(json.dumps(full))
    assert main(["summary", str(path)]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("result=")
    assert json.loads(base64.b64decode(line.removeprefix("result=")))["status"] == "pass"
