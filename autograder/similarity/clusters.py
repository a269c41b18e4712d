"""Reported pairs → groups of three or more students linked by shared passages.

A cluster is a connected group of the pair graph (an edge per reported pair):
one source copied by several students, or a chain passed along. For each
cluster the report names the functions its pairs share most.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass
class Cluster:
    members: list[str]            # sorted
    pairs: int                    # reported pairs inside it
    top_similarity: float         # the best pair's score
    functions: list[str]          # functions its pairs share, most often shared first

    def to_dict(self) -> dict:
        return {"members": self.members, "pairs": self.pairs,
                "top_similarity": round(self.top_similarity, 4), "functions": self.functions}


def _root(parent: dict[str, str], x: str) -> str:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def find_clusters(pairs: list, min_size: int = 3) -> list[Cluster]:
    """Groups of at least `min_size` students among `pairs` (objects with `.a`, `.b`, `.match`)."""
    parent: dict[str, str] = {}
    for p in pairs:
        for x in (p.a, p.b):
            parent.setdefault(x, x)
        ra, rb = _root(parent, p.a), _root(parent, p.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list] = {}
    for p in pairs:
        groups.setdefault(_root(parent, p.a), []).append(p)
    clusters = []
    for edges in groups.values():
        members = sorted({x for p in edges for x in (p.a, p.b)})
        if len(members) < min_size:
            continue
        shared = Counter(f.function for p in edges for f in p.match.functions if f.function)
        clusters.append(Cluster(members, len(edges), max(p.match.score for p in edges),
                                [name for name, _ in shared.most_common()]))
    return sorted(clusters, key=lambda c: (-len(c.members), -c.top_similarity, c.members))
