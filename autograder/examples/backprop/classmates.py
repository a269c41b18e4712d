"""A generated class of honest `backprop.py` files, each written its own way.

    honest_solution(rng) -> str          one student's file
    honest_class(n, seed) -> {id: str}   n of them, deterministic for a seed

Every function has several hand-written formulas (`x @ W`, `np.dot`, `einsum`;
a stable sigmoid by tanh, masks, `np.where` or `logaddexp`; dict, tuple or
list caches; loops or comprehensions), and every student also picks their own
names, comments, docstrings, statement order where it is free, helper
functions and function order. Similarity tests use it as the class that
copies must stand out from; benchmarks use it for size.
"""
from __future__ import annotations

import random
import re
from string import Template

NAMES = {
    "x": ["x", "X", "inp", "inputs", "a_in", "h", "features"],
    "W": ["W", "w", "weights", "W_", "weight", "Wmat"],
    "b": ["b", "bias", "b_", "offset", "bvec"],
    "out": ["out", "y_hat", "result", "z", "o", "activ"],
    "dout": ["dout", "grad_out", "upstream", "g", "dy", "delta"],
    "cache": ["cache", "cache", "saved", "ctx", "memo"],
    "dx": ["dx", "grad_x", "d_x", "dinput", "dX"],
    "dW": ["dW", "grad_W", "dw", "d_weights", "gW"],
    "db": ["db", "grad_b", "dbias", "d_b", "gb"],
    "n": ["n", "N", "batch", "num", "m", "count"],
    "diff": ["diff", "err", "residual", "delta_y", "e"],
    "probs": ["probs", "p", "softmax", "prob", "P"],
    "params": ["params", "params", "theta", "net", "model"],
    "grads": ["grads", "gradients", "g_dict", "dparams"],
    "k": ["k", "i", "layer", "l", "idx"],
    "L": ["L", "num_layers", "n_layers", "depth", "nl"],
    "rng": ["rng", "gen", "random_state", "r"],
    "hist": ["history", "losses_per_epoch", "hist", "curve"],
}

HEADERS = ['import numpy as np\n', 'import numpy as np\nimport math\n', 'from __future__ import annotations\n\nimport numpy as np\n',
           'import numpy\nnp = numpy\n', '# my backprop homework\nimport numpy as np\n']

LINEAR_FORWARD = {
    "tuple": ["    $out = $x @ $W + $b\n    $cache = ($x, $W, $b)\n    return $out, $cache\n",
              "    $out = np.dot($x, $W) + $b\n    return $out, ($x, $W, $b)\n",
              "    $out = np.matmul($x, $W)\n    $out = $out + $b[None, :]\n    $cache = ($x, $W, $b)\n    return $out, $cache\n"],
    "dict": ['    $out = $x.dot($W) + $b\n    $cache = {"x": $x, "W": $W}\n    return $out, $cache\n',
             '    $cache = dict(x=$x, W=$W)\n    return $x @ $W + $b.reshape(1, -1), $cache\n'],
    "pair": ["    $out = $x @ $W + $b\n    $cache = ($x, $W)\n    return $out, $cache\n",
             "    $out = np.einsum('nd,dm->nm', $x, $W) + $b\n    return $out, ($x, $W)\n"],
}
UNPACK = {"tuple": ["    $x, $W, $b = $cache\n", "    $x, $W, _ = $cache\n", "    $x = $cache[0]\n    $W = $cache[1]\n"],
          "dict": ['    $x, $W = $cache["x"], $cache["W"]\n', '    $x = $cache["x"]\n    $W = $cache["W"]\n'],
          "pair": ["    $x, $W = $cache\n", "    ($x, $W) = $cache\n"]}
DX = ["$dx = $dout @ $W.T", "$dx = np.dot($dout, $W.T)", "$dx = $dout.dot($W.T)", "$dx = np.matmul($dout, $W.transpose())",
      "$dx = ($W @ $dout.T).T", "$dx = np.einsum('nm,dm->nd', $dout, $W)"]
