"""Which submission belongs to which student: the layouts a class arrives in.

    DIR/alice.py, DIR/bob.ipynb, DIR/carol.zip, DIR/dave/        one entry per student
    DIR/doejane_12345_6789012_activations.py                    a Canvas download (or its .zip)
    DIR/submitted/<student>/<assignment>/   or   DIR/<student>/<assignment>/    nbgrader

Only names are read here, never file contents: what a student's folder or
zip holds is the submission loader's business (`autograder.submission`).
Discovery looks at one directory level at a time and at most `max_entries`
names, so a class folder holding 100 000 files is refused before it is walked.
"""
from __future__ import annotations

import os
import re
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

SUFFIXES = (".py", ".ipynb", ".zip")
MAX_ENTRIES = 20_000              # names in the class folder (a course has hundreds)
MAX_CLASS_ZIP_BYTES = 500_000_000  # a Canvas download, expanded
MAX_MEMBER_BYTES = 60_000_000     # one student's file inside it (the loader caps it further)
MAX_ZIP_RATIO = 200
IGNORED = {".DS_Store", "Thumbs.db", "__MACOSX", ".ipynb_checkpoints", "__pycache__"}

# Canvas "Download Submissions": <name>[_LATE]_<user id>_<attachment id>_<original file name>,
# where <name> is lastnamefirstname lowercased with punctuation removed, and a file
# submitted twice under the same name comes back as `activations-1.py`.
CANVAS = re.compile(r"^(?P<name>[^_]+)_(?:(?P<late>LATE)_)?(?P<user>\d+)_(?P<attachment>\d+)_(?P<file>.+)$")
RESUBMITTED = re.compile(r"^(?P<stem>.+?)-\d+(?P<suffix>\.[^.]+)$")


class DiscoveryError(ValueError):
    """The class folder cannot be read as any known layout; the message says what was found."""


@dataclass
class Entry:
    student: str          # the id used for OUT/<student>.json
    path: Path | None     # what the loader grades (a file or a folder); None when `error` is set
    origin: str           # where it came from, for the TA ("carol.zip", "submitted/bob/activations")
    error: str = ""       # why it cannot be graded (duplicate, not a regular file, ...)
    late: bool = False


@dataclass
class Discovery:
    layout: str                                   # "folder", "canvas" or "nbgrader"
    entries: list[Entry]
    problems: list[str] = field(default_factory=list)   # for the TA's report


