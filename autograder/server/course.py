"""An assignment's settings from the TA page or the command line, checked in one place.

    apply_settings(db, "activations", {"due_at": "2027-03-01T23:59", "late_policy": "penalty",
                                       "penalty_percent": 10, "max_per_hour": 20, "seed": 0,
                                       "enabled": True})
"""
from __future__ import annotations

from datetime import datetime

from autograder.assignments import get
from autograder.server.intake import settings_for
from autograder.server.models import AssignmentSetting

POLICIES = ("accept", "penalty", "refuse")


def apply_settings(db, assignment_id: str, values: dict) -> AssignmentSetting:
    """Change the given settings (others stay); raises ValueError with a message for the TA."""
    setting = settings_for(db, get(assignment_id).id, create=True)
    if "enabled" in values:
        setting.enabled = values["enabled"] in (True, "on", "true", "1", 1)
    if "due_at" in values:
        due = str(values["due_at"] or "").strip()
        setting.due_at = datetime.fromisoformat(due) if due else None
    if "late_policy" in values:
        if values["late_policy"] not in POLICIES:
            raise ValueError(f"the late policy must be one of {', '.join(POLICIES)}")
        setting.late_policy = values["late_policy"]
    if "penalty_percent" in values:
        setting.penalty_per_day = min(1.0, max(0.0, float(values["penalty_percent"] or 0) / 100))
    if "max_per_hour" in values:
        setting.max_per_hour = max(1, min(1000, int(values["max_per_hour"] or 20)))
    if "seed" in values:
        setting.seed = int(values["seed"] or 0)
    return setting
