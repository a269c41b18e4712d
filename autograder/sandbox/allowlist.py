"""What a worker may read: the allow-list, as a list a reviewer can audit in ten seconds.

    the standard library (and its extension modules)  read-only
    numpy (and its vendored libraries)                read-only
    packages an assignment's manifest allows          read-only
    the system's shared-library folder + ld.so.cache  read-only (extension modules load libz, libffi, ...)
    /dev/null, /dev/zero, /dev/urandom, /dev/random   the devices
    /submission                                       its own writable folder: the student's file only

Nothing else exists for a worker: no /home, /root, /tmp of the host, no /proc,
no checkout (suites, solutions, tests, .git), no zip, no wheel, no other
worker's folder. site-packages folders inside the standard library are masked
(an installed nngrade wheel holds the hidden suites), and only the allowed
packages are bound back into them.
"""
from __future__ import annotations

import importlib.util
import os
import site
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

DEVICES = ("/dev/null", "/dev/zero", "/dev/urandom", "/dev/random")
ETC_FILES = ("/etc/ld.so.cache", "/etc/localtime")
SUBMISSION_DIR = "/submission"     # where the worker's own folder appears inside its root


@dataclass
class AllowList:
    """Host paths a worker may read (`read`), the package folders to mask (`masks`), devices."""

    read: list[str] = field(default_factory=list)
    masks: list[str] = field(default_factory=list)
    unmasked: list[str] = field(default_factory=list)        # allowed paths inside a mask
    devices: list[str] = field(default_factory=list)
    symlinks: dict[str, str] = field(default_factory=dict)   # /lib -> usr/lib on merged-/usr systems

    def describe(self) -> list[str]:
        return (self.read + [f"(masked) {m}" for m in self.masks] + self.unmasked + self.devices
                + [f"{link} -> {to}" for link, to in self.symlinks.items()])


def package_dirs(name: str) -> list[str]:
    """The folder of importable package `name` and its vendored libraries (`<name>.libs`)."""
    spec = importlib.util.find_spec(name)
    if spec is None:
        raise ValueError(f"package {name!r} is not installed")
    if spec.submodule_search_locations:
        dirs = [str(Path(p).resolve()) for p in spec.submodule_search_locations]
    else:
        dirs = [str(Path(spec.origin).resolve())]   # a single-module package
    parent = Path(dirs[0]).parent
    libs = [str(p.resolve()) for p in parent.glob(f"{name}.libs")] + \
        [str(p.resolve()) for p in parent.glob(f"{name.replace('_', '-')}.libs")]
    return dirs + sorted(set(libs))


def _site_dirs() -> list[str]:
    dirs = set(site.getsitepackages()) | {site.getusersitepackages()}
    paths = sysconfig.get_paths()
    dirs |= {paths["purelib"], paths["platlib"]}
    return sorted(str(Path(d).resolve()) for d in dirs if Path(d).is_dir())


def _library_dirs() -> list[str]:
    """Where the dynamic loader finds the shared libraries of extension modules.

    (libpython itself, for a shared build, is mapped before the walls go up.)
    """
    multiarch = sysconfig.get_config_var("MULTIARCH") or ""
    candidates = [f"/usr/lib/{multiarch}" if multiarch else "", f"/lib/{multiarch}" if multiarch else "",
                  "/lib64", "/usr/lib64"]
    out = []
    for c in candidates:
        if c and Path(c).is_dir() and not Path(c).is_symlink():
            out.append(str(Path(c).resolve()))
    return out


def build(packages: tuple[str, ...] = ("numpy",)) -> AllowList:
    """The allow-list for this interpreter: stdlib, `packages`, shared libraries, devices."""
    stdlib = {str(Path(sysconfig.get_paths()[k]).resolve()) for k in ("stdlib", "platstdlib")}
    wanted = sorted(stdlib) + [d for name in packages for d in package_dirs(name)]
    wanted += _library_dirs() + [str(Path(f).resolve()) for f in ETC_FILES if Path(f).is_file()]
    masks = [d for d in _site_dirs() if any(_inside(d, r) for r in stdlib)]
    in_mask = [p for p in wanted if any(_inside(p, m) for m in masks)]
    read = _dedupe([p for p in wanted if p not in in_mask])
    symlinks = {p: os.readlink(p) for p in ("/lib", "/lib64", "/bin", "/sbin") if Path(p).is_symlink()}
    symlinks.update({f: str(Path(f).resolve()) for f in ETC_FILES if Path(f).is_symlink() and Path(f).is_file()})
    devices = [d for d in DEVICES if Path(d).exists()]
    return AllowList(read, masks, _dedupe(in_mask), devices, symlinks)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _dedupe(paths: list[str]) -> list[str]:
    """Unique, and no path inside another (a bind of the parent already holds it)."""
    out: list[str] = []
    for p in sorted(set(paths), key=len):
        if not any(p.startswith(q + "/") for q in out):
            out.append(p)
    return out


def beneath_rules(allow: AllowList) -> list[str]:
    """`allow.read` + `allow.unmasked` as paths whose whole subtree is allowed (for Landlock).

    Landlock can only allow, never carve out: a folder holding a masked one is
    replaced by its children, minus the mask.
    """
    out: list[str] = []

    def add(path: str) -> None:
        if not any(_inside(m, path) for m in allow.masks):
            out.append(path)
            return
        if path in allow.masks or not os.path.isdir(path):
            return
        for child in sorted(os.listdir(path)):
            add(os.path.join(path, child))

    for path in allow.read:
        add(path)
    return out + allow.unmasked
