"""Lets `pytest` find the grading fixtures (student, rng, seed, credit)."""
pytest_plugins = ["grading_contract.rubric"]
