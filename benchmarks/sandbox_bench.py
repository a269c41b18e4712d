"""The sandbox's own costs: starting a walled worker, and one call's round trip.

    python benchmarks/sandbox_bench.py [-n 200] [--own-root]

worker start: from asking the zygote for a worker to the submission imported
(all walls up: PID/mount namespaces, allow-list root, uid, rlimits, seccomp);
call: `student.relu(x)` for a 100-element float64 x, grader to worker and back
(shared-memory arguments, CPU clock read before and after, mutation check).
Medians and 90th percentiles, in milliseconds. `--own-root`: each worker builds its
allow-list root itself instead of entering the one the zygote built (the fallback).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STUDENT = "import numpy as np\n\ndef relu(x):\n    return np.maximum(x, 0.0)\n"


def percentiles(samples: list[float]) -> str:
    ms = sorted(1e3 * s for s in samples)
    return f"median {statistics.median(ms):.3f} ms, p90 {ms[int(0.9 * (len(ms) - 1))]:.3f} ms"


def measure(n: int, shared_root: bool = True) -> dict:
    from autograder.sandbox import SandboxBackend, Zygote
    with tempfile.TemporaryDirectory() as tmp, Zygote(shared_root=shared_root) as zygote:
        path = Path(tmp) / "activations.py"
        path.write_text(STUDENT)
        starts, calls = [], []
        x = np.linspace(-1, 1, 100)
        zygote.mode   # wait until the zygote is ready: its boot is not a worker start
        for i in range(n // 10 + 1):
            backend = SandboxBackend(zygote, path)
            backend.start_test(30)
            t = time.perf_counter()
            backend.probe()
            starts.append(time.perf_counter() - t)
            for _ in range(10):
                t = time.perf_counter()
                backend.call("relu", (x,), {})
                calls.append(time.perf_counter() - t)
            mode = zygote.mode
            backend.close()
        return {"mode": mode, "start": starts, "call": calls}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="calls (default 200; a tenth as many workers)")
    parser.add_argument("--own-root", action="store_true", help="each worker builds its own root (the fallback)")
    args = parser.parse_args(argv)
    r = measure(args.n, shared_root=not args.own_root)
    print(f"sandbox ({r['mode']}): worker start {percentiles(r['start'])}; "
          f"one call {percentiles(r['call'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