DW = ["$dW = $x.T @ $dout", "$dW = np.dot($x.T, $dout)", "$dW = $x.T.dot($dout)",
      "$dW = np.matmul($x.transpose(), $dout)", "$dW = np.einsum('nd,nm->dm', $x, $dout)", "$dW = ($dout.T @ $x).T"]
DB = ["$db = $dout.sum(axis=0)", "$db = np.sum($dout, axis=0)", "$db = $dout.sum(0)",
      "$db = np.ones($dout.shape[0]) @ $dout", "$db = np.sum($dout, axis=0, keepdims=True).ravel()",
      "$db = np.einsum('nm->m', $dout)"]
RETURN3 = ["    return $dx, $dW, $db\n", "    return ($dx, $dW, $db)\n", "    grads = ($dx, $dW, $db)\n    return grads\n"]

RELU_F = ["    $out = np.maximum($x, 0)\n    $cache = $x\n    return $out, $cache\n",
          "    $out = np.maximum(0, $x)\n    return $out, $x\n",
          "    $out = $x * ($x > 0)\n    return $out, $x\n",
          "    mask = $x > 0\n    $out = np.where(mask, $x, 0.0).astype($x.dtype)\n    return $out, mask\n",
          "    $out = $x.copy()\n    $out[$out < 0] = 0\n    return $out, $out\n",
          "    $out = np.clip($x, 0, None)\n    $cache = {'x': $x}\n    return $out, $cache\n"]
RELU_B = ["    $x = $cache\n    $dx = $dout * ($x > 0)\n    return $dx\n",
          "    return $dout * ($cache > 0)\n",
          "    $dx = np.where($cache > 0, $dout, 0)\n    return $dx\n",
          "    $dx = $dout.copy()\n    $dx[$cache <= 0] = 0\n    return $dx\n",
          "    mask = ($cache > 0).astype($dout.dtype)\n    return mask * $dout\n"]
SIG_F = ["    $out = 0.5 * (1 + np.tanh(0.5 * $x))\n    return $out, $out\n",
         "    $out = np.exp(-np.logaddexp(0, -$x))\n    $cache = $out\n    return $out, $cache\n",
         "    $out = np.empty_like($x)\n    pos = $x >= 0\n    $out[pos] = 1 / (1 + np.exp(-$x[pos]))\n"
         "    e = np.exp($x[~pos])\n    $out[~pos] = e / (1 + e)\n    return $out, $out\n",
         "    e = np.exp(-np.abs($x))\n    $out = np.where($x >= 0, 1 / (1 + e), e / (1 + e))\n    return $out, $out\n"]
SIG_B = ["    $out = $cache\n    $dx = $dout * $out * (1 - $out)\n    return $dx\n",
         "    s = $cache\n    return $dout * s * (1.0 - s)\n",
         "    $dx = $dout * ($cache - $cache ** 2)\n    return $dx\n",
         "    local = $cache * (1 - $cache)\n    $dx = local * $dout\n    return $dx\n"]
MSE = ["    $n = pred.shape[0]\n    $diff = pred - y\n    loss = 0.5 * float(np.sum($diff * $diff)) / $n\n"
       "    dpred = $diff / $n\n    return loss, dpred\n",
       "    $n = len(pred)\n    $diff = pred - y\n    loss = float(np.sum($diff ** 2)) / (2 * $n)\n    return loss, $diff / $n\n",
       "    $diff = pred - y\n    loss = 0.5 * np.mean(np.sum(($diff ** 2).reshape(len(pred), -1), axis=1))\n"
       "    dpred = $diff / pred.shape[0]\n    return float(loss), dpred\n",
       "    $n = pred.shape[0]\n    sq = np.square(pred - y)\n    loss = sq.sum() / $n / 2\n"
       "    dpred = (pred - y) / $n\n    return float(loss), dpred\n"]
