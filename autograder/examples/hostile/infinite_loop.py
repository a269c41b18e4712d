"""Hostile: `while True: pass` in every call. Expect 0 points, status timeout, bounded time."""


def _spin(*args, **kwargs):
    while True:
        pass


for _name in __FUNCTIONS__:
    globals()[_name] = _spin
