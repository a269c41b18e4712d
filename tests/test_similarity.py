"""Who copied from whom, on a synthetic class built here (issue 15).

The class: 40 honest `backprop.py` files written differently (formula
variants, names, helpers, statement and function order, small rewrites: see
`autograder/examples/backprop/classmates.py`), then
  - 3 copies of one student, with renamed variables and reordered functions,
  - 2 copies of another, with comments and blank lines changed,
  - 1 student whose own file is honest except `linear_backward`, copied from
    a classmate whose `linear_backward` nobody else wrote that way.
The copies must be the top pairs, no honest pair may reach the reporting
threshold, and the partial copy must be found and attributed to its function.
"""
from __future__ import annotations

import json
import random
from itertools import combinations

import pytest

from autograder.examples.backprop.classmates import honest_class, rewrite
from autograder.examples.disguise import rename, reorder, restyle, transplant
from autograder.similarity.detect import Settings, detect
from autograder.similarity.load import baseline

OWN_LINEAR_BACKWARD = '''def linear_backward(dout, cache):
    inputs, weights, _bias = cache
    n_rows = inputs.shape[0]
    flat = inputs.reshape(n_rows, -1)
    grad_weights = flat.T.dot(dout)
    grad_inputs = dout.dot(weights.T).reshape(inputs.shape)
    grad_bias = dout.sum(axis=0)
    return grad_inputs, grad_weights, grad_bias
'''


def synthetic_class(seed: int) -> tuple[dict[str, str], dict]:
    """({student: source}, roles): 40 honest files plus the disguised copies."""
    honest = honest_class(40, seed)
    ids = sorted(honest)
    rng = random.Random(seed)
    source_a, source_b, donor, host = ids[3], ids[11], ids[20], ids[30]
    sources = dict(honest)
    sources[donor] = transplant(honest[donor], OWN_LINEAR_BACKWARD, "linear_backward")
    ring_a = [source_a] + [f"renamed{i}" for i in range(3)]
    for name in ring_a[1:]:
        sources[name] = reorder(rename(honest[source_a], rng), rng)
    ring_b = [source_b] + [f"restyled{i}" for i in range(2)]
    for name in ring_b[1:]:
        sources[name] = restyle(honest[source_b], rng)
    sources["partial"] = transplant(honest[host], rename(sources[donor], rng), "linear_backward")
    del sources[host]
    copy_pairs = {frozenset(p) for ring in (ring_a, ring_b) for p in combinations(ring, 2)}
    return sources, {"ring_a": ring_a, "ring_b": ring_b, "donor": donor, "copy_pairs": copy_pairs}


@pytest.fixture(scope="module", params=[0, 1, 2], ids=lambda s: f"seed{s}")
def klass(request):
    sources, roles = synthetic_class(request.param)
    return sources, roles, detect(sources, baseline("backprop"))


def test_the_disguises_really_change_the_text(klass):
    sources, roles, _ = klass
    original = sources[roles["ring_a"][0]]
    for copy in roles["ring_a"][1:] + roles["ring_b"][1:]:
        assert sources[copy] != original and sources[copy] != sources[roles["ring_b"][0]]
    renamed = sources["renamed0"]
    assert renamed.index("def linear_backward") != original.index("def linear_backward")   # reordered


def test_copies_are_the_top_pairs(klass):
    _, roles, report = klass
    whole = [p for p in report.pairs if not p.partial]
    top = {frozenset((p.a, p.b)) for p in whole[:len(roles["copy_pairs"])]}
    assert top == roles["copy_pairs"]
    assert all(p.match.score >= report.settings.threshold for p in whole[:len(top)])


def test_no_honest_pair_reaches_the_reporting_threshold(klass):
    sources, roles, _ = klass
    everything = detect(sources, baseline("backprop"), settings=Settings(threshold=0.0, max_pairs=100_000))
    honest = [p for p in everything.pairs if frozenset((p.a, p.b)) not in roles["copy_pairs"]]
    assert honest, "the honest class must share some code, or this test proves nothing"
    best = max(p.match.score for p in honest)
    assert best < Settings().threshold
    copies = [p.match.score for p in everything.pairs if frozenset((p.a, p.b)) in roles["copy_pairs"]]
    assert min(copies) > best


def test_the_partial_copy_is_found_and_attributed_to_linear_backward(klass):
    _, roles, report = klass
    found = [p for p in report.pairs if {p.a, p.b} == {"partial", roles["donor"]}]
    assert len(found) == 1
    pair = found[0]
    assert pair.partial and pair.copied_functions(report.settings) == ["linear_backward"]
    best = max(pair.match.functions, key=lambda f: f.tokens)
    assert (best.function, best.in_other) == ("linear_backward", "linear_backward")
    assert best.share == 1.0
    assert pair.match.score < report.settings.threshold        # the rest of the file is the student's own