SOFTMAX = [
    "    $n = scores.shape[0]\n    shifted = scores - scores.max(axis=1, keepdims=True)\n"
    "    log_$probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))\n"
    "    loss = -float(np.mean(log_$probs[np.arange($n), y]))\n    d = np.exp(log_$probs)\n"
    "    d[np.arange($n), y] -= 1\n    return loss, d / $n\n",
    "    $n = len(y)\n    z = scores - np.max(scores, axis=1)[:, None]\n    ez = np.exp(z)\n"
    "    $probs = ez / ez.sum(axis=1)[:, None]\n    loss = -np.log($probs[range($n), y]).mean()\n"
    "    dscores = $probs.copy()\n    dscores[range($n), y] -= 1.0\n    dscores /= $n\n    return float(loss), dscores\n",
    "    $n = scores.shape[0]\n    lse = np.logaddexp.reduce(scores, axis=1)\n"
    "    loss = float(np.mean(lse - scores[np.arange($n), y]))\n    $probs = np.exp(scores - lse[:, None])\n"
    "    onehot = np.zeros_like(scores)\n    onehot[np.arange($n), y] = 1\n    return loss, ($probs - onehot) / $n\n",
    "    m = scores.max(axis=-1, keepdims=True)\n    logsum = m + np.log(np.exp(scores - m).sum(axis=-1, keepdims=True))\n"
    "    logp = scores - logsum\n    $n = scores.shape[0]\n    idx = np.arange($n)\n    loss = -logp[idx, y].sum() / $n\n"
    "    grad = np.exp(logp)\n    grad[idx, y] = grad[idx, y] - 1\n    return float(loss), grad / $n\n",
]
INIT = [
    "    $rng = np.random.default_rng(seed)\n    $params = {}\n"
    "    for $k, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):\n"
    "        $params[f\"W{$k}\"] = $rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))\n"
    "        $params[f\"b{$k}\"] = np.zeros(fan_out)\n    return $params\n",
    "    $rng = np.random.default_rng(seed)\n    $params = {}\n    for $k in range(1, len(sizes)):\n"
    "        d_in, d_out = sizes[$k - 1], sizes[$k]\n"
    "        $params['W' + str($k)] = $rng.standard_normal((d_in, d_out)) * np.sqrt(2 / d_in)\n"
    "        $params['b' + str($k)] = np.zeros(d_out)\n    return $params\n",
    "    $rng = np.random.default_rng(seed)\n    $params = dict()\n    $L = len(sizes) - 1\n"
    "    for $k in range($L):\n        std = (2.0 / sizes[$k]) ** 0.5\n"
    "        $params['W%d' % ($k + 1)] = std * $rng.normal(size=(sizes[$k], sizes[$k + 1]))\n"
    "        $params['b%d' % ($k + 1)] = np.zeros((sizes[$k + 1],))\n    return $params\n",
]
N_LAYERS = ["    return len($params) // 2\n", "    return sum(1 for key in $params if key.startswith('W'))\n",
            "    return len([key for key in $params if key[0] == 'W'])\n"]
