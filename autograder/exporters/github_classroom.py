"""GitHub Classroom: `.github/workflows/classroom.yml` for a handout.

The workflow has the shape GitHub Classroom itself generates: grader steps
(`classroom-resources/autograding-command-grader@v1`), each with an `id`,
whose `result` output is a base64 JSON summary, and a final
`classroom-resources/autograding-grading-reporter@v1` step reading them from
`<ID>_RESULTS` environment variables. The summary format (what the reporter
reads) is

    {"version": 1, "status": "pass"|"fail"|"error", "max_score": 10,
     "tests": [{"name": "...", "status": "pass"|"fail"|"error", "score": 2,
                "message": "...", "line_no": 0, "execution_time": "0.3s"}]}

Steps:
1. public checks: `python -m student_lib check <id>.py` (exit code 0 when every
   public test passes): all the public points or none.
2. optional (`hidden_suite=True`): the hidden suite, through the Gradescope
   autograder zip downloaded with a grading token (repository or organisation
   secrets `NNGRADE_AUTOGRADER_URL`, `NNGRADE_GRADING_TOKEN`); `summary`
   below turns its results.json into the reporter's JSON, per visible test,
   with tests students may not see yet summed into one line.

    python -m autograder.exporters.github_classroom HANDOUT_DIR ID [--hidden-suite]
    python -m autograder.exporters.github_classroom summary results.json   # result=<base64>
"""
from __future__ import annotations

import argparse
import base64
import json
import sys
from pathlib import Path

import yaml

from autograder.assignments import get

REPORTER = "classroom-resources/autograding-grading-reporter@v1"
COMMAND_GRADER = "classroom-resources/autograding-command-grader@v1"

HIDDEN_SCRIPT = """\
set -euo pipefail
if [ -z "${NNGRADE_GRADING_TOKEN:-}" ] || [ -z "${NNGRADE_AUTOGRADER_URL:-}" ]; then
    echo "::error::set the secrets NNGRADE_AUTOGRADER_URL and NNGRADE_GRADING_TOKEN"; exit 1
fi
AG="$RUNNER_TEMP/nngrade"
mkdir -p "$AG/source" "$AG/submission" "$AG/results"
curl -fsSL -H "Authorization: Bearer $NNGRADE_GRADING_TOKEN" "$NNGRADE_AUTOGRADER_URL" -o "$AG/autograder.zip"
unzip -q "$AG/autograder.zip" -d "$AG/source"
bash "$AG/source/setup.sh" > "$AG/setup.log"
cp {student_file} "$AG/submission/"
NNGRADE_AUTOGRADER_ROOT="$AG" bash "$AG/source/run_autograder"
python3 -m autograder.exporters.github_classroom summary "$AG/results/results.json" >> "$GITHUB_OUTPUT"
"""


def public_points(assignment_id: str) -> float:
    """Points of the public tests (what `student_lib check` runs)."""
    import pytest

    from grading_contract.rubric import read_grade
    assignment = get(assignment_id)
    if not assignment.public_tests.exists():
        return 0.0

    class Collect:
        points = 0.0

        def pytest_collection_modifyitems(self, items):
            Collect.points = sum(g.points for g in map(read_grade, items) if g is not None)

    from autograder.assignments import SUITES_DIR
    pytest.main([str(assignment.public_tests), "--collect-only", "-c", str(SUITES_DIR / "pytest.ini"),
                 "--rootdir", str(assignment.handout_dir), "-p", "no:cacheprovider",
                 "-p", "grading_contract.rubric", "-p", "no:terminal"], plugins=[Collect()])
    return Collect.points


