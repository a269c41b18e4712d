"""Two fingerprinted documents → how much of each is matched in the other, where, and in which functions.

    match = compare(doc_a, fp_a, doc_b, fp_b, k, rare)
    match.similarity_a    matched own tokens of A / own tokens of A (0 … 1)
    match.slices_a        int array (2, s): character [start, end) of each matched passage in A's source
    match.functions       per function of A holding matched tokens: its share, and where it went in B

A token is matched when it lies in a kept k-gram that the other document also
holds; copydetect turns those k-gram positions into passages
(`copydetect.utils.get_copied_slices`). "Own" tokens are those not discounted
(scaffold, reference solution, passages common in the class), so a similarity
is the share of what a student wrote themselves that is found in the other file.
A "rare" token is matched by a k-gram that no third independent submission holds:
the evidence that one function was copied, not written alike by chance.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from autograder.similarity.copydetect_utils import get_copied_slices
from autograder.similarity.fingerprints import Fingerprint
from autograder.similarity.tokens import Document


@dataclass
class FunctionMatch:
    function: str          # in this side's file ("" = module level)
    in_other: str          # the function of the other file where most of it was found
    tokens: int            # matched tokens inside it
    share: float           # tokens / own tokens of that function
    rare: int = 0          # matched tokens that only this pair holds

    def to_dict(self) -> dict:
        return {"function": self.function, "in_other": self.in_other, "tokens": self.tokens,
                "share": round(self.share, 4), "rare_tokens": self.rare}


@dataclass
class Match:
    similarity_a: float
    similarity_b: float
    tokens_a: int
    tokens_b: int
    slices_a: np.ndarray = field(repr=False)
    slices_b: np.ndarray = field(repr=False)
    functions: list[FunctionMatch]              # A's functions, most matched first
    functions_b: list[FunctionMatch]            # B's functions, most matched first
    score: float = 0.0                          # what ranks the pair (see `compare`)
    rare_a: int = 0                             # matched tokens of A that no third submission holds
    rare_b: int = 0
    own_a: int = 0
    own_b: int = 0


def _cover(positions: np.ndarray, k: int, n_tokens: int) -> np.ndarray:
    """Tokens inside the k-grams starting at `positions`, merged into passages by copydetect."""
    mask = np.zeros(n_tokens, dtype=bool)
    if len(positions):
        slices = get_copied_slices(positions, k)
        for start, end in zip(slices[0].tolist(), slices[1].tolist()):
            mask[start:end] = True
    return mask


def _char_slices(doc: Document, mask: np.ndarray) -> np.ndarray:
    """Runs of matched tokens → character [start, end) in the source, shape (2, s)."""
    if not mask.any():
        return np.zeros((2, 0), dtype=np.int64)
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    first, last = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return np.array([doc.starts[first], doc.ends[last]], dtype=np.int64)


@dataclass
class _Side:
    doc: Document
    fp: Fingerprint
    hit: np.ndarray           # bool (m,): which kept k-grams the other side holds
    mask: np.ndarray          # bool (n,): matched tokens
    rare_mask: np.ndarray     # bool (n,): matched by k-grams only this pair holds


def _member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """np.isin for a sorted `sorted_set`, without sorting again (this runs for every pair)."""
    if len(sorted_set) == 0:
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values


def _side(doc: Document, fp: Fingerprint, other: Fingerprint, k: int, rare: np.ndarray) -> _Side:
    hit = _member(fp.hashes, other.hashes)
    positions = fp.positions[hit]
    mask = _cover(positions, k, len(doc)) & fp.own
    rare_positions = positions[_member(fp.hashes[hit], rare)]
    return _Side(doc, fp, hit, mask, _cover(rare_positions, k, len(doc)) & fp.own)


def _functions(here: _Side, there: _Side) -> list[FunctionMatch]:
    ids, names = here.doc.function_ids, here.doc.function_names
    n = len(names)
    matched = np.bincount(ids[here.mask], minlength=n)
    own = np.bincount(ids[here.fp.own], minlength=n)
    rare = np.bincount(ids[here.rare_mask], minlength=n)
    # where each shared k-gram sits over there: its first occurrence (hashes are sorted)
    hashes = here.fp.hashes[here.hit]
    at = np.searchsorted(there.fp.hashes, hashes)
    from_fn = ids[here.fp.positions[here.hit]]
    to_fn = there.doc.function_ids[there.fp.positions[at]]
    out = []
    for f in np.flatnonzero(matched).tolist():
        targets = to_fn[from_fn == f]
        best = int(np.bincount(targets).argmax()) if len(targets) else -1
        out.append(FunctionMatch(names[f], there.doc.function_names[best] if best >= 0 else "",
                                 int(matched[f]), float(matched[f] / max(own[f], 1)), int(rare[f])))
    return sorted(out, key=lambda m: (-m.tokens, m.function))


def compare(doc_a: Document, fp_a: Fingerprint, doc_b: Document, fp_b: Fingerprint, k: int,
            rare: np.ndarray | None = None, slack_tokens: int = 10) -> Match:
    """The matched passages of A and B (both directions).

    `rare`: sorted hashes that no third independent submission holds. The score
    that ranks the pair is the larger of matched / (own + slack_tokens) over the
    two sides: nearly the share, but 40 of 40 tokens (a few lines that happen to
    be alike) ranks below 380 of 400 (a whole file).
    """
    rare = np.zeros(0, np.int64) if rare is None else rare
    a, b = _side(doc_a, fp_a, fp_b, k, rare), _side(doc_b, fp_b, fp_a, k, rare)
    tokens_a, tokens_b = int(a.mask.sum()), int(b.mask.sum())
    own_a, own_b = int(fp_a.own.sum()), int(fp_b.own.sum())
    score = max(tokens_a / (own_a + slack_tokens), tokens_b / (own_b + slack_tokens))
    return Match(tokens_a / max(own_a, 1), tokens_b / max(own_b, 1), tokens_a, tokens_b,
                 _char_slices(doc_a, a.mask), _char_slices(doc_b, b.mask), _functions(a, b), _functions(b, a),
                 score, int(a.rare_mask.sum()), int(b.rare_mask.sum()), own_a, own_b)
