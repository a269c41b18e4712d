"""A class of sources → ranked pairs of similar submissions, and the clusters they form.

    report = detect(sources, baseline=[scaffold, reference], against=earlier_years)

Steps: tokenise every file (`tokens`), hash its k-grams, discount the
scaffold, the reference solution and every passage found in more than
`common_share` of the class (MOSS's `-m`), winnow (`fingerprints`), find the
pairs that share fingerprints through an inverted index (never all N² pairs
in Python), compare those in detail (`compare`), keep the pairs worth a human
look, and group them (`clusters`). Everything is deterministic: same sources,
same settings → same JSON.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from autograder.similarity.clusters import Cluster, find_clusters
from autograder.similarity.compare import Match, compare
from autograder.similarity.fingerprints import fingerprint, kgram_hashes
from autograder.similarity.index import groups_of, pair_counts
from autograder.similarity.tokens import tokenise

SCHEMA = "nngrade.similarity/1"


@dataclass(frozen=True)
class Settings:
    k: int = 10                    # tokens in a k-gram: a passage shorter than this never counts
    window: int = 6                # winnowing window: any shared passage of k + window - 1 tokens is found
    threshold: float = 0.7         # report a pair whose score (≈ the larger share of own code matched) reaches this ...
    min_tokens: int = 45           # ... and that is at least this many tokens (about six lines)
    slack_tokens: int = 10         # score = matched / (own + slack): a few alike lines rank below a whole file
    common_share: float = 0.1      # discount a passage found in more than this share of the class ...
    common_min: int = 3            # ... and in more than this many submissions
    duplicate_share: float = 0.8   # near-identical files count once towards "common"
    function_share: float = 0.8    # report a pair sharing this much of one function ...
    function_tokens: int = 40      # ... when at least this many of its tokens no third student has,
    function_min_class: int = 20   # ... in a class of at least this many independent submissions
    max_pairs: int = 200           # pairs listed (the best ones); the page stays fast
    min_own_tokens: int = 20       # a file with less code of its own than this is listed, not compared


@dataclass
class Pair:
    a: str
    b: str
    match: Match
    against: bool = False          # b is from --against, not from this class
    partial: bool = False          # reported for a copied function, not for the whole file

    def copied_functions(self, settings: Settings) -> list[str]:
        """Functions one side holds (nearly) whole from the other: the evidence of a partial copy."""
        found: list[str] = []
        for f in self.match.functions + self.match.functions_b:
            if (f.function and f.share >= settings.function_share and f.rare >= settings.function_tokens
                    and f.function not in found):
                found.append(f.function)
        return found

    def to_dict(self) -> dict:
        m = self.match
        return {"a": self.a, "b": self.b, "similarity_a": round(m.similarity_a, 4),
                "similarity_b": round(m.similarity_b, 4), "score": round(m.score, 4),
                "tokens_a": m.tokens_a, "tokens_b": m.tokens_b,
                "functions": [f.to_dict() for f in m.functions], "against": self.against,
                "partial": self.partial}


@dataclass
class Report:
    settings: Settings
    pairs: list[Pair]                          # reported, best first, at most settings.max_pairs
    clusters: list[Cluster]
    skipped: dict[str, str]                    # student → why they were not compared (or only in part)
    compared: int                              # submissions compared
    against: int = 0                           # files from --against
    candidate_pairs: int = 0                   # pairs that shared any fingerprint
    more_pairs: int = 0                        # reported pairs beyond max_pairs, left off
    independent: int = 0                       # class submissions, near-identical files counted once
    sources: dict[str, str] = field(default_factory=dict, repr=False)   # for the side-by-side view

    def to_dict(self) -> dict:
        return {"schema": SCHEMA, "settings": asdict(self.settings), "compared": self.compared,
                "against": self.against, "pairs": [p.to_dict() for p in self.pairs],
                "more_pairs": self.more_pairs, "independent": self.independent,
                "clusters": [c.to_dict() for c in self.clusters],
                "skipped": [{"student": s, "reason": r} for s, r in sorted(self.skipped.items())]}


def _class_counts(kgrams: list[np.ndarray], settings: Settings) -> tuple[np.ndarray, np.ndarray, int]:
    """(common, rare, independent): sorted k-gram hashes held by more than the allowed number of
    *independent* submissions, and by at most two of them; and how many independent ones there are.

    Near-identical files (a copy and its source) count once: otherwise a ring of
    copiers would make its own passages "common" and hide itself (MOSS's `-m`
    has this weakness). Files are grouped when a sample of their k-grams (every
    hash ≡ 0 mod 4) is shared at `duplicate_share` or more.
    """
    if not kgrams:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), 0
    sets = [np.unique(h) for h in kgrams]
    samples = [h[h % 4 == 0] for h in sets]
    left, right, shared = pair_counts(samples, len(samples))
    sizes = np.array([max(len(h), 1) for h in samples])
    near = shared >= settings.duplicate_share * np.minimum(sizes[left], sizes[right])
    group = groups_of(len(sets), left[near], right[near])
    merged: dict[int, list[np.ndarray]] = {}
    for i, g in enumerate(group):
        merged.setdefault(g, []).append(sets[i])
    per_group = [np.unique(np.concatenate(parts)) for parts in merged.values()]
    values, counts = np.unique(np.concatenate(per_group), return_counts=True)
    limit = max(settings.common_min, int(settings.common_share * len(per_group)))
    return values[counts > limit], values[counts <= 2], len(per_group)


def detect(sources: dict[str, str], baseline: list[str] = (), against: dict[str, str] | None = None,
           settings: Settings = Settings(), skipped: dict[str, str] | None = None) -> Report:
    """Compare every pair of `sources` ({student: Python source}) and every source with `against`.

    `baseline` are sources whose passages never count (the scaffold, the reference solution).
    `skipped` are students already known not to be comparable ({student: why}); more are added
    (empty files, files with nothing of their own).
    """
    skipped = dict(skipped or {})
    against = against or {}
    k = settings.k
    names = sorted(sources) + [f"against:{name}" for name in sorted(against)]
    texts = [sources[n] for n in sorted(sources)] + [against[n] for n in sorted(against)]
    docs = [tokenise(t) for t in texts]
    kgrams = [kgram_hashes(d.tokens, k) for d in docs]
    n_class = len(sources)
    common, rare, independent = _class_counts(kgrams[:n_class], settings)
    # a function held by "only these two" means something only when there are many others
    look_for_functions = independent >= settings.function_min_class
    discounted = np.unique(np.concatenate(
        [common] + [kgram_hashes(tokenise(b).tokens, k) for b in baseline]))
    fps = [fingerprint(d, k, settings.window, discounted, h) for d, h in zip(docs, kgrams)]
    usable = []
    for i, (name, doc, fp) in enumerate(zip(names, docs, fps)):
        if len(doc) == 0:
            skipped[name] = "empty: no Python code in it"
        elif int(fp.own.sum()) < settings.min_own_tokens:
            skipped[name] = "nothing of its own to compare (only the scaffold, or code the whole class shares)"
        else:
            usable.append(i)
            if doc.note:
                skipped.setdefault(name, f"compared in part: {doc.note}")
    usable_set = set(usable)
    left, right, shared = pair_counts([fp.selected for fp in fps], n_class)
    sizes = np.array([max(len(fp.selected), 1) for fp in fps])
    # worth a detailed look: enough fingerprints in common for a whole-file score, or for one function
    promising = ((shared >= settings.window // 2 + 1)
                 & ((shared >= 0.3 * settings.threshold * np.minimum(sizes[left], sizes[right]))
                    | (shared * (settings.window + 1) >= settings.function_tokens)))
    candidates = [(i, j) for i, j in zip(left[promising].tolist(), right[promising].tolist())
                  if i in usable_set and j in usable_set]
    reported: list[Pair] = []
    for i, j in candidates:
        match = compare(docs[i], fps[i], docs[j], fps[j], k, rare, settings.slack_tokens)
        pair = Pair(names[i], names[j], match, against=j >= n_class)
        if match.score >= settings.threshold and max(match.tokens_a, match.tokens_b) >= settings.min_tokens:
            reported.append(pair)
        elif look_for_functions and pair.copied_functions(settings):
            pair.partial = True
            reported.append(pair)
    reported.sort(key=lambda p: (-p.match.score, -(p.match.tokens_a + p.match.tokens_b), p.a, p.b))
    shown = reported[:settings.max_pairs]
    keep_text = {p.a for p in shown} | {p.b for p in shown}
    text_of = dict(zip(names, texts))
    groups = find_clusters([p for p in reported if not p.partial])    # whole-file pairs only
    return Report(settings, shown, groups,
                  {s: skipped[s] for s in sorted(skipped)}, compared=len([u for u in usable if u < n_class]),
                  against=len(against), candidate_pairs=len(candidates),
                  more_pairs=len(reported) - len(shown), independent=independent, sources={n: text_of[n] for n in sorted(keep_text)})

