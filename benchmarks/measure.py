"""Wall time and peak memory of a command and everything it starts.

Peak memory is sampled every `interval` seconds over the whole process tree:
`rss` sums each process's resident set (shared pages counted in every process
that maps them: an upper bound), `pss` shares them out (what the tree really
costs the machine). A peak shorter than the interval can be missed.
"""
from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass

import psutil

MB = 1024 * 1024


@dataclass
class Measured:
    seconds: float
    peak_rss_mb: float
    peak_pss_mb: float
    returncode: int
    output: str


def _tree(root: psutil.Process) -> list[psutil.Process]:
    try:
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


class TreeSampler:
    """Samples a process tree's total RSS and PSS in a thread until stopped."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak_rss = self.peak_pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _sample(self) -> None:
        rss = pss = 0
        for proc in _tree(self.root):
            try:
                rss += proc.memory_info().rss
                pss += proc.memory_full_info().pss
            except psutil.Error:
                continue
        self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> "TreeSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run(cmd: list[str], cwd=None, env=None, timeout: float = 900) -> Measured:
    """Run `cmd` to completion; its wall time and the peak memory of its process tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    with TreeSampler(proc.pid) as sampler:
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
    seconds = time.perf_counter() - start
    return Measured(seconds, sampler.peak_rss / MB, sampler.peak_pss / MB, proc.returncode, output)


def in_process(fn, interval: float = 0.05):
    """Run `fn()` here, sampling this process's tree; (fn's value, peak rss MB, peak pss MB)."""
    with TreeSampler(os.getpid(), interval) as sampler:
        value = fn()
    return value, sampler.peak_rss / MB, sampler.peak_pss / MB


def python_speed(additions: int = 10_000_000) -> float:
    """Seconds for `additions` additions in a pure-Python loop, best of 3: this machine's speed now.

    The VM this project is measured on drifts by 20-40 % within an hour; quoting this figure
    next to a run's times says which kind of hour it was.
    """
    best = float("inf")
    for _ in range(3):
        start, total = time.perf_counter(), 0
        for i in range(additions):
            total += i
        best = min(best, time.perf_counter() - start)
    return best

