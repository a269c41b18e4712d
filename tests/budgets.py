"""Constants the tests share: the time budgets of the session's graded examples, the normal
user of the sandbox tests (a module of its own: `conftest` is a name every
handout's tests also use, so `from conftest import ...` can reach the wrong one)."""
HOSTILE_BUDGET = 15.0     # seconds per hostile example (a `while True` must not cost minutes)
HONEST_BUDGET = 120.0

TEST_UID = 61_423         # the sandbox tests' normal user (tests/confine.py --uid); no file here is its
