"""The contract between the grader and a student's code, shared by grading and local checks.

    calls.py     what calling a student's function means: copies of the arguments,
                 plain values back (anything else becomes an opaque Handle), what a
                 call observed (CallInfo), the errors a student reads
    wire.py      what may cross the sandbox's wire as a spec (e.g. a target function):
                 one registry that every such type joins through `register`
    rubric.py    the pytest plugin of public tests and hidden suites: the `grade`
                 marker, the `student`/`rng`/`seed`/`credit`/`attach` fixtures
    outcome.py   one graded test's outcome, the same record locally and at grade time

The sandbox (`autograder/sandbox`) and the student's toolkit (`student_lib`) both
import this package; it imports neither. The student handout ships it beside
`student_lib`, so `python -m student_lib check` and `nngrade grade` mean the same.
"""
__version__ = "0.1.0"
