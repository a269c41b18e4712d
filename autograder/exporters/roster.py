"""Matching nngrade's student ids to an LMS roster.

A batch names students after their submission files or folders: a login
("ada"), an e-mail ("ada@uni.edu"), an LMS user id ("12345"), or Canvas's
download name ("lovelaceada_12345_67890_backprop.py" → "lovelaceada"). A
roster row matches if any of its identifiers, or its name squeezed to
lowercase letters ("Lovelace, Ada" → "lovelaceada"), equals the student id.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Roster:
    """The rows of an LMS export, and which of their values identify a student."""

    fieldnames: list[str]
    rows: list[dict[str, str]]
    id_columns: tuple[str, ...]
    name_column: str | None = None
    canvas_names: bool = False    # also read Canvas download names ("name_<user id>")

    def keys(self, row: dict[str, str]) -> set[str]:
        keys = set()
        for column in self.id_columns:
            value = (row.get(column) or "").strip()
            if value:
                keys |= {value.lower(), value.split("@")[0].lower()}
        if self.name_column and row.get(self.name_column):
            keys.add(squeeze(row[self.name_column]))
        return keys - {""}

    def match(self, students: list[str]) -> tuple[dict[int, str], list[str]]:
        """({row index: student id}, students matching no row); an id matching two rows is an error."""
        index: dict[str, int] = {}
        for i, row in enumerate(self.rows):
            for key in self.keys(row):
                index.setdefault(key, i)
        matched: dict[int, str] = {}
        unmatched = []
        for student in students:
            candidates = {student.lower(), student.split("@")[0].lower(), squeeze(student)}
            if self.canvas_names:
                candidates.add(canvas_download_id(student))
            candidates.discard("")
            rows = {index[c] for c in candidates if c in index}
            if len(rows) == 1 and (row := rows.pop()) not in matched:
                matched[row] = student
            else:
                unmatched.append(student)
        return matched, unmatched


def squeeze(name: str) -> str:
    """'Lovelace, Ada' -> 'lovelaceada' (how Canvas names downloaded submissions)."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def canvas_download_id(student: str) -> str:
    """'lovelaceada_12345_67890_file' or 'lovelaceada_LATE_12345_...' -> '12345' (Canvas user id)."""
    m = re.match(r"^[a-z0-9]+_(?:late_)?(\d+)(?:_|$)", student.lower())
    return m.group(1) if m else ""


def read_csv(path: str | Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), [dict(r) for r in reader]
