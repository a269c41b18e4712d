"""What students get: local checks, gradient checks, targets, datasets, plots, submit.

`python -m student_lib check [FILE]` runs the public tests on your file;
`python -m student_lib submit` validates it and packs `submission.zip`.
"""
__version__ = "0.1.0"
