"""Which files share fingerprints: an inverted index, so a class of N never costs N² comparisons.

    left, right, shared = pair_counts([hashes_0, hashes_1, ...], n_class)

Each file's hashes are a sorted unique int64 array. Every hash held by two or
more files yields the pairs of its holders; `shared[p]` counts the hashes pair
p has in common. Files at index ≥ n_class (from `--against`) are paired with
the class only, never with each other.
"""
from __future__ import annotations

import numpy as np


def pair_counts(hash_sets: list[np.ndarray], n_class: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(left, right, shared): int64 arrays, left < right, one entry per pair sharing any hash."""
    empty = np.zeros(0, np.int64)
    if not hash_sets:
        return empty, empty, empty
    all_h = np.concatenate(hash_sets)
    owner = np.concatenate([np.full(len(h), i, dtype=np.int64) for i, h in enumerate(hash_sets)])
    order = np.lexsort((owner, all_h))
    all_h, owner = all_h[order], owner[order]
    bounds = np.flatnonzero(np.diff(all_h)) + 1
    starts = np.concatenate([[0], bounds])
    ends = np.concatenate([bounds, [len(all_h)]])
    n = len(hash_sets)
    codes = []
    for size in np.unique(ends - starts):
        if size < 2:
            continue
        # every group of this size at once: rows are the holders of one hash
        rows = owner[starts[ends - starts == size][:, None] + np.arange(size)]
        i, j = np.triu_indices(size, 1)
        left, right = rows[:, i].ravel(), rows[:, j].ravel()
        keep = left < n_class
        codes.append(left[keep] * n + right[keep])
    if not codes:
        return empty, empty, empty
    pairs, shared = np.unique(np.concatenate(codes), return_counts=True)
    return pairs // n, pairs % n, shared.astype(np.int64)


def groups_of(n: int, left: np.ndarray, right: np.ndarray) -> list[int]:
    """Union-find over the edges (left, right): the smallest member of each file's group."""
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(left.tolist(), right.tolist()):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [root(x) for x in range(n)]
