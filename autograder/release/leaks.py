"""What students must never see, as lines of text to look for.

- solution lines: every line inside `### BEGIN SOLUTION` / `### END SOLUTION`
  in `solutions/`;
- hidden lines: every line of the hidden suites (`autograder/suites/**/*.py`)
  except docstrings, which are the feedback messages by design.

Only *non-trivial* lines count (long enough to be specific, not an import or
a decorator), and a line that is public anyway (it occurs in a scaffold, the
public tests or `student_lib`) is no secret.
"""
from __future__ import annotations

import ast
import functools
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from autograder.assignments import SOLUTIONS_DIR, SUITES_DIR, all_assignments
from autograder.scaffold import strip_solutions

MIN_LENGTH = 16
_TRIVIAL = re.compile(r"^(import |from \S+ import |@|#|return \w+$|else:|try:|finally:|pass$|\)|\]|\})")


def normalize(line: str) -> str:
    """A line without indentation or trailing comment-free whitespace."""
    return line.strip()


def non_trivial(line: str) -> bool:
    line = normalize(line)
    return len(line) >= MIN_LENGTH and not _TRIVIAL.match(line)


def solution_regions(text: str) -> list[str]:
    lines, inside = [], False
    for line in text.splitlines():
        if "### BEGIN SOLUTION" in line:
            inside = True
        elif "### END SOLUTION" in line:
            inside = False
        elif inside:
            lines.append(line)
    return lines


def docstring_lines(source: str) -> set[int]:
    """Line numbers (1-based) covered by module, class and function docstrings."""
    covered: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                covered.update(range(first.lineno, first.end_lineno + 1))
    return covered


def public_text() -> str:
    """Code students see anyway: scaffolds, public tests, student_lib and grading_contract (READMEs
    do not count: a README that quotes a solution or hidden line is a leak)."""
    from autograder.release.handout import PACKAGES
    paths = [p for package in PACKAGES for p in Path(package.__file__).parent.glob("*.py")]
    texts = []
    for a in all_assignments():
        paths += [p for p in (a.scaffold, a.public_tests) if p.exists()]
        if a.solution is not None:   # the scaffold as it will be generated
            texts.append(strip_solutions(a.solution.read_text(encoding="utf-8"), str(a.solution)))
    texts += [p.read_text(encoding="utf-8") for p in paths]
    return "\n".join(normalize(line) for text in texts for line in text.splitlines())


def solution_secrets(solutions_dir: Path = SOLUTIONS_DIR) -> set[str]:
    public = public_text()
    return {normalize(line) for p in sorted(solutions_dir.glob("*/*.py"))
            for line in solution_regions(p.read_text(encoding="utf-8"))
            if non_trivial(line) and normalize(line) not in public}


def hidden_secrets(suites_dir: Path = SUITES_DIR) -> set[str]:
    public = public_text()
    secrets = set()
    for path in sorted(suites_dir.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        docs = docstring_lines(source)
        secrets |= {normalize(line) for i, line in enumerate(source.splitlines(), 1)
                    if i not in docs and non_trivial(line) and normalize(line) not in public}
    return secrets


def find_leaks(text: str, secrets: set[str]) -> list[str]:
    """The secret lines that occur in `text` (as a substring of one of its lines)."""
    if not secrets:
        return []
    return sorted(s for s in secrets if s in text)


# ------------------------------------------------------------ grading feedback
# Hidden expected values are full-precision numbers; feedback about hidden
# cases only ever shows sizes of errors, rounded to two significant digits.
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.])")
MAX_SIGNIFICANT = 4


def long_numbers(text: str) -> list[str]:
    """Decimals written with more than MAX_SIGNIFICANT significant digits (0.00197 has 3)."""
    found = []
    for number in NUMBER.findall(text):
        if "." not in number:    # counts, sizes, line numbers
            continue
        digits = re.split(r"[eE]", number)[0].replace(".", "").lstrip("0")
        if len(digits) > MAX_SIGNIFICANT:
            found.append(number)
    return found


def public_test_names(assignment_id: str) -> list[str]:
    """Shown names of the graded tests in the public test file, in order (grading runs them first)."""
    import pytest

    from autograder.assignments import get
    from grading_contract.rubric import read_grade

    class Collect:
        names: list[str] = []

        def pytest_collection_modifyitems(self, items):
            self.names = [g.name for g in map(read_grade, items) if g is not None]

    collector = Collect()
    pytest.main([str(get(assignment_id).public_tests), "--collect-only", "-p", "grading_contract.rubric",
                 "-p", "no:cacheprovider", "-p", "no:terminal"], plugins=[collector])
    return collector.names


def student_views(result: dict) -> dict[str, str]:
    """Every text a student can be shown for one result: JSON fields, table, HTML, markdown."""
    import html as htmllib

    from rich.console import Console

    from autograder.reports import html, markdown
    from autograder.reports.terminal import print_result
    console = Console(record=True, width=200, file=io.StringIO())
    print_result(result, console)
    page = html.render_result(result)
    return {
        "json": "\n".join([result.get("output", ""), result.get("message", "")]
                          + [t["name"] + "\n" + t.get("output", "") for t in result["tests"]]),
        "table": console.export_text(),
        "html": page + "\n" + htmllib.unescape(page),
        "markdown": markdown.render_result(result),
    }


