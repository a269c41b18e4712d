"""copydetect's text utilities, loaded without the rest of copydetect.

    from autograder.similarity.copydetect_utils import winnow, get_copied_slices, highlight_overlap

nngrade uses only `copydetect.utils` (window selection, overlap slices,
highlighting). `import copydetect.utils` runs the package's `__init__` first,
which imports copydetect's own HTML report generator and with it
`matplotlib.pyplot`: ~0.75 s, paid by every `nngrade batch` for its
similarity section, more than that section's own work on a 200-student class.
So `copydetect/utils.py` is loaded from the installed package's folder with
the package's `__init__` not run, and `sys.modules` is left as it was: a later
`import copydetect` (a TA's script, a test) gets the whole package as usual.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys


def _load_utils():
    spec = importlib.util.find_spec("copydetect")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("copydetect is not installed: pip install 'nngrade[similarity]'")
    saved = {name: sys.modules.pop(name) for name in ("copydetect", "copydetect.utils") if name in sys.modules}
    sys.modules["copydetect"] = importlib.util.module_from_spec(spec)   # its folder, __init__ not run
    try:
        return importlib.import_module("copydetect.utils")
    finally:
        for name in ("copydetect", "copydetect.utils"):
            sys.modules.pop(name, None)
        sys.modules.update(saved)


_utils = _load_utils()
winnow = _utils.winnow
get_copied_slices = _utils.get_copied_slices
highlight_overlap = _utils.highlight_overlap

__all__ = ["winnow", "get_copied_slices", "highlight_overlap"]
