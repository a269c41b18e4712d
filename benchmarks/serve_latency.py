"""Time from upload to feedback on `nngrade serve`: a correct `activations` file, N times.

    python benchmarks/serve_latency.py -n 10 [-j 1]

Starts `nngrade serve` on 127.0.0.1 in a temporary data folder, posts the
reference solution through the JSON API, polls every 20 ms until it is graded,
and fetches its feedback page. Prints the median and the worst of N, and the
machine's load average (the machine may be shared). Nothing is asserted.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10)
    parser.add_argument("-j", type=int, default=1)
    args = parser.parse_args(argv)
    source = (ROOT / "solutions" / "activations" / "activations.py").read_bytes()
    with tempfile.TemporaryDirectory(prefix="nngrade-serve-bench-") as tmp:
        port, log = free_port(), Path(tmp) / "serve.log"
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, "-m", "autograder", "serve", "--port", str(port), "--data",
                                   f"{tmp}/data", "-j", str(args.j)], cwd=ROOT, stdout=open(log, "w"),
                                  stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        try:
            for _ in range(300):
                try:
                    if requests.get(f"{url}/healthz", timeout=1).ok:
                        break
                except requests.RequestException:
                    time.sleep(0.1)
            token = next(line.split()[-1] for line in log.read_text().splitlines()
                         if line.startswith("TA API token:"))
            headers = {"Authorization": f"Bearer {token}"}
            times, grading = [], []
            for i in range(args.n + 1):          # the first warms the grading process's zygote
                start = time.perf_counter()
                sub = requests.post(f"{url}/api/submissions", headers=headers, timeout=60,
                                    data={"assignment": "activations"},
                                    files={"file": ("activations.py", source)}).json()
                for _ in range(3000):
                    state = requests.get(sub["api_url"], headers=headers, timeout=60).json()
                    if state["status"] == "graded":
                        break
                    time.sleep(0.02)
                assert requests.get(state["feedback_url"], headers=headers, timeout=60).ok
                if i:
                    times.append(time.perf_counter() - start)
                    grading.append(state["result"]["execution_time"])
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"upload → graded → feedback, activations, -j {args.j}, n={args.n}: median "
          f"{statistics.median(times):.2f} s, worst {max(times):.2f} s, of which grading "
          f"{statistics.median(grading):.2f} s (load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
