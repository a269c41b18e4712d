"""How good is a hidden suite? Mutate the reference, grade every mutant, see what survives.

    report = run_audit("ID", "audit-out/", seeds=3, workers=2)

1. `mutants.generate` edits each solution region once per mutant.
2. Each seed is one `nngrade batch` run (`autograder.batch`: parallel, each mutant
   in its own sandboxed worker, resumable) over the mutants that earlier seeds
   did not kill, with the reference beside them (it must keep full marks, or the
   audit stops: a suite that fails the reference cannot be audited).
   A mutant is killed when it loses points; by the public tests when one of
   them lost points, else by the hidden suite.
3. Survivors are replayed against the reference on the suites' calls from other
   seeds (`equivalence`, also in the sandbox); no difference = likely equivalent.
4. Survivors listed in `autograder/suites/<id>/audit_accepted.toml` carry the
   reviewer's reason.

    OUT/seed-<s>/in/<mutant>.py    what that seed grades
    OUT/seed-<s>/results/          the batch's results (kept: --resume reuses them)
"""
from __future__ import annotations

import re
import shutil
import tomllib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from autograder.assignments import get
from autograder.audit.mutants import OPERATORS, Mutant, generate

REFERENCE = "reference"
MUTANT_BUDGET = 60.0          # wall seconds per mutant; a mutant that hangs is killed by its timeouts
EQUIVALENCE_SEEDS = (1001, 1002, 1003, 1004, 1005)
ACCEPTED = "audit_accepted.toml"


class AuditError(RuntimeError):
    """The audit cannot be trusted: no solution, or the reference loses points."""


@dataclass
class Outcome:
    mutant: Mutant
    state: str = "survived"          # killed_public, killed_hidden, survived, equivalent
    seed: int | None = None          # the seed that killed it
    tests: list[str] = field(default_factory=list)    # the tests that lost points
    survived_seeds: list[int] = field(default_factory=list)
    difference: str = ""             # for a survivor: how it differs from the reference
    accepted: str = ""               # the reviewer's reason, from audit_accepted.toml


def accepted_reasons(assignment) -> dict[str, str]:
    """{key: reason} from the suite's reviewed list (see `survivor_key`)."""
    path = assignment.suite_dir / ACCEPTED
    if not path.exists():
        return {}
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("accepted", [])
    return {survivor_key(e["function"], e["line"], e["change"]): e["reason"] for e in entries}


def survivor_key(function: str, line_text: str, change: str) -> str:
    """What identifies a mutant across edits elsewhere in the solution: its function, line and edit.

    In `audit_accepted.toml`, `change = "*"` accepts every mutant of that line.
    """
    code = re.sub(r"\s+#.*$", "", line_text)      # a trailing comment is not part of the key
    return f"{function} | {' '.join(code.split())} | {change}"


def public_test_counts(assignment) -> Counter:
    """{function: number of public tests}; in a result, a function's public tests come first."""
    from autograder.audit.suite_checks import collect_rubric_of
    if not assignment.public_tests.exists():
        return Counter()
    return Counter(g.function for g in collect_rubric_of(assignment.public_tests))


def _grade_seed(assignment, mutants: list[Mutant], seed: int, out: Path, workers: int | None,
                resume: bool, only: dict, hooks=None) -> dict[str, dict]:
    """One batch over the mutants (and the reference) at `seed`: {student: result}."""
    from autograder.batch.runner import run_batch

    folder = out / f"seed-{seed}"
    inbox = folder / "in"
    if inbox.exists():
        shutil.rmtree(inbox)
    inbox.mkdir(parents=True)
    (inbox / f"{REFERENCE}.py").write_text(assignment.solution.read_text(encoding="utf-8"))
    for m in mutants:
        (inbox / f"{m.id}.py").write_text(m.source, encoding="utf-8")
    summary = run_batch(assignment.id, inbox, folder / "results", workers=workers, seed=seed,
                        resume=resume, budget_seconds=MUTANT_BUDGET, hooks=hooks, images=False,
                        only={m.id: only[m.id] for m in mutants if m.id in only})
    return {r["student"]: r for r in summary.results}


