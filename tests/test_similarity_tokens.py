"""What the similarity check reads of a file: disguises vanish, formulas stay, broken files do not crash."""
from __future__ import annotations

import numpy as np

from autograder.similarity.compare import compare
from autograder.similarity.fingerprints import fingerprint, kgram_hashes
from autograder.similarity.tokens import tokenise

ORIGINAL = '''import numpy as np


def linear_backward(dout, cache):
    """Backward pass."""
    x, W = cache
    dx = dout @ W.T      # upstream times weights
    dW = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dW, db
'''

DISGUISED = '''import numpy as numpy_lib

# my own work!!


def linear_backward(g, saved):
    inputs, weights = saved

    grad_inputs = g @ weights.T
    grad_weights = inputs.T @ g
    # bias
    grad_bias = g.sum(axis=0)
    return grad_inputs, grad_weights, grad_bias
'''


def test_names_comments_docstrings_and_blank_lines_do_not_count():
    assert tokenise(ORIGINAL).tokens == tokenise(DISGUISED).tokens


def test_numpy_api_and_formulas_count():
    a = tokenise("def f(x):\n    return np.maximum(x, 0)\n").tokens
    b = tokenise("def f(x):\n    return np.minimum(x, 0)\n").tokens
    c = tokenise("def f(x):\n    return x.sum(axis=0)\n").tokens
    d = tokenise("def f(x):\n    return x.sum(keepdims=0)\n").tokens
    assert a != b and c != d
    assert "maximum" in a and "axis" in c


def test_a_parameter_used_as_a_keyword_is_a_chosen_name():
    a = tokenise("def f(x, loss='mse'):\n    return g(x, loss=loss)\n").tokens
    b = tokenise("def f(x, kind='mse'):\n    return g(x, loss=kind)\n").tokens   # g's keyword is not ours
    c = tokenise("def f(x, kind='mse'):\n    return g(x, kind=kind)\n").tokens
    assert a == c and a != b


def test_each_token_knows_its_function_and_place():
    doc = tokenise(ORIGINAL)
    assert set(doc.functions) == {"", "linear_backward"}
    i = doc.tokens.index("@")
    assert ORIGINAL[doc.starts[i]:doc.ends[i]] == "@"
    assert doc.functions[i] == "linear_backward"


def test_broken_empty_and_binary_text_never_raise():
    broken = tokenise('def f(x):\n    return (x +\n\ndef g(y):\n    """unterminated\n')
    assert broken.note and "could not be read" in broken.note
    assert len(tokenise("")) == 0
    assert len(tokenise("\x00\x01\ufffd garbage ((( ]]")) > 0
    no_ast = tokenise("def f(x):\n    return x +\ndef g(y):\n    return y\n")   # syntax error, still tokens
    assert set(no_ast.functions) == {"f", "g"}


def test_kgram_hashes_are_stable_and_exact_after_reordering():
    tokens = tokenise(ORIGINAL).tokens
    h = kgram_hashes(tokens, 5)
    assert h.dtype == np.int64 and len(h) == len(tokens) - 4
    assert np.array_equal(h, kgram_hashes(list(tokens), 5))
    assert int(h.min()) >= 0 and int(h.max()) < 2 ** 52      # exact as floats in copydetect's winnow
    assert len(kgram_hashes(tokens[:3], 5)) == 0


def test_an_identical_function_matches_token_for_token_whatever_surrounds_it():
    extra = "\n\ndef relu_forward(x):\n    out = x * (x > 0)\n    mask = x > 0\n    return out, mask\n"
    a, b = tokenise(ORIGINAL + extra), tokenise(extra + DISGUISED)
    none = np.zeros(0, np.int64)
    fa, fb = fingerprint(a, 6, 4, none), fingerprint(b, 6, 4, none)
    match = compare(a, fa, b, fb, 6)
    assert match.similarity_a == 1.0 and match.similarity_b == 1.0
    names = {f.function for f in match.functions}
    assert names == {"linear_backward", "relu_forward"}
    # one discounted passage (say, the scaffold's) is neither matched nor own
    scaffold = kgram_hashes(tokenise(extra).tokens, 6)
    fa2, fb2 = fingerprint(a, 6, 4, np.unique(scaffold)), fingerprint(b, 6, 4, np.unique(scaffold))
    match2 = compare(a, fa2, b, fb2, 6)
    assert [f.function for f in match2.functions] == ["linear_backward"]
    assert match2.tokens_a < match.tokens_a
