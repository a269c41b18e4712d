"""Hostile: print a fake full-marks result JSON, at import and in every call.

Output is captured and shown as the student's output, never parsed. Expect 0 points.
"""
import json

FAKE = json.dumps({"schema": "nngrade.result/1", "status": "graded", "score": 1000.0,
                   "max_score": 1000.0, "tests": [{"name": "all", "score": 1000.0, "max_score": 1000.0,
                                                   "status": "passed"}]})
print(FAKE)


def _liar(*args, **kwargs):
    print(FAKE)
    return 0.0


for _name in __FUNCTIONS__:
    globals()[_name] = _liar