FORWARD = [
    "    $L = $NL($params)\n    h = X\n    for $k in range(1, $L + 1):\n"
    "        h, _ = linear_forward(h, $params[f\"W{$k}\"], $params[f\"b{$k}\"])\n"
    "        if $k < $L:\n            h, _ = (relu_forward if activation == 'relu' else sigmoid_forward)(h)\n    return h\n",
    "    act = relu_forward if activation == \"relu\" else sigmoid_forward\n    $L = $NL($params)\n    h = X\n"
    "    for $k in range(1, $L):\n        h = act(linear_forward(h, $params['W%d' % $k], $params['b%d' % $k])[0])[0]\n"
    "    $out, _ = linear_forward(h, $params['W%d' % $L], $params['b%d' % $L])\n    return $out\n",
    "    h = X\n    $L = $NL($params)\n    $k = 1\n    while $k <= $L:\n"
    "        h = h @ $params['W' + str($k)] + $params['b' + str($k)]\n        if $k != $L:\n"
    "            h = np.maximum(h, 0) if activation == 'relu' else sigmoid_forward(h)[0]\n        $k += 1\n    return h\n",
]
LOSS_GRADS = [
    "    fwd, bwd = (relu_forward, relu_backward) if activation == 'relu' else (sigmoid_forward, sigmoid_backward)\n"
    "    $L = $NL($params)\n    h, caches = X, []\n    for $k in range(1, $L + 1):\n"
    "        h, lc = linear_forward(h, $params[f\"W{$k}\"], $params[f\"b{$k}\"])\n        ac = None\n"
    "        if $k < $L:\n            h, ac = fwd(h)\n        caches.append((lc, ac))\n"
    "    data_loss, dh = (softmax_cross_entropy if loss == 'softmax' else mse_loss)(h, y)\n"
    "    total = data_loss + 0.5 * reg * sum(float(np.sum($params[f\"W{$k}\"] ** 2)) for $k in range(1, $L + 1))\n"
    "    $grads = {}\n    for $k in range($L, 0, -1):\n        lc, ac = caches[$k - 1]\n        if $k < $L:\n"
    "            dh = bwd(dh, ac)\n        dh, dW_, db_ = linear_backward(dh, lc)\n"
    "        $grads[f\"W{$k}\"] = dW_ + reg * $params[f\"W{$k}\"]\n        $grads[f\"b{$k}\"] = db_\n    return total, $grads\n",
    "    $L = $NL($params)\n    lin_caches, act_caches = {}, {}\n    h = X\n    for $k in range(1, $L + 1):\n"
    "        h, lin_caches[$k] = linear_forward(h, $params['W' + str($k)], $params['b' + str($k)])\n"
    "        if $k != $L:\n            if activation == 'relu':\n                h, act_caches[$k] = relu_forward(h)\n"
    "            else:\n                h, act_caches[$k] = sigmoid_forward(h)\n"
    "    if loss == 'softmax':\n        value, dh = softmax_cross_entropy(h, y)\n    else:\n        value, dh = mse_loss(h, y)\n"
    "    for $k in range(1, $L + 1):\n        value += 0.5 * reg * np.sum($params['W' + str($k)] ** 2)\n"
    "    $grads = {}\n    $k = $L\n    while $k >= 1:\n        if $k != $L:\n"
    "            dh = relu_backward(dh, act_caches[$k]) if activation == 'relu' else sigmoid_backward(dh, act_caches[$k])\n"
    "        dh, gw, gb = linear_backward(dh, lin_caches[$k])\n        $grads['W' + str($k)] = gw + reg * $params['W' + str($k)]\n"
    "        $grads['b' + str($k)] = gb\n        $k -= 1\n    return float(value), $grads\n",
    "    $L = $NL($params)\n    stack = []\n    h = X\n    for $k in range(1, $L + 1):\n"
    "        W_k, b_k = $params['W%d' % $k], $params['b%d' % $k]\n        h, c1 = linear_forward(h, W_k, b_k)\n"
    "        c2 = None\n        if $k < $L:\n            h, c2 = relu_forward(h) if activation == 'relu' else sigmoid_forward(h)\n"
    "        stack.append((c1, c2))\n    lossfn = softmax_cross_entropy if loss == 'softmax' else mse_loss\n"
    "    data, dh = lossfn(h, y)\n    penalty = sum(np.sum($params['W%d' % $k] * $params['W%d' % $k]) for $k in range(1, $L + 1))\n"
    "    $grads = {}\n    for $k in reversed(range(1, $L + 1)):\n        c1, c2 = stack.pop()\n        if c2 is not None:\n"
    "            dh = relu_backward(dh, c2) if activation == 'relu' else sigmoid_backward(dh, c2)\n"
    "        dh, $grads['W%d' % $k], $grads['b%d' % $k] = linear_backward(dh, c1)\n        $grads['W%d' % $k] += reg * $params['W%d' % $k]\n"
    "    return float(data + 0.5 * reg * penalty), $grads\n",
]
SGD = ["    return {key: value - lr * $grads[key] for key, value in $params.items()}\n",
       "    new = {}\n    for key in $params:\n        new[key] = $params[key] - lr * $grads[key]\n    return new\n",
       "    updated = dict()\n    for name, p in $params.items():\n        step = lr * $grads[name]\n        updated[name] = p - step\n    return updated\n",
       "    return dict((key, $params[key] - lr * $grads[key]) for key in $params)\n"]
