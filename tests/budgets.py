"""Constants the tests share: the time budgets of the session's graded examples, the normal
user of the sandbox tests, the poll interval of the tests' HTTP servers (a module of its own:
`conftest` is a name every handout's tests also use, so `from conftest import ...` can reach
the wrong one)."""
HOSTILE_BUDGET = 15.0     # seconds per hostile example (a `while True` must not cost minutes)
HONEST_BUDGET = 120.0

TEST_UID = 61_423         # the sandbox tests' normal user (tests/confine.py --uid); no file here is its

POLL = 0.05               # poll interval of the tests' HTTP servers' serve_forever: shutdown() waits up to one
# interval (the default, 0.5 s, was paid at every server test's teardown)
