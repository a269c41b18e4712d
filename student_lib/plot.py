"""Pictures of ReLU nets: your net against its target, kinks marked, error below.

    python -m student_lib plot ID [FILE] [-o ID_plots.png]

draws what your current file builds (for an assignment whose `assignment.toml`
lists `plots = ["student_lib.plot:gallery"]`): the piecewise-linear
interpolant, a step, approximations of a few targets, the sawtooth, x**2,
and a net trained by `fit_relu_net`. Functions that are not written yet are
skipped. Matplotlib is imported only when a picture is drawn.

The evaluators `shallow_values` and `deep_values` are the ones the checks use,
so that a bug in your `shallow_forward` costs only that function's points.
"""
from __future__ import annotations

import argparse
import importlib.util
import io
import sys
from pathlib import Path

import numpy as np

MAX_UNITS = 100_000       # a net returned by a submission is evaluated by the grader:
MAX_LAYERS = 1_000        # cap its size so that a huge one fails instead of exhausting memory
CHUNK = 4_000_000         # entries of the widest (n, k) intermediate array


def _chunks(n: int, width: int):
    step = max(1, CHUNK // max(width, 1))
    return [slice(i, i + step) for i in range(0, n, step)]


# ------------------------------------------------------------ evaluating nets
def read_shallow(params) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(w, b, c, d) as float64 arrays of shape (k,) and a float; ValueError if malformed."""
    if not isinstance(params, (tuple, list)) or len(params) != 4:
        raise ValueError("a shallow net is a tuple (w, b, c, d) of four items")
    try:
        w, b, c = (np.asarray(p, dtype=np.float64) for p in params[:3])
        d = np.asarray(params[3], dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("w, b, c must be numpy arrays of numbers and d a number") from None
    if w.ndim != 1 or b.shape != w.shape or c.shape != w.shape:
        raise ValueError(f"w, b, c must be 1-D arrays of the same shape (k,); got shapes "
                         f"{w.shape}, {b.shape}, {c.shape}")
    if d.size != 1:
        raise ValueError(f"d must be a single number, got an array of shape {d.shape}")
    if w.size > MAX_UNITS:
        raise ValueError(f"the net has {w.size} units; the checker evaluates at most {MAX_UNITS}")
    if not (np.all(np.isfinite(w)) and np.all(np.isfinite(b)) and np.all(np.isfinite(c))
            and np.isfinite(d)):
        raise ValueError("the net's parameters contain NaN or inf")
    return w, b, c, float(d.reshape(()))


def shallow_values(params, x) -> np.ndarray:
    """f(x) = d + sum_i c[i] relu(w[i] x + b[i]) for x of shape (n,), in float64."""
    w, b, c, d = read_shallow(params)
    x = np.asarray(x, dtype=np.float64)
    out = np.empty(x.shape)
    for part in _chunks(len(x), len(w)):
        out[part] = np.maximum(x[part, None] * w + b, 0.0) @ c + d
    return out


def read_deep(layers) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (W, b) pairs as float64 arrays; ValueError if the shapes do not chain."""
    if not isinstance(layers, (list, tuple)) or len(layers) == 0:
        raise ValueError("a deep net is a non-empty list of (W, b) pairs")
    if len(layers) > MAX_LAYERS:
        raise ValueError(f"the net has {len(layers)} layers; the checker evaluates at most {MAX_LAYERS}")
    out, width = [], 1
    for i, layer in enumerate(layers):
        if not isinstance(layer, (tuple, list)) or len(layer) != 2:
            raise ValueError(f"layer {i} is not a pair (W, b)")
        try:
            W, b = (np.asarray(p, dtype=np.float64) for p in layer)
        except (TypeError, ValueError):
            raise ValueError(f"layer {i}: W and b must be numpy arrays of numbers") from None
        if W.ndim != 2 or W.shape[0] != width or b.shape != (W.shape[1],):
            raise ValueError(f"layer {i}: W must have shape ({width}, out) and b shape (out,); "
                             f"got {W.shape} and {b.shape}")
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
            raise ValueError(f"layer {i} contains NaN or inf")
        if W.shape[1] > MAX_UNITS:
            raise ValueError(f"layer {i} has {W.shape[1]} units; the checker evaluates at most {MAX_UNITS}")
        out.append((W, b))
        width = W.shape[1]
    if width != 1:
        raise ValueError(f"the last layer must have 1 output, not {width}")
    return out


def deep_values(layers, x) -> np.ndarray:
    """The deep net on x of shape (n,): ReLU after every layer but the last; shape (n,)."""
    layers = read_deep(layers)
    x = np.asarray(x, dtype=np.float64)
    out = np.empty(x.shape)
    for part in _chunks(len(x), max(W.shape[1] for W, _ in layers)):
        h = x[part, None]
        for i, (W, b) in enumerate(layers):
            h = h @ W + b
            if i < len(layers) - 1:
                h = np.maximum(h, 0.0)
        out[part] = h[:, 0]
    return out


def hidden_units(layers) -> int:
    """Number of hidden units: the out-sizes of all layers but the last."""
    return int(sum(W.shape[1] for W, _ in read_deep(layers)[:-1]))


def kinks(params) -> np.ndarray:
    """Where the units of a shallow net turn on (x = -b/w), sorted."""
    w, b, _, _ = read_shallow(params)
    on = w != 0
    return np.sort(-b[on] / w[on])


# ------------------------------------------------------------ drawing
def _figure(size=(6, 4.5)):
    """A matplotlib Figure with its Agg canvas; no pyplot, no global state."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    return fig


def _net_axes(fig):
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    for ax in (top, bottom):
        ax.locator_params(nbins=4)   # a few ticks read as well, and laying out ticks is most of a draw
    return top, bottom


def _png(fig, path) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=72)
    data = buf.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def _draw_net(top, bottom, x, net_y, target_y, net_kinks, title):
    top.plot(x, target_y, color="0.6", lw=3, label="target")
    top.plot(x, net_y, color="C0", lw=1.5, label="your net")
    if len(net_kinks):   # one collection, not a line per kink (each line costs a few ms to lay out)
        top.vlines(net_kinks, 0, 1, transform=top.get_xaxis_transform(), color="C1", lw=0.5, alpha=0.6)
    top.set_title(title, fontsize=10)
    top.legend(fontsize=8, loc="best")
    err = net_y - target_y
    bottom.plot(x, err, color="C3", lw=1)
    bottom.axhline(0, color="0.5", lw=0.5)
    worst = float(np.max(np.abs(err)))
    bottom.set_ylim(-max(1.2 * worst, 1e-9), max(1.2 * worst, 1e-9))   # rounding noise stays flat
    bottom.set_ylabel(f"error (max {worst:.2g})", fontsize=8)


def plot_shallow(params, target, a: float, b: float, title: str = "", path=None) -> bytes:
    """PNG of a shallow net against `target` on [a, b], kinks marked, the error below.

    Inputs:
    - params: (w, b, c, d), a shallow net
    - target: callable on an array of shape (n,), e.g. a student_lib.targets target
    - a, b: the interval drawn
    - path: if given, the PNG is also written there
    Returns the PNG bytes.
    """
    x = np.linspace(a, b, 801)
    ks = kinks(params)
    fig = _figure()
    top, bottom = _net_axes(fig)
    _draw_net(top, bottom, x, shallow_values(params, x), np.asarray(target(x), dtype=np.float64),
              ks[(ks >= a) & (ks <= b)], title or f"{len(read_shallow(params)[0])} units")
    return _png(fig, path)


def plot_deep(layers, target, a: float = 0.0, b: float = 1.0, title: str = "", path=None) -> bytes:
    """PNG of a deep net against `target` on [a, b], with the error below."""
    x = np.linspace(a, b, 2049)
    fig = _figure()
    top, bottom = _net_axes(fig)
    _draw_net(top, bottom, x, deep_values(layers, x), np.asarray(target(x), dtype=np.float64),
              [], title or f"{hidden_units(layers)} hidden units")
    return _png(fig, path)


# ------------------------------------------------------------ the command
def _tent_power(m):
    def g(x):
        for _ in range(m):
            x = 2 * np.minimum(x, 1 - x)
        return x
    return g


def gallery(module) -> list[tuple[str, bytes]]:
    """(title, PNG) for each function of a relu_approx module that runs."""
    from student_lib import targets
    sin = targets.Smooth("sin", 3.0)
    xs = np.array([-1.0, -0.4, 0.1, 0.3, 1.0])
    pwl = targets.PiecewiseLinear(xs, [0.5, -0.5, 1.0, 0.2, 0.6])
    zigzag = targets.PiecewiseLinear([-2.2, -1.0, 0.5, 2.2], [1.0, -1.0, 0.8, -0.2])
    rng = np.random.default_rng(0)
    x_train = rng.uniform(-2, 2, 200)
    y_train = zigzag(x_train) + 0.05 * rng.normal(size=200)
    jobs = [
        ("interpolate_pwl", lambda: plot_shallow(module.interpolate_pwl(xs, pwl(xs)), pwl, -1, 1,
                                                 "interpolate_pwl: 5 knots")),
        ("step_approx", lambda: plot_shallow(module.step_approx(0.0, 0.2), targets.Step(0.0), -1, 1,
                                             "step_approx(t=0, eps=0.2)")),
        ("approximate", lambda: plot_shallow(module.approximate(sin, -1.0, 1.0, 8), sin, -1, 1,
                                             "approximate(sin(3x), -1, 1, 8 units)")),
        ("sawtooth", lambda: plot_deep(module.sawtooth(3), _tent_power(3), title="sawtooth(3)")),
        ("square_approx", lambda: plot_deep(module.square_approx(2), np.square,
                                            title="square_approx(2) against x**2")),
        ("fit_relu_net", lambda: plot_shallow(module.fit_relu_net(x_train, y_train, 20), zigzag, -2, 2,
                                              "fit_relu_net: 20 units, 200 noisy samples")),
    ]
    pictures = []
    for name, draw in jobs:
        try:
            pictures.append((name, draw()))
        except NotImplementedError:
            print(f"  {name}: not written yet, skipped")
        except Exception as exc:  # noqa: BLE001 - show the student what went wrong, go on
            print(f"  {name}: could not draw ({type(exc).__name__}: {exc})")
    return pictures


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"{path.stem}_plotted", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.pop(0)
    return module


def manifest(assignment: str, near: Path) -> dict | None:
    """The assignment's `assignment.toml`: next to FILE, in this folder, or in the repository."""
    try:
        import tomllib
    except ModuleNotFoundError:      # Python 3.10: no TOML reader in the standard library
        return None
    repo = Path(__file__).resolve().parent.parent / "assignments" / assignment
    for folder in (near, Path.cwd(), repo):
        path = folder / "assignment.toml"
        if path.is_file():
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            if folder == repo or Path(data.get("student_file", "")).stem == assignment:
                return data
    return None


def _entry(spec: str):
    """'package.module:function' -> the function."""
    module_name, _, name = spec.partition(":")
    return getattr(importlib.import_module(module_name), name)


def main(argv: list[str] | None = None) -> int:
    """`plot ID [FILE] [-o OUT.png]`: one picture per function in OUT (a grid).

    The assignment's manifest names its drawing functions (`plots = ["module:function"]`,
    each taking the student's module and returning [(title, PNG)]).
    """
    parser = argparse.ArgumentParser(prog="python -m student_lib plot",
                                     description="Draw your nets against their targets.")
    parser.add_argument("assignment", help="the assignment (its assignment.toml lists its pictures)")
    parser.add_argument("file", nargs="?", help="your .py or .ipynb (default: the assignment's student file)")
    parser.add_argument("-o", "--output", help="the PNG to write (default: <assignment>_plots.png)")
    args = parser.parse_args(argv)
    path = Path(args.file) if args.file else None
    data = manifest(args.assignment, (path or Path(".")).resolve().parent if path else Path.cwd())
    if data is None or not data.get("plots"):
        print(f"no pictures to draw for {args.assignment!r}: no assignment.toml here lists `plots` for it")
        return 2
    student_file = data.get("student_file", f"{args.assignment}.py")
    path = path or Path(student_file)
    output = args.output or f"{args.assignment}_plots.png"
    if not path.exists():
        print(f"no file {path}; run this next to {student_file} or pass its path")
        return 2
    if path.suffix.lower() == ".ipynb":   # the notebook's code cells, run one by one as for grading
        from student_lib.notebook import NotebookError, convert_for_this_run
        try:
            path, _ = convert_for_this_run(path, student_file)
        except NotebookError as exc:
            print(exc)
            return 2
    module = _load(path)
    pictures = [picture for spec in data["plots"] for picture in _entry(spec)(module)]
    if not pictures:
        print(f"nothing to draw yet: implement a function of {student_file} first")
        return 1
    _montage(pictures, output)
    n = len(pictures)
    print(f"wrote {output} ({n} picture{'s' if n != 1 else ''}: {', '.join(t for t, _ in pictures)})")
    return 0


def _montage(pictures: list[tuple[str, bytes]], path) -> None:
    from matplotlib.image import imread
    cols = 2
    rows = (len(pictures) + cols - 1) // cols
    fig = _figure(size=(12, 4.5 * rows))
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, (_, png) in zip(axes.ravel(), pictures):
        ax.imshow(imread(io.BytesIO(png), format="png"))
    fig.tight_layout()
    fig.savefig(path, dpi=72)