TRAIN = [
    "    $params = init_mlp(sizes, seed)\n    $rng = np.random.default_rng(seed)\n    $hist = []\n    $n = X.shape[0]\n"
    "    for _ in range(epochs):\n        order = $rng.permutation($n)\n        losses = []\n"
    "        for start in range(0, $n, batch_size):\n            batch_idx = order[start:start + batch_size]\n"
    "            value, $grads = mlp_loss_and_grads($params, X[batch_idx], y[batch_idx], loss=loss)\n"
    "            $params = sgd_step($params, $grads, lr)\n            losses.append(value)\n"
    "        $hist.append(float(np.mean(losses)))\n    return $params, $hist\n",
    "    $rng = np.random.default_rng(seed)\n    $params = init_mlp(sizes, seed)\n    $hist = []\n"
    "    for epoch in range(epochs):\n        perm = $rng.permutation(len(X))\n        Xs, ys = X[perm], y[perm]\n"
    "        total, count = 0.0, 0\n        for i in range(0, len(X), batch_size):\n"
    "            l, g = mlp_loss_and_grads($params, Xs[i:i + batch_size], ys[i:i + batch_size], loss)\n"
    "            $params = sgd_step($params, g, lr)\n            total += l\n            count += 1\n"
    "        $hist.append(total / count)\n    return $params, $hist\n",
    "    $params = init_mlp(sizes, seed)\n    $rng = np.random.default_rng(seed)\n    $n = len(X)\n"
    "    n_batches = int(np.ceil($n / batch_size))\n    $hist = []\n    for _ in range(epochs):\n"
    "        idx = $rng.permutation($n)\n        epoch_losses = np.zeros(n_batches)\n"
    "        for j, chunk in enumerate(np.array_split(idx, n_batches)):\n"
    "            epoch_losses[j], $grads = mlp_loss_and_grads($params, X[chunk], y[chunk], loss=loss)\n"
    "            $params = sgd_step($params, $grads, lr)\n        $hist.append(float(epoch_losses.mean()))\n"
    "    return $params, $hist\n",
]

SIGNATURES = {
    "linear_forward": "($x, $W, $b)", "linear_backward": "($dout, $cache)", "relu_forward": "($x)",
    "relu_backward": "($dout, $cache)", "sigmoid_forward": "($x)", "sigmoid_backward": "($dout, $cache)",
    "mse_loss": "(pred, y)", "softmax_cross_entropy": "(scores, y)", "init_mlp": "(sizes, seed)",
    "mlp_forward": "($params, X, activation=\"relu\")",
    "mlp_loss_and_grads": "($params, X, y, loss=\"softmax\", activation=\"relu\", reg=0.0)",
    "sgd_step": "($params, $grads, lr)",
    "train_mlp": "(X, y, sizes, loss=\"softmax\", lr=0.1, epochs=100, batch_size=64, seed=0)",
}
DOCS = ["", '    """{name}: see the README."""\n', '    """Compute {name}.\n\n    Shapes as in the handout.\n    """\n',
        "    # {name}\n", "    # TODO done\n"]


def _linear_backward(rng: random.Random, style: str) -> str:
    lines = [rng.choice(DX), rng.choice(DW), rng.choice(DB)]
    rng.shuffle(lines)
    body = rng.choice(UNPACK[style]) + "".join(f"    {line}\n" for line in lines) + rng.choice(RETURN3)
    if rng.random() < 0.3:
        body = body.replace("    return", "    assert $dx.shape == $x.shape\n    return", 1)
    return body


