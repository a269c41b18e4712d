"""One sandboxed call, round trip: `student.relu(x)` from the grader to a worker and back.

    python benchmarks/call_bench.py [-n 2000] [--size 8] [--free]

A worker is forked from a zygote for the reference solution of `activations`
(the same walls as grading), then `relu` is called n times on a float64 array
of --size numbers. Prints the median and the 90th percentile per call.

Grader and worker run on one core, as `nngrade grade`, `batch` and `demo` run them
(autograder/sandbox/cpus.py: a call is a ping-pong, and a wake-up on another core
costs the host's time); `--free` leaves them to the scheduler, as Dask and the
server do.
"""
from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time

import numpy as np


def round_trips(n: int = 2000, size: int = 8, pinned: bool = True) -> dict:
    from autograder.assignments import get
    from autograder.sandbox import SandboxBackend, Zygote
    from autograder.sandbox.cpus import on_one_cpu

    solution = get("activations").solution
    x = np.linspace(-1.0, 1.0, size)
    times = []
    with Zygote() as zygote, (on_one_cpu() if pinned else contextlib.nullcontext()):
        backend = SandboxBackend(zygote, solution)
        try:
            if backend.probe() is not None:
                raise RuntimeError("the reference solution did not import in the sandbox")
            backend.start_test(60.0)
            for _ in range(50):        # warm-up
                backend.call("relu", (x,), {})
            for _ in range(n):
                start = time.perf_counter()
                out = backend.call("relu", (x,), {})
                times.append(time.perf_counter() - start)
            assert np.array_equal(out, np.maximum(x, 0))
        finally:
            backend.close()
    times.sort()
    return {"n": n, "size": size, "pinned": pinned, "median_ms": 1000 * statistics.median(times),
            "p90_ms": 1000 * times[int(0.9 * (len(times) - 1))]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("--size", type=int, default=8)
    parser.add_argument("--free", action="store_true", help="grader and worker not kept on one core")
    args = parser.parse_args(argv)
    r = round_trips(args.n, args.size, pinned=not args.free)
    print(f"relu on {r['size']} numbers, {r['n']} sandboxed calls "
          f"({'one core' if r['pinned'] else 'free to move'}): median {r['median_ms']:.3f} ms, "
          f"90th percentile {r['p90_ms']:.3f} ms a round trip")
    return 0


if __name__ == "__main__":
    sys.exit(main())
