"""A worker runs on the CPUs of the process that grades it (autograder/sandbox/cpus.py).

Observed from the grader's side: the kernel's affinity mask of the worker process.
"""
from __future__ import annotations

import os

import pytest

from autograder.assignments import get
from autograder.sandbox import SandboxBackend
from autograder.sandbox.cpus import pin


def worker_cpus(zygote) -> set[int]:
    backend = SandboxBackend(zygote, get("activations").solution)
    try:
        assert backend.probe() is None
        return os.sched_getaffinity(backend._host_pid)
    finally:
        backend.close()


@pytest.fixture
def restore_affinity():
    before = os.sched_getaffinity(0)
    yield sorted(before)
    pin(before)


def test_a_worker_follows_its_graders_cpus(zygote, restore_affinity):
    cores = restore_affinity
    assert worker_cpus(zygote) == set(cores)        # an unpinned grader: its whole mask
    assert pin({cores[-1]})
    assert worker_cpus(zygote) == {cores[-1]}       # a pinned one: its core (the zygote is not pinned)
    assert os.sched_getaffinity(zygote._proc.pid) == set(cores)


def test_nngrade_grade_keeps_to_one_core_while_it_grades_then_lets_go(restore_affinity):
    from autograder.sandbox.cpus import on_one_cpu
    cores = restore_affinity
    with on_one_cpu():
        inside = os.sched_getaffinity(0)
    assert os.sched_getaffinity(0) == set(cores)
    assert inside <= set(cores)
    assert len(inside) == (1 if len(cores) > 1 else len(cores))