# Small rewrites one person makes and another does not, applied line by line at random:
# they give two students who chose the same formula different token streams, as in a real class.
REWRITES = [
    (re.compile(r"np\.sum\((\w+), axis=(-?\d)\)"), r"\1.sum(axis=\2)"),
    (re.compile(r"(\w+)\.sum\(axis=(-?\d)\)"), r"np.sum(\1, axis=\2)"),
    (re.compile(r"(\w+) \*\* 2"), r"\1 * \1"),
    (re.compile(r"(\w+) \* \1\b"), r"np.square(\1)"),
    (re.compile(r"np\.dot\((\w+), (\w+(?:\.T)?)\)"), r"\1 @ \2"),
    (re.compile(r"(?<!/)/ (\w+)$"), r"* (1.0 / \1)"),
    (re.compile(r"\b0\.5 \* "), r"(1 / 2) * "),
    (re.compile(r"axis=1"), r"axis=-1"),
    (re.compile(r"(\w+)\.shape\[0\]"), r"len(\1)"),
    (re.compile(r"^(\s+)(\w+) -= 1$"), r"\1\2 = \2 - 1"),
    (re.compile(r"^(\s+)(\w+) /= (\w+)$"), r"\1\2 = \2 / \3"),
    (re.compile(r"np\.zeros\((\w+)\)"), r"np.zeros((\1,))"),
    (re.compile(r"range\(1, (\w+) \+ 1\)"), r"range(1, \1 + 1, 1)"),
]
RETURN_EXPR = re.compile(r"^(\s+)return (?!.*,)(.+)$")


def rewrite(source: str, rng: random.Random) -> str:
    """Each line: every applicable rewrite with probability 1/2; a returned expression may get a name."""
    lines = []
    for line in source.splitlines():
        for pattern, replacement in REWRITES:
            if rng.random() < 0.5:
                line = pattern.sub(replacement, line)
        match = RETURN_EXPR.match(line)
        if match and rng.random() < 0.3 and "(" in match[2]:
            lines.append(f"{match[1]}result_ = {match[2]}")
            line = f"{match[1]}return result_"
        lines.append(line)
    return "\n".join(lines) + "\n"


def honest_solution(rng: random.Random) -> str:
    """One honest student's whole file, deterministic for the state of `rng`."""
    names = {role: rng.choice(pool) for role, pool in NAMES.items()}
    helper = rng.choice(["_n_layers", "count_layers", "_depth", "num_layers_of"])
    names["NL"] = helper
    style = rng.choice(sorted(LINEAR_FORWARD))
    bodies = {
        "linear_forward": rng.choice(LINEAR_FORWARD[style]),
        "linear_backward": _linear_backward(rng, style),
        "relu_forward": rng.choice(RELU_F), "relu_backward": rng.choice(RELU_B),
        "sigmoid_forward": rng.choice(SIG_F), "sigmoid_backward": rng.choice(SIG_B),
        "mse_loss": rng.choice(MSE), "softmax_cross_entropy": rng.choice(SOFTMAX),
        "init_mlp": rng.choice(INIT), "mlp_forward": rng.choice(FORWARD),
        "mlp_loss_and_grads": rng.choice(LOSS_GRADS), "sgd_step": rng.choice(SGD), "train_mlp": rng.choice(TRAIN),
    }
    order = list(bodies)
    if rng.random() < 0.25:                # some students write the MLP part before the layers
        order = order[8:] + order[:8]
    doc_style = rng.choice(DOCS)
    parts = [rng.choice(HEADERS)]
    helper_src = f"def {helper}($params):\n{rng.choice(N_LAYERS)}"
    for i, name in enumerate(order):
        if name == "mlp_forward" or (i == 0 and name != "linear_forward" and rng.random() < 0.5):
            parts.append(helper_src)
            helper_src = ""
        parts.append(f"def {name}{SIGNATURES[name]}:\n{doc_style.format(name=name)}{bodies[name]}")
    if helper_src:
        parts.append(helper_src)
    blank = rng.choice(["\n\n", "\n\n\n", "\n"])
    return rewrite(Template(blank.join(parts)).safe_substitute(names), rng)


def honest_class(n: int, seed: int = 0) -> dict[str, str]:
    """`n` honest files, {student id: source}; the same for the same (n, seed)."""
    rng = random.Random(seed)
    return {f"student{i:03d}": honest_solution(random.Random(rng.getrandbits(64))) for i in range(n)}
