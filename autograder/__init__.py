"""nngrade's grading package: sandbox, hidden suites, result model, exporters, CLI."""
from student_lib import __version__

__all__ = ["__version__"]