def safe_id(name: str) -> str:
    """A student id usable as a file name: letters, digits, `.`, `_`, `-`; never hidden."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "student"
    return cleaned[:100]


def _listing(folder: Path, max_entries: int) -> list[os.DirEntry]:
    entries = []
    try:
        with os.scandir(folder) as it:
            for entry in it:
                if len(entries) >= max_entries:
                    raise DiscoveryError(f"{folder} holds more than {max_entries} entries; point "
                                         f"nngrade batch at the folder of submissions itself")
                if entry.name not in IGNORED and not entry.name.startswith("."):
                    entries.append(entry)
    except OSError as exc:
        raise DiscoveryError(f"cannot read {folder}: {exc.strerror}") from None
    return sorted(entries, key=lambda e: e.name)


def _kind(entry: os.DirEntry) -> str:
    """"file", "dir", or why the entry cannot be a submission."""
    try:
        mode = entry.stat(follow_symlinks=False).st_mode
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if stat.S_ISLNK(mode):
        return "is a symbolic link"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISREG(mode):
        return "file"
    return "is not a regular file"


def _shown(entries: list[os.DirEntry]) -> str:
    names = [e.name + ("/" if e.is_dir(follow_symlinks=False) else "") for e in entries[:10]]
    more = f", … ({len(entries) - 10} more)" if len(entries) > 10 else ""
    return ", ".join(names) + more if names else "nothing"


def discover(root: str | Path, assignment_id: str, staging: Path,
             max_entries: int = MAX_ENTRIES) -> Discovery:
    """Find every student's submission under `root` (a folder, or a Canvas .zip).

    `staging` is an empty folder this function may write to: a Canvas zip is
    unpacked there, and a student's several Canvas files are gathered there.
    """
    root = Path(root)
    if root.is_file() and root.suffix.lower() == ".zip":
        return _canvas(_unpack_class_zip(root, staging / "unpacked", max_entries), staging, max_entries,
                       origin_prefix=f"{root.name}:")
    if not root.is_dir():
        raise DiscoveryError(f"{root} is neither a folder of submissions nor a Canvas .zip download")
    listing = _listing(root, max_entries)
    if not listing:
        raise DiscoveryError(f"{root} is empty: put one file or folder per student in it, "
                             f"or a Canvas download, or an nbgrader submitted/ tree")
    submitted = root / "submitted"
    if submitted.is_dir() and not submitted.is_symlink():
        return _nbgrader(submitted, assignment_id, max_entries)
    dirs = [e for e in listing if _kind(e) == "dir"]
    files = [e for e in listing if _kind(e) == "file"]
    loose = [e for e in files if Path(e.name).suffix.lower() in SUFFIXES]
    if (len(dirs) > len(loose)                 # folders per student, each with <assignment>/ inside
            and sum((Path(e.path) / assignment_id).is_dir() for e in dirs) * 2 >= len(dirs)):
        return _nbgrader(root, assignment_id, max_entries)
    if files and sum(bool(CANVAS.match(e.name)) for e in files) * 2 > len(files):
        return _canvas(root, staging, max_entries)
    return _folder(root, listing)


def _folder(root: Path, listing: list[os.DirEntry]) -> Discovery:
    candidates: dict[str, list[tuple[os.DirEntry, str]]] = {}
    skipped = []
    for entry in listing:
        kind = _kind(entry)
        suffix = Path(entry.name).suffix.lower()
        if kind == "file" and suffix not in SUFFIXES:
            skipped.append(entry)
            continue
        student = safe_id(entry.name[: -len(suffix)] if suffix in SUFFIXES else entry.name)
        candidates.setdefault(student, []).append((entry, kind))
    if not candidates:
        raise DiscoveryError(f"no submissions found in {root}: expected one .py, .ipynb or .zip file "
                             f"or one folder per student, a Canvas download, or an nbgrader "
                             f"submitted/ tree; found {_shown(listing)}")
    problems = [f"ignored {e.name}: not a .py, .ipynb or .zip file" for e in skipped]
    entries = []
    for student, found in sorted(candidates.items()):
        names = ", ".join(e.name for e, _ in found)
        if len(found) > 1:
            message = (f"{len(found)} submissions were found for {student} ({names}), so none "
                       f"was graded; keep exactly one and grade again")
            problems.append(message)
            entries.append(Entry(student, None, names, error=message))
            continue
        entry, kind = found[0]
        if kind not in ("file", "dir"):
            message = f"{entry.name} {kind}, so it was not graded; hand in the file itself"
            problems.append(message)
            entries.append(Entry(student, None, entry.name, error=message))
        else:
            entries.append(Entry(student, Path(entry.path), entry.name))
    return Discovery("folder", entries, problems)


def _nbgrader(submitted: Path, assignment_id: str, max_entries: int) -> Discovery:
    entries, problems = [], []
    for entry in _listing(submitted, max_entries):
        if _kind(entry) != "dir":
            problems.append(f"ignored submitted/{entry.name}: not a student folder")
            continue
        folder = Path(entry.path) / assignment_id
        origin = f"submitted/{entry.name}/{assignment_id}"
        if folder.is_dir() and not folder.is_symlink():
            entries.append(Entry(safe_id(entry.name), folder, origin))
        else:
            problems.append(f"{entry.name} has no {assignment_id}/ folder in submitted/ (not submitted)")
    if not entries:
        raise DiscoveryError(f"{submitted} looks like an nbgrader submitted/ tree but no student has "
                             f"a {assignment_id}/ folder in it; found {_shown(_listing(submitted, max_entries))}")
    return Discovery("nbgrader", entries, problems)


def _original_name(name: str) -> str:
    """`activations-1.py` (Canvas's name for a resubmitted file) → `activations.py`."""
    match = RESUBMITTED.match(name)
    return match["stem"] + match["suffix"] if match else name


def _canvas(folder: Path, staging: Path, max_entries: int, origin_prefix: str = "") -> Discovery:
    groups: dict[str, list[tuple[Path, str, int]]] = {}
    late: set[str] = set()
    problems = []
    for entry in _listing(folder, max_entries):
        match = CANVAS.match(entry.name)
        if not match or _kind(entry) != "file":
            problems.append(f"ignored {entry.name}: not a Canvas submission file")
            continue
        student = safe_id(f"{match['name']}_{match['user']}")
        groups.setdefault(student, []).append((Path(entry.path), _original_name(match["file"]),
                                               int(match["attachment"])))
        if match["late"]:
            late.add(student)
    if not groups:
        raise DiscoveryError(f"no Canvas submission files found in {folder}; Canvas names them "
                             f"lastnamefirstname_<user id>_<attachment id>_<file>")
    entries = []
    for student, files in sorted(groups.items()):
        origin = origin_prefix + ", ".join(f[0].name for f in files)
        if len(files) == 1:
            entries.append(Entry(student, files[0][0], origin, late=student in late))
            continue
        # Several files: gather them under their original names; the loader picks the right one.
        gathered = staging / "canvas" / student
        gathered.mkdir(parents=True, exist_ok=True)
        for path, original, _ in sorted(files, key=lambda f: f[2]):
            shutil.copyfile(path, gathered / safe_id(original))   # the newest attachment wins
        ignored = sorted({o for _, o, _ in files if Path(o).suffix.lower() not in SUFFIXES})
        if ignored:
            problems.append(f"{student}: ignored {', '.join(ignored)} (not a .py, .ipynb or .zip file)")
        entries.append(Entry(student, gathered, origin, late=student in late))
    return Discovery("canvas", entries, problems)


def _unpack_class_zip(archive: Path, target: Path, max_entries: int) -> Path:
    """Unpack a Canvas download defensively: flat names only, sizes counted while reading."""
    try:
        zf = zipfile.ZipFile(archive)
        members = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DiscoveryError(f"{archive.name} is not a readable zip file ({exc})") from None
    if len(members) > max_entries:
        raise DiscoveryError(f"{archive.name} holds {len(members)} files, more than {max_entries}")
    target.mkdir(parents=True, exist_ok=True)
    total = 0
    with zf:
        for info in members:
            name = PurePosixPath(info.filename.replace("\\", "/")).name
            if info.is_dir() or not name or name.startswith(".") or "__MACOSX" in info.filename:
                continue
            if info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1) and info.file_size > 1_000_000:
                raise DiscoveryError(f"{archive.name} looks like a zip bomb ({info.filename} expands "
                                     f"{info.file_size // max(info.compress_size, 1)}x); nothing was graded")
            with zf.open(info) as src, open(target / name, "wb") as dst:
                while chunk := src.read(1 << 20):
                    total += len(chunk)
                    if total > MAX_CLASS_ZIP_BYTES or dst.tell() + len(chunk) > MAX_MEMBER_BYTES:
                        raise DiscoveryError(f"{archive.name} expands to more than allowed "
                                             f"({info.filename}); nothing was graded")
                    dst.write(chunk)
    return target
