"""Token k-grams → winnowed fingerprints (Schleimer, Wilkerson & Aiken 2003, as MOSS does).

    hashes = kgram_hashes(doc.tokens, k)           int64 array (n - k + 1,)
    fp = fingerprint(doc, k, window, discounted)   the kept fingerprints of one document

Winnowing keeps the smallest hash of every window of `window` consecutive
k-grams, so any passage of at least k + window - 1 tokens shared by two files
shares at least one fingerprint, whatever surrounds it. The window selection is
copydetect's (`copydetect.utils.winnow`). The k-gram hashes are ours:
copydetect hashes with Python's `hash()`, which is salted per process, so its
fingerprints (and scores) change from run to run; ours are the same on every
run and machine (blake2b of each token, a polynomial over the k-gram).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from autograder.similarity.copydetect_utils import winnow
from autograder.similarity.tokens import Document

_MASK = np.uint64((1 << 52) - 1)   # copydetect's window minimum compares floats: keep them exact
_BASE = np.uint64(1_000_003)
_NEVER = np.int64(1 << 53)         # above every hash: a discounted k-gram loses every window


@lru_cache(maxsize=65_536)
def _token_id(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                          "little")


def kgram_hashes(tokens: list[str], k: int) -> np.ndarray:
    """The hash of every run of k consecutive tokens, int64 in [0, 2^52); empty if fewer than k."""
    n = len(tokens) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    ids = np.fromiter((_token_id(t) for t in tokens), dtype=np.uint64, count=len(tokens))
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):                 # h = Σ ids[i + j] · BASE^(k - 1 - j) mod 2^64
            h = h * _BASE + ids[j:j + n]
    return ((h ^ (h >> np.uint64(29))) & _MASK).astype(np.int64)


@dataclass
class Fingerprint:
    """One document's k-grams, minus the discounted ones.

    hashes     int64 (m,), every kept k-gram's hash, sorted (with positions as tie-break)
    positions  int64 (m,), token index where each of those k-grams starts
    selected   int64 (s,), sorted unique hashes that winnowing chose: what the index looks up
    own        bool (n,), tokens inside some kept k-gram: what the student wrote themselves
    """
    hashes: np.ndarray
    positions: np.ndarray
    selected: np.ndarray
    own: np.ndarray


def fingerprint(doc: Document, k: int, window: int, discounted: np.ndarray,
                all_hashes: np.ndarray | None = None) -> Fingerprint:
    """Fingerprint one document, leaving out the k-grams in `discounted` (sorted int64 hashes).

    `all_hashes` are `kgram_hashes(doc.tokens, k)` when the caller has them already.
    Winnowing chooses the few hashes the index uses to find candidate pairs; the
    detailed comparison then uses every kept k-gram, so two identical passages
    match token for token (winnowing alone guarantees only one shared hash per
    passage, and the tokens around it would count as own but unmatched). A
    discounted k-gram, or one that runs from one function into the next (it
    changes when functions are reordered), is never chosen and never matched.
    """
    if all_hashes is None:
        all_hashes = kgram_hashes(doc.tokens, k)
    own = np.zeros(len(doc), dtype=bool)
    if len(all_hashes) == 0:
        empty = np.zeros(0, np.int64)
        return Fingerprint(empty, empty, empty, own)
    dropped = np.isin(all_hashes, discounted) | _crosses_functions(doc, k)
    ranked = np.where(dropped, _NEVER, all_hashes)
    _, chosen = winnow(ranked, window_size=window, remove_duplicates=False)
    chosen = np.asarray(chosen, dtype=np.int64)
    selected = np.unique(all_hashes[chosen[~dropped[chosen]]])
    positions = np.flatnonzero(~dropped)
    hashes = all_hashes[positions]
    for offset in range(k):
        own[positions + offset] = True
    order = np.lexsort((positions, hashes))
    return Fingerprint(hashes[order], positions[order], selected, own)


def _crosses_functions(doc: Document, k: int) -> np.ndarray:
    """k-grams that start in one function and end in the next: they change when functions are
    reordered, so they are nobody's passage."""
    names = doc.functions
    segment = np.cumsum([0] + [names[i] != names[i - 1] for i in range(1, len(names))])
    return segment[k - 1:] != segment[:len(segment) - k + 1]
