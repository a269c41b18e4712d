"""The lead's CLI commands: list, grade, demo (batch, release, export have their own packages)."""
