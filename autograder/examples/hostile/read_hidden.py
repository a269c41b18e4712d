"""Hostile: walk the file system looking for the hidden suites and solutions, print what it finds.

Bounded: at most 20 000 entries and 3 seconds of walking. Expect 0 points and
no hidden-test or solution text in the output.
"""
import os
import time

FOUND = []


def _hunt():
    start, seen = time.time(), 0
    for top in ("/", os.path.expanduser("~")):
        for folder, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if d not in ("proc", "sys", "dev")]
            for name in files:
                seen += 1
                if seen > 20_000 or time.time() - start > 3:
                    return
                if name.endswith(".py") and ("suites" in folder or "solution" in folder):
                    try:
                        with open(os.path.join(folder, name)) as f:
                            FOUND.append(f.read(2000))
                    except OSError:
                        pass


_hunt()
print("found:", len(FOUND), FOUND[:3])


def _nothing(*args, **kwargs):
    return 0.0


for _name in __FUNCTIONS__:
    globals()[_name] = _nothing
