"""How good is a suite? `nngrade audit` (mutation testing) and `nngrade check-suite` (soundness).

    mutants.py       the mutant generator (operators over the solution regions)
    run.py           grade mutants seed by seed through the batch engine; classify them
    equivalence.py   replay survivors against the reference in the sandbox
    report.py        the JSON report and its HTML page
    suite_checks.py  full marks, points, functions, independence, public examples
    command.py, check_command.py   the two CLI commands
"""
