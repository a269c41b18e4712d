"""nngrade's grading package: sandbox, hidden suites, result model, exporters, CLI."""
from grading_contract import __version__

__all__ = ["__version__"]