def workflow(assignment_id: str, *, hidden_suite: bool = False, python: str = "3.11",
             requirements: bool = False) -> dict:
    """The workflow as a dict (written as YAML by `add_workflow`).

    `requirements`: the handout has a requirements.txt to install (else numpy, pytest, rich).
    """
    assignment = get(assignment_id)
    install = ("python -m pip install --quiet -r requirements.txt" if requirements
               else "python -m pip install --quiet numpy pytest rich")
    steps: list[dict] = [
        {"name": "Checkout code", "uses": "actions/checkout@v4"},
        {"name": "Set up Python", "uses": "actions/setup-python@v5", "with": {"python-version": python}},
        {"name": "Public checks", "id": "public-checks", "uses": COMMAND_GRADER, "with": {
            "test-name": f"Public checks: python -m student_lib check {assignment.student_file}",
            "setup-command": install,
            "command": f"python -m student_lib check {assignment.student_file}",
            "timeout": 10, "max-score": _int(public_points(assignment_id))}},
    ]
    runners = ["public-checks"]
    job: dict = {"runs-on": "ubuntu-latest", "if": "github.actor != 'github-classroom[bot]'"}
    if hidden_suite:   # needs both secrets: without them this step fails, saying so
        steps.append({"name": "Hidden tests (nngrade)", "id": "hidden-tests", "timeout-minutes": 15,
                      "env": {"NNGRADE_AUTOGRADER_URL": "${{ secrets.NNGRADE_AUTOGRADER_URL }}",
                              "NNGRADE_GRADING_TOKEN": "${{ secrets.NNGRADE_GRADING_TOKEN }}"},
                      "run": HIDDEN_SCRIPT.replace("{student_file}", assignment.student_file)})
        runners.append("hidden-tests")
    steps.append({"name": "Autograding Reporter", "uses": REPORTER, "if": "always()",
                  "env": {f"{r.upper()}_RESULTS": f"${{{{steps.{r}.outputs.result}}}}" for r in runners},
                  "with": {"runners": ",".join(runners)}})
    job["steps"] = steps
    return {"name": "Autograding Tests", "on": ["push", "workflow_dispatch", "repository_dispatch"],
            "permissions": {"checks": "write", "actions": "read", "contents": "read"},
            "jobs": {"run-autograding-tests": job}}


def add_workflow(handout_dir: Path, assignment_id: str, *, hidden_suite: bool = False) -> Path:
    """Write `.github/workflows/classroom.yml` into the handout; returns its path."""
    path = Path(handout_dir) / ".github" / "workflows" / "classroom.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    spec = workflow(assignment_id, hidden_suite=hidden_suite,
                    requirements=(Path(handout_dir) / "requirements.txt").exists())
    text = yaml.dump(spec, Dumper=_Dumper,
                     sort_keys=False, width=100, allow_unicode=True)
    # PyYAML quotes the key 'on' (a boolean in YAML 1.1), as GitHub Classroom's own files do.
    path.write_text("# GitHub Classroom autograding for nngrade: see the nngrade README, "
                    "\"GitHub Classroom\".\n" + text)
    return path


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (the run script) as readable `|` blocks."""


_Dumper.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None))


def summary(gradescope_results: dict) -> dict:
    """results.json (Gradescope format) → the classroom reporter's JSON summary."""
    tests, later_score, later_max = [], 0.0, 0.0
    for t in gradescope_results.get("tests", []):
        if t.get("visibility", "visible") != "visible":
            later_score += t.get("score", 0.0)
            later_max += t.get("max_score", 0.0)
            continue
        tests.append({"name": t["name"], "status": "pass" if t.get("status") == "passed" else "fail",
                      "score": t.get("score", 0.0), "message": (t.get("output") or "")[:2000],
                      "line_no": 0, "execution_time": "0s"})
    if later_max:
        tests.append({"name": "Tests shown after grading", "score": round(later_score, 6),
                      "status": "pass" if later_score >= later_max else "fail",
                      "message": "", "line_no": 0, "execution_time": "0s"})
    max_score = round(sum(t.get("max_score", 0.0) for t in gradescope_results.get("tests", [])), 6)
    status = "pass" if all(t["status"] == "pass" for t in tests) and tests else "fail"
    return {"version": 1, "status": status, "max_score": max_score, "tests": tests}


def encode(data: dict) -> str:
    return base64.b64encode(json.dumps(data).encode()).decode()


def _int(x: float):
    return int(x) if float(x).is_integer() else x


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "summary":
        data = json.loads(Path(argv[1]).read_text())
        print(f"result={encode(summary(data))}")
        return 0
    parser = argparse.ArgumentParser(prog="python -m autograder.exporters.github_classroom")
    parser.add_argument("handout_dir")
    parser.add_argument("assignment")
    parser.add_argument("--hidden-suite", action="store_true",
                        help="also run the hidden suite (needs the grading token secrets)")
    args = parser.parse_args(argv)
    print(add_workflow(Path(args.handout_dir), args.assignment, hidden_suite=args.hidden_suite))
    return 0


if __name__ == "__main__":
    sys.exit(main())
