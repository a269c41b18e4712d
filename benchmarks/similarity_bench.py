"""How long `nngrade similarity` takes on a generated class of backprop submissions.

    python benchmarks/similarity_bench.py                 # 500 submissions (issue 15: ≤ 30 s on 2 cores)
    python benchmarks/similarity_bench.py -n 200 --batch  # ... and the cost inside `nngrade batch`

The class is `autograder.examples.backprop.classmates.honest_class(n)` plus a
few disguised copies, written as files; the timed run reads them exactly as
the command does (discovery, loader), fingerprints and compares them, and
renders the HTML page. `--batch` times `batch_section` (what `nngrade batch`
adds after grading, from sources already in memory) for comparison with the
batch's own wall time in benchmarks/RESULTS.md. One run, no assertion.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.examples.backprop.classmates import honest_class  # noqa: E402
from autograder.examples.disguise import rename, reorder, restyle  # noqa: E402


def write_class(folder: Path, n: int, seed: int) -> dict[str, str]:
    sources = honest_class(n - 6, seed)
    rng = random.Random(seed)
    for i in range(3):
        sources[f"copy_a{i}"] = reorder(rename(sources["student000"], rng), rng)
    for i in range(3):
        sources[f"copy_b{i}"] = restyle(sources["student001"], rng)
    for student, text in sources.items():
        (folder / f"{student}.py").write_text(text, encoding="utf-8")
    return sources


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=500, help="submissions (default 500)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", action="store_true", help="also time the section nngrade batch adds")
    args = parser.parse_args(argv)
    from autograder.similarity.detect import detect
    from autograder.similarity.load import baseline, read_class
    from autograder.similarity.report import render_page

    with tempfile.TemporaryDirectory(prefix="nngrade-simbench-") as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        sources = write_class(folder, args.n, args.seed)
        started, cpu = time.perf_counter(), time.process_time()
        read, skipped, _ = read_class("backprop", folder)
        loaded = time.perf_counter()
        report = detect(read, baseline("backprop"), skipped=skipped)
        detected = time.perf_counter()
        page = render_page(report)
        done = time.perf_counter()
        print(f"{args.n} backprop submissions, {os.cpu_count()} cores, load average "
              f"{os.getloadavg()[0]:.1f}: read {loaded - started:.1f} s, compare {detected - loaded:.1f} s "
              f"({report.candidate_pairs} candidate pairs), page {done - detected:.1f} s "
              f"({len(page) // 1024} KiB); total {done - started:.1f} s wall, {time.process_time() - cpu:.1f} s CPU; "
              f"{len(report.pairs)} pairs listed, {len(report.clusters)} groups")
        if args.batch:
            from autograder.similarity.batch import batch_section
            jobs = [{"student": s, "source": t, "error": ""} for s, t in sources.items()]
            started, cpu = time.perf_counter(), time.process_time()
            batch_section("backprop", jobs, Path(tmp))
            print(f"batch section for {args.n}: {time.perf_counter() - started:.1f} s wall, "
                  f"{time.process_time() - cpu:.1f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
