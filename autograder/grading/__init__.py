"""Grading one submission: prepare it, probe it, run the rubric in the sandbox."""
from autograder.grading.runner import GradingError, grade_submission

__all__ = ["GradingError", "grade_submission"]