def hidden_part(result: dict, public_names: list[str]) -> dict:
    """The result restricted to the hidden suite's tests (those after the public ones)."""
    n = len(public_names)
    if [t["name"] for t in result["tests"][:n]] != public_names:
        raise ValueError("the result does not start with the public tests")
    return {**result, "output": "", "message": "", "seed": 0, "execution_time": 0.0,
            "submission_sha256": "", "suite_version": "",
            "tests": result["tests"][n:]}


@functools.cache
def public_numbers() -> frozenset[str]:
    """Numbers a student has in the handout anyway (constants in the scaffold, hints): not secrets."""
    from student_lib.hints import HINTS_FILE
    texts = [public_text()] + [(a.handout_dir / name).read_text(encoding="utf-8")
                               for a in all_assignments() for name in (HINTS_FILE, "README.md")
                               if (a.handout_dir / name).exists()]
    return frozenset(n for text in texts for n in NUMBER.findall(text))


def feedback_problems(result: dict, public_names: list[str], secrets: set[str],
                      views: dict[str, str] | None = None) -> list[str]:
    """What a student could learn that they must not: hidden lines anywhere, long numbers in hidden feedback.

    `views`: `student_views(result)`, if the caller has them already (they are rendered once).
    """
    views = student_views(result) if views is None else views
    problems = [f"{view}: hidden line {line!r}" for view, text in views.items()
                for line in find_leaks(text, secrets)]
    hidden = hidden_part(result, public_names)
    scores = {f"{x:g}" for x in [hidden["score"]] + [t["score"] for t in hidden["tests"]]}  # points, not values
    scores |= public_numbers()
    for view, text in student_views(hidden).items():
        if view == "html":
            text = re.sub(r"base64,[A-Za-z0-9+/=]+", "", text)
        problems += [f"{view}: number {n!r} in hidden-test feedback" for n in long_numbers(text) if n not in scores]
    return problems


# ------------------------------------------------------------ the whole audit
@dataclass
class Audit:
    """What `audit_examples` found for one assignment's example submissions."""

    secrets: set[str]
    results: dict[str, dict] = field(default_factory=dict)
    feedback_problems: dict[str, list[str]] = field(default_factory=dict)
    check_problems: dict[str, list[str]] = field(default_factory=dict)
    unnamed_bugs: dict[str, list[str]] = field(default_factory=dict)


def check_output(assignment_id: str, submission: Path) -> str:
    """What `python -m student_lib check SUBMISSION` prints, run in the assignment's folder."""
    import contextlib
    import os

    from autograder.assignments import get
    from student_lib import check
    buffer, here = io.StringIO(), Path.cwd()
    os.chdir(get(assignment_id).handout_dir)
    try:
        with contextlib.redirect_stdout(buffer):
            check.main([str(submission)])
    finally:
        os.chdir(here)
    return buffer.getvalue()


def audit_examples(assignment_id: str, workdir: Path, seed: int = 0, results: dict | None = None,
                   check_outputs: dict[str, str] | None = None) -> Audit:
    """Grade the solution and every bug once; search all student views for secrets.

    `results`: {example name: result dict} already graded at `seed` (then nothing is graded again).
    `check_outputs`: {example name: what `check_output` printed for it}, if the caller ran `check`
    on the examples already (then it is not run again).
    """
    from autograder.examples import bugs, materialize
    from autograder.grading import grade_submission
    from autograder.reports.feedback import by_function
    from autograder.sandbox import Zygote

    audit = Audit(hidden_secrets())
    public = public_test_names(assignment_id)
    examples = {k: v for k, v in materialize(assignment_id, workdir).items() if not k.startswith("hostile_")}
    if results is not None:
        audit.results = {name: results[name] for name in examples}
    else:
        with Zygote() as zygote:
            for name, path in examples.items():
                audit.results[name] = grade_submission(assignment_id, path, seed=seed, student=name,
                                                       sandbox=zygote).to_dict()
    views = {}      # each result's student views, rendered once (the bugs' HTML is searched below)
    for name, path in examples.items():
        views[name] = student_views(audit.results[name])
        found = feedback_problems(audit.results[name], public, audit.secrets, views[name])
        if found:
            audit.feedback_problems[name] = found
        printed = check_outputs[name] if check_outputs is not None else check_output(assignment_id, path)
        leaked = find_leaks(printed, audit.secrets)
        if leaked:
            audit.check_problems[name] = leaked
    for bug in bugs(assignment_id):
        groups = {g.function: g for g in by_function(audit.results[f"buggy_{bug.name}"])}
        page = views[f"buggy_{bug.name}"]["html"]
        missing = [f for f in bug.functions
                   if f not in groups or groups[f].state != "lost points" or f'id="fn-{f}"' not in page
                   or not (groups[f].hint or groups[f].cause)]
        if missing:
            audit.unnamed_bugs[bug.name] = missing
    return audit
