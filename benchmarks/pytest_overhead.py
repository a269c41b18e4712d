"""What pytest itself costs per submission: `pytest.main` per run against one collected session.

    python benchmarks/pytest_overhead.py [-n 20] [--assignment activations]

Both runs use a backend whose every student call fails at once ("not
started"), so no sandbox and almost no suite code is timed: what is left is
pytest (options, plugins, collection, the per-test protocol and fixtures).
Prints the median seconds per run and per test of each way.
"""
from __future__ import annotations

import argparse
import statistics
import time

from grading_contract.calls import NotStarted


class NothingWritten:
    """A backend for a submission whose every function is still the scaffold's stub."""

    sandboxed = True
    last_call = None

    def start_test(self, timeout: float) -> None:
        pass

    def has(self, name: str) -> bool:
        return False

    def call(self, name, args, kwargs, keep=()):
        raise NotStarted(f"{name} is not written yet", name)


class _Backend:
    """The autograder's old way of handing a backend to `pytest.main`."""

    def __init__(self, backend):
        self.backend = backend

    def pytest_configure(self, config):
        from grading_contract.rubric import BACKEND_KEY
        config.stash[BACKEND_KEY] = self.backend


def per_run_main(assignment_id: str, n: int) -> list[float]:
    from autograder.assignments import SUITES_DIR, get
    from grading_contract.rubric import OutcomeCollector, run_pytest

    files = [str(p) for p in get(assignment_id).test_files()]
    args = [*files, "-c", str(SUITES_DIR / "pytest.ini"), "--rootdir", str(SUITES_DIR)]
    times = []
    for seed in range(n):
        start = time.perf_counter()
        collector = OutcomeCollector()
        run_pytest(args + ["--nngrade-seed", str(seed)], [_Backend(NothingWritten()), collector])
        times.append(time.perf_counter() - start)
        assert collector.outcomes and all(o.score == 0 for o in collector.outcomes)
    return times


def collected_once(assignment_id: str, n: int) -> tuple[float, list[float], int]:
    from autograder.grading.session import suite_session

    start = time.perf_counter()
    session = suite_session(assignment_id)
    collect = time.perf_counter() - start
    times = []
    for seed in range(n):
        start = time.perf_counter()
        outcomes = session.run(NothingWritten(), seed)
        times.append(time.perf_counter() - start)
        assert len(outcomes) == len(session.rubric) and all(o.score == 0 for o in outcomes)
    return collect, times, len(session.rubric)


def measure(assignment_id: str = "activations", n: int = 20) -> dict:
    collect, once, tests = collected_once(assignment_id, n)
    main = per_run_main(assignment_id, n)
    return {"tests": tests, "n": n, "main_s": statistics.median(main),
            "session_s": statistics.median(once), "collect_s": collect}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20)
    parser.add_argument("--assignment", default="activations")
    args = parser.parse_args(argv)
    m = measure(args.assignment, args.n)
    print(f"{args.assignment}, {m['tests']} tests, median of {m['n']} runs: pytest.main per run "
          f"{1000 * m['main_s']:.1f} ms ({1000 * m['main_s'] / m['tests']:.2f} ms a test); collected "
          f"once ({1000 * m['collect_s']:.0f} ms, once per process and suite version), then "
          f"{1000 * m['session_s']:.1f} ms a run ({1000 * m['session_s'] / m['tests']:.2f} ms a test)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
