"""What students get: local checks, gradient checks, targets, datasets, plots, submit.

`python -m student_lib check [FILE]` runs the public tests on your file;
`python -m student_lib submit` validates it and packs `submission.zip`.
"""
from grading_contract import __version__

__all__ = ["__version__"]