def test_clusters_are_the_two_rings(klass):
    _, roles, report = klass
    groups = [set(c.members) for c in report.clusters]
    assert set(roles["ring_a"]) in groups and set(roles["ring_b"]) in groups
    ring_a = next(c for c in report.clusters if set(c.members) == set(roles["ring_a"]))
    assert ring_a.pairs == 6 and ring_a.functions


def test_the_json_is_ranked_capped_and_deterministic(klass):
    sources, _, report = klass
    data = report.to_dict()
    assert data["schema"] == "nngrade.similarity/1"
    assert {"a", "b", "similarity_a", "similarity_b", "functions"} <= set(data["pairs"][0])
    scores = [p["score"] for p in data["pairs"] if not p["partial"]]
    assert scores == sorted(scores, reverse=True)
    again = detect(dict(reversed(list(sources.items()))), baseline("backprop")).to_dict()
    assert json.dumps(again, sort_keys=True) == json.dumps(data, sort_keys=True)
    capped = detect(sources, baseline("backprop"), settings=Settings(max_pairs=2))
    assert len(capped.pairs) == 2 and capped.more_pairs == len(report.pairs) - 2


def test_the_reference_solution_and_scaffold_do_not_count():
    """Two students who both handed in the reference solution are not a pair: it is discounted."""
    reference = baseline("backprop")[-1]
    honest = honest_class(8, 5)
    report = detect({**honest, "ref1": reference, "ref2": reference}, baseline("backprop"),
                    settings=Settings(threshold=0.0))
    assert not [p for p in report.pairs if {p.a, p.b} == {"ref1", "ref2"}]
    assert "ref1" in report.skipped and "nothing of its own" in report.skipped["ref1"]
    without = detect({**honest, "ref1": reference, "ref2": reference}, [], settings=Settings(threshold=0.0))
    assert [p for p in without.pairs if {p.a, p.b} == {"ref1", "ref2"}]     # what the discount removes


def test_a_small_class_gets_no_function_leads_and_says_why():
    """With ten students, two who wrote one function alike is no evidence: it is not looked for."""
    from autograder.similarity.report import render_section
    sources, roles = synthetic_class(0)
    honest = [s for s in sorted(sources) if s.startswith("student") and s != roles["donor"]
              and s not in roles["ring_a"] + roles["ring_b"]]
    small = {s: sources[s] for s in honest[:8]} | {s: sources[s] for s in ("partial", roles["donor"])}
    report = detect(small, baseline("backprop"))
    assert report.independent == 10 and not [p for p in report.pairs if p.partial]
    assert "too few to tell a copied function" in render_section(report)


@pytest.mark.parametrize("seed", [2, 6])
def test_copies_with_rewritten_formulas_still_rank_above_every_honest_pair(seed):
    """A heavier disguise: names, function order *and* some formulas changed (`x ** 2` → `x * x`,
    `np.dot(a, b)` → `a @ b`, `a.shape[0]` → `len(a)`, ...), as an honest student's style would."""
    sources = honest_class(40, seed)
    rng = random.Random(seed)
    ring = ["student003", "heavy0", "heavy1", "heavy2"]
    for name in ring[1:]:
        sources[name] = reorder(rename(rewrite(sources["student003"], rng), rng), rng)
        assert sources[name] != sources["student003"]
    report = detect(sources, baseline("backprop"), settings=Settings(threshold=0.0, max_pairs=100_000))
    in_ring = [p.match.score for p in report.pairs if {p.a, p.b} <= set(ring)]
    honest = [p.match.score for p in report.pairs if not {p.a, p.b} <= set(ring)]
    assert len(in_ring) == 6 and min(in_ring) > max(honest)


def test_the_similarity_section_loads_copydetects_utilities_without_matplotlib():
    """copydetect's package imports matplotlib.pyplot (~0.75 s a batch); nngrade loads only its
    utils, and leaves `import copydetect` whole for anybody else."""
    import subprocess
    import sys
    code = ("import sys\nfrom autograder.similarity.detect import detect\n"
            "from autograder.similarity.batch import batch_section\n"
            "print(sorted(m for m in ('matplotlib', 'copydetect', 'copydetect.utils') if m in sys.modules))\n"
            "import copydetect\nprint(callable(copydetect.utils.winnow), callable(copydetect.CopyDetector))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["[]", "True True"], out.stdout
