"""Grade the correct solution N times through one Zygote, as a batch does; and once by the CLI.

    python benchmarks/zygote_bench.py [-n 20] [--assignment activations]

Prints the median seconds per submission and the peak memory of this
process's tree (grader + zygote + workers) for the batch-style loop, and the
wall time of one `nngrade grade` call (start-up included).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import measure  # noqa: E402


def zygote_loop(assignment_id: str, n: int) -> dict:
    from autograder.assignments import get
    from autograder.grading import grade_submission
    from autograder.sandbox import Zygote

    solution = get(assignment_id).solution
    times, scores = [], set()

    def loop():
        with Zygote() as zygote:
            for seed in range(n):
                start = time.perf_counter()
                result = grade_submission(assignment_id, solution, seed=seed, sandbox=zygote)
                times.append(time.perf_counter() - start)
                scores.add((result.score, result.max_score))

    _, rss, pss = measure.in_process(loop)
    return {"n": n, "median_s": statistics.median(times), "first_s": times[0], "peak_rss_mb": rss,
            "peak_pss_mb": pss, "scores": sorted(scores)}


def cli_once(assignment_id: str) -> measure.Measured:
    from autograder.assignments import get
    with tempfile.TemporaryDirectory() as tmp:
        return measure.run(["nngrade", "grade", assignment_id, str(get(assignment_id).solution),
                            "--json", str(Path(tmp) / "r.json")])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20, help="submissions in the loop (default 20)")
    parser.add_argument("--assignment", default="activations")
    args = parser.parse_args(argv)
    loop = zygote_loop(args.assignment, args.n)
    cli = cli_once(args.assignment)
    print(f"{args.assignment}: {loop['n']} gradings through one Zygote: median {loop['median_s']:.2f} s "
          f"per submission (first {loop['first_s']:.2f} s), peak tree RSS {loop['peak_rss_mb']:.0f} MB "
          f"(PSS {loop['peak_pss_mb']:.0f} MB); scores {loop['scores']}")
    print(f"one `nngrade grade` call: {cli.seconds:.2f} s, peak tree RSS {cli.peak_rss_mb:.0f} MB "
          f"(PSS {cli.peak_pss_mb:.0f} MB), exit {cli.returncode}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