def _lost(result: dict) -> list[int]:
    return [i for i, t in enumerate(result["tests"]) if t["score"] < t["max_score"]]


def run_audit(assignment_id: str, out: str | Path, *, seeds: int = 3, workers: int | None = None,
              functions: tuple[str, ...] = (), operators: tuple[str, ...] = OPERATORS,
              limit: int = 0, resume: bool = True, equivalence_seeds=EQUIVALENCE_SEEDS,
              hooks=None, say=print) -> dict:
    """Audit the assignment's suites; returns the report dict (see `report.build`)."""
    from autograder.audit import report
    from autograder.audit.equivalence import first_difference, random_calls, record_calls
    from autograder.batch.runner import default_workers
    from autograder.grading.runner import collect_rubric
    from autograder.sandbox import Zygote

    assignment = get(assignment_id)
    if assignment.solution is None:
        raise AuditError(f"{assignment.id} has no reference solution (solutions/{assignment.id}/)")
    out = Path(out)
    solution = assignment.solution.read_text(encoding="utf-8")
    mutants = generate(solution, operators=tuple(operators), functions=tuple(functions))
    if limit:
        mutants = mutants[:limit]
    public = public_test_counts(assignment)
    tested = {g.function for g in collect_rubric(assignment.id)}
    # A mutant changes one function: it is graded on that function's tests only (much faster);
    # a mutant outside every graded function (a private helper) on all of them.
    only = {m.id: (m.function,) for m in mutants if m.function in tested}
    outcomes = {m.id: Outcome(m) for m in mutants}
    alive = list(mutants)
    seed_list = list(range(max(1, seeds)))
    for seed in seed_list:
        if not alive:
            break
        say(f"seed {seed}: grading {len(alive)} mutants")
        results = _grade_seed(assignment, alive, seed, out, workers, resume, only, hooks)
        reference = results.get(REFERENCE)
        if reference is None or reference["status"] != "graded" or _lost(reference):
            lost = [reference["tests"][i]["name"] for i in _lost(reference)] if reference else []
            raise AuditError(f"the reference solution does not get full marks on seed {seed} "
                             f"({reference['status'] if reference else 'not graded'}; lost: {lost[:5]}): "
                             "fix the suite first (`nngrade check-suite`)")
        still = []
        for m in alive:
            result = results[m.id]
            lost = _lost(result)
            outcome = outcomes[m.id]
            if result["status"] != "graded" or lost:
                n_public = public[m.function] if m.id in only else sum(public.values())
                outcome.seed = seed
                outcome.state = ("killed_public" if result["status"] != "graded" or lost[0] < n_public
                                 else "killed_hidden")
                outcome.tests = ([result["tests"][i]["name"] for i in lost[:5]]
                                 or [f"ungradable: {result['message'][:100]}"])
            else:
                outcome.survived_seeds.append(seed)
                still.append(m)
        alive = still
    if alive and equivalence_seeds:
        say(f"checking {len(alive)} survivors for equivalence on {len(equivalence_seeds)} more seeds")
        with Zygote(packages=assignment.worker_packages) as zygote:
            log = record_calls(assignment, equivalence_seeds, zygote)
            log += random_calls(assignment, log, zygote, {m.function for m in alive})
            # Replays wait on sandboxed workers, so threads sharing the zygote run them in parallel.
            with ThreadPoolExecutor(max_workers=workers or default_workers()) as pool:
                differences = list(pool.map(
                    lambda m: first_difference(assignment, m.source, m.function, log, zygote), alive))
            for m, difference in zip(alive, differences):
                outcomes[m.id].difference = difference or ""
                if difference is None:
                    outcomes[m.id].state = "equivalent"
    reasons = accepted_reasons(assignment)
    lines = solution.splitlines()
    for outcome in outcomes.values():
        m = outcome.mutant
        if outcome.state == "survived":
            outcome.accepted = (reasons.get(survivor_key(m.function, lines[m.line - 1], m.change))
                                or reasons.get(survivor_key(m.function, lines[m.line - 1], "*"), ""))
    return report.build(assignment, solution, list(outcomes.values()), seed_list, operators)
