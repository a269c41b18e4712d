"""Turn what a student handed in into the one file the worker imports.

A submission is a `.py` file, a folder, a `.zip` or an `.ipynb`. The result
is always `<workdir>/<id>.py`; everything that goes wrong becomes a
`SubmissionError` whose message tells the student what to fix.

Zips are read defensively: no absolute paths or `..` (zip slip), no links,
a cap on members, on total size and on compression ratio (zip bombs), and
sizes are counted while reading, not trusted from the header.
"""
from __future__ import annotations

import hashlib
import io
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from student_lib.notebook import NotebookError, notebook_module

MAX_FILE_BYTES = 2_000_000        # one source file or notebook
MAX_ZIP_MEMBERS = 500
MAX_ZIP_TOTAL_BYTES = 50_000_000
MAX_ZIP_RATIO = 200
MAX_DIR_ENTRIES = 2_000           # a folder submission is scanned no further
UNREMARKABLE = {"manifest.json"}  # written by `student_lib submit`: not worth a note


class SubmissionError(ValueError):
    """The submission cannot be turned into an importable file; says why."""


@dataclass
class Prepared:
    path: Path           # <workdir>/<id>.py
    sha256: str          # of the source that is graded
    notes: list[str]     # what the loader did that the student should know


def prepare(source: str | Path, student_file: str, workdir: Path) -> Prepared:
    """Write the graded source as `workdir/student_file`."""
    source = Path(source)
    notes: list[str] = []
    if source.is_symlink():
        raise SubmissionError(f"{source.name} is a symbolic link; submit the file itself")
    if not source.exists():
        raise SubmissionError(f"nothing was found at {source}; submit {student_file}")
    if source.is_dir():
        name, data = _from_folder(source, student_file, notes)
    else:
        name, data = source.name, _read_capped(source)
    code = _to_source(name, data, student_file, notes)
    target = workdir / student_file
    target.write_text(code, encoding="utf-8")
    return Prepared(target, hashlib.sha256(code.encode("utf-8")).hexdigest(), notes)


def _read_capped(path: Path) -> bytes:
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise SubmissionError(f"{path.name} could not be read ({exc.strerror})") from None
    if len(data) > MAX_FILE_BYTES:
        raise SubmissionError(f"{path.name} is larger than {MAX_FILE_BYTES // 1_000_000} MB; "
                              f"submit only your source file")
    return data


def _to_source(name: str, data: bytes, student_file: str, notes: list[str]) -> str:
    suffix = Path(name).suffix.lower()
    if suffix == ".zip":
        inner_name, inner = _from_zip(data, name, student_file, notes)
        return _to_source(inner_name, inner, student_file, notes)
    if suffix == ".ipynb":
        notes.append(f"graded the code cells of {name}, one cell at a time")
        return notebook_code(data, name)
    if suffix == ".py":
        if name != student_file:
            notes.append(f"graded {name} as {student_file}")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SubmissionError(f"{name} is not UTF-8 text; save it as UTF-8") from None
    raise SubmissionError(f"{name} is not something nngrade can grade; "
                          f"submit {student_file}, a .zip containing it, or a notebook (.ipynb)")


def _pick(candidates: dict[str, object], student_file: str, where: str):
    """The entry to grade among {relative path: item}: the student file, else the only .py/.ipynb."""
    exact = [p for p in candidates if PurePosixPath(p).name == student_file]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise SubmissionError(f"{where} contains {len(exact)} files named {student_file} "
                              f"({', '.join(sorted(exact)[:5])}); keep exactly one")
    sources = [p for p in candidates
               if PurePosixPath(p).suffix in (".py", ".ipynb") and not PurePosixPath(p).name.startswith("test_")]
    if len(sources) == 1:
        return sources[0]
    found = ", ".join(sorted(candidates)[:10]) or "nothing"
    raise SubmissionError(f"{where} does not contain {student_file} (found: {found}); "
                          f"put your work in a file named {student_file}")


def _note_ignored(candidates, chosen: str, where: str, notes: list[str]) -> None:
    """Say which other files of a folder or zip were not graded (notes.txt, a helper .py, ...)."""
    others = sorted(p for p in candidates if p != chosen and PurePosixPath(p).name not in UNREMARKABLE
                    and not any(part.startswith(".") for part in PurePosixPath(p).parts))
    if others:
        shown = ", ".join(others[:10]) + (f" and {len(others) - 10} more" if len(others) > 10 else "")
        notes.append(f"ignored in {where}: {shown} (only {PurePosixPath(chosen).name} is graded)")


def _from_folder(folder: Path, student_file: str, notes: list[str]) -> tuple[str, bytes]:
    entries: dict[str, Path] = {}
    for count, path in enumerate(folder.rglob("*")):
        if count >= MAX_DIR_ENTRIES:
            raise SubmissionError(f"the folder {folder.name} holds more than {MAX_DIR_ENTRIES} "
                                  f"entries; submit only your source file")
        if path.is_file() and not path.is_symlink() and "__MACOSX" not in path.parts:
            entries[path.relative_to(folder).as_posix()] = path
    chosen = _pick(entries, student_file, f"the folder {folder.name}")
    _note_ignored(entries, chosen, f"the folder {folder.name}", notes)
    return PurePosixPath(chosen).name, _read_capped(entries[chosen])


def _from_zip(data: bytes, name: str, student_file: str, notes: list[str]) -> tuple[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise SubmissionError(f"{name} is not a valid zip file (it may be damaged or incomplete); "
                              f"create the zip again, or submit {student_file} directly") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise SubmissionError(f"{name} holds {len(members)} files; a submission holds a few")
    files: dict[str, zipfile.ZipInfo] = {}
    for info in members:
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or (info.filename[1:2] == ":"):
            raise SubmissionError(f"{name} contains a path outside the zip ({info.filename}); "
                                  f"zip only your files")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise SubmissionError(f"{name} contains a symbolic link ({info.filename}); zip the file itself")
        if info.is_dir() or "__MACOSX" in path.parts:
            continue
        if info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1) and info.file_size > 1_000_000:
            raise SubmissionError(f"{name} looks like a zip bomb ({info.filename} expands "
                                  f"{info.file_size // max(info.compress_size, 1)}x); zip only your source")
        files[path.as_posix()] = info
    chosen = _pick(files, student_file, name)
    _note_ignored(files, chosen, name, notes)
    try:
        with archive.open(files[chosen]) as f:
            content = f.read(MAX_FILE_BYTES + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise SubmissionError(f"{chosen} inside {name} could not be read (damaged zip)") from None
    if len(content) > MAX_FILE_BYTES:
        raise SubmissionError(f"{chosen} inside {name} is larger than {MAX_FILE_BYTES // 1_000_000} MB")
    return PurePosixPath(chosen).name, content


def notebook_code(data: bytes, name: str = "notebook") -> str:
    """The notebook as one module that runs its code cells one by one (`student_lib.notebook`)."""
    try:
        return notebook_module(data, name)[0]
    except NotebookError as exc:
        raise SubmissionError(str(exc)) from None
