"""Exporters: nngrade's results and suites in the shapes LMSs and other graders read.

    gradescope.py         the autograder zip (setup.sh, run_autograder, a bundled wheel)
    gradescope_runtime.py what runs inside Gradescope: grade /autograder/submission
    canvas.py             Canvas gradebook CSV, and an optional push through the REST API
    moodle.py             Moodle grade-import CSV
    nbgrader.py           an nbgrader course (source notebook) and gradebook import
    otter.py              an otter-grader assign notebook
    notebook_runtime.py   what the nbgrader/otter test cells call: grade in a subprocess
    github_classroom.py   .github/workflows/classroom.yml for a handout
    results.py            reading a batch output folder; what an export reports back
    roster.py             matching nngrade's student ids to an LMS roster
    command.py            `nngrade export ...`

Exporters read the result model (`autograder.result`); they never re-run
grading. Only the *runtime* glue (Gradescope, notebook test cells) calls the
engine, because that is where the grading happens.
"""
