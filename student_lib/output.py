"""Writing an output file the way command-line tools do: `-o PATH`, `--json PATH`, `--html PATH`.

    with open_output("grades.csv") as f:      # or write_output(path, text)
        f.write(text)

- `-` is standard output.
- A regular file (or a new one) is replaced atomically: the text goes to a
  temporary file beside it, which is renamed over the path once complete, so
  a reader never sees half a file and a crash leaves the old one.
- Anything else is written in place, never replaced: a character device
  (`/dev/null`, a terminal), a FIFO, a socket, or a symbolic link (the file
  it points to is written; the link stays a link).
- A new file gets the usual permissions (0666 less the umask, like `open`);
  a replaced file keeps its own.

Shared by nngrade's commands and by `student_lib submit`, so it lives in the
package students also get.
"""
from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from pathlib import Path

STDOUT = "-"


def umask() -> int:
    """The process's umask, read without changing it where Linux allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)   # elsewhere: set and restore (not thread-safe, so only as a fallback)
    os.umask(mask)
    return mask


def writes_in_place(path: Path) -> bool:
    """True for what must not be replaced: a link, a device, a FIFO, a socket (not a regular file)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return False
    return not stat.S_ISREG(mode)


@contextlib.contextmanager
def open_output(path: str | Path, mode: str = "w"):
    """A file object for `path` (see the module docstring); mode "w" (UTF-8 text) or "wb"."""
    if mode not in ("w", "wb"):
        raise ValueError(f"open_output writes with mode 'w' or 'wb', not {mode!r}")
    text = {"encoding": "utf-8", "newline": ""} if mode == "w" else {}
    if str(path) == STDOUT:
        stream = sys.stdout if mode == "w" else sys.stdout.buffer
        yield stream
        stream.flush()
        return
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder; give a file name")
    if writes_in_place(path):
        with open(path, mode, **text) as f:
            yield f
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **text) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        try:
            keep = stat.S_IMODE(os.stat(path).st_mode)
        except FileNotFoundError:
            keep = 0o666 & ~umask()
        os.chmod(tmp, keep)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_output(path: str | Path, data: str | bytes) -> None:
    """Write all of `data` to `path` with `open_output`."""
    with open_output(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
