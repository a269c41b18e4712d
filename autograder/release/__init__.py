"""`nngrade release ID -o DIR`: the student handout, and the proof that nothing secret is in it."""
from autograder.release.handout import build_handout

__all__ = ["build_handout"]
