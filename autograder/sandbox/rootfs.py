"""A worker's root: an empty tmpfs holding read-only binds of the allow-list, made `/`.

Done in the worker itself, in its own mount namespace (as bubblewrap does):

    1. mount a tmpfs on `scratch` (any empty folder), pivot into it: the host is now /old
    2. bind each allowed path from /old/<path> to /<path>, read-only, nosuid, nodev;
       mask site-packages with an empty tmpfs and bind the allowed packages back into it
    3. /dev/{null,zero,urandom,random}; /submission: a small tmpfs with the student's file
    4. cover /old with an empty read-only tmpfs and make / read-only: nothing of the host is
       reachable any more (cheaper than a lazy unmount of the host's tree, which costs
       ~10 ms; the worker has no capability and no umount call to uncover it)
"""
from __future__ import annotations

import os
from pathlib import Path

from autograder.sandbox import linux
from autograder.sandbox.allowlist import SUBMISSION_DIR, AllowList

OLD = "/old"
RO = linux.MS_BIND | linux.MS_REMOUNT | linux.MS_RDONLY | linux.MS_NOSUID | linux.MS_NODEV


def _make_target(target: str, is_dir: bool) -> None:
    if is_dir:
        os.makedirs(target, mode=0o755, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
        if not os.path.exists(target):
            os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o444))


def bind(source: str, target: str, read_only: bool = True, nodev: bool = True) -> None:
    """Bind host path `source` (seen under /old) at `target`, read-only."""
    src = OLD + source
    _make_target(target, os.path.isdir(src))
    try:
        linux.mount(src, target, None, linux.MS_BIND)
    except OSError:   # a user namespace refuses a non-recursive bind over locked sub-mounts
        linux.mount(src, target, None, linux.MS_BIND | linux.MS_REC)
    if read_only:
        flags = RO if nodev else RO & ~linux.MS_NODEV
        linux.mount(None, target, None, flags | linux.mount_flags_of(target))


def build_root(scratch: str, allow: AllowList, files: dict[str, bytes], owner: tuple[int, int],
               size_bytes: int) -> None:
    """Make `/` a new tree holding only `allow` and /submission with `files` (name -> bytes).

    `owner` (uid, gid) owns /submission; `size_bytes` caps what the worker may write there.
    Must run in a fresh mount namespace with CAP_SYS_ADMIN in its user namespace.
    """
    linux.mount(None, "/", None, linux.MS_REC | linux.MS_PRIVATE)
    linux.mount("nngrade-root", scratch, "tmpfs", linux.MS_NOSUID | linux.MS_NODEV, "mode=0755,size=1m")
    os.mkdir(scratch + OLD)
    linux.pivot_root(scratch, scratch + OLD)
    os.chdir("/")
    for path in allow.read:
        bind(path, path)
    for mask in allow.masks:
        if os.path.isdir(mask):
            linux.mount("nngrade-masked", mask, "tmpfs", linux.MS_NOSUID | linux.MS_NODEV, "mode=0755,size=64k")
    for path in allow.unmasked:
        bind(path, path)
    for mask in allow.masks:
        if os.path.isdir(mask):
            linux.mount(None, mask, None, linux.MS_REMOUNT | linux.MS_RDONLY | linux.MS_NOSUID | linux.MS_NODEV)
    for device in allow.devices:
        bind(device, device, read_only=False)
    for link, to in allow.symlinks.items():
        if not os.path.lexists(link):
            os.makedirs(os.path.dirname(link), mode=0o755, exist_ok=True)
            os.symlink(to, link)
    uid, gid = owner
    os.makedirs(SUBMISSION_DIR, mode=0o755)
    linux.mount("nngrade-submission", SUBMISSION_DIR, "tmpfs", linux.MS_NOSUID | linux.MS_NODEV,
                f"mode=0700,uid={uid},gid={gid},size={size_bytes},nr_inodes=256")
    for name, data in files.items():
        path = Path(SUBMISSION_DIR) / name
        path.write_bytes(data)
        os.chown(path, uid, gid)
    if not os.path.lexists("/tmp"):         # (a venv under /tmp is bound there already)
        os.symlink(SUBMISSION_DIR, "/tmp")  # code that writes to /tmp writes to its own folder
    linux.mount("nngrade-nothing", OLD, "tmpfs", linux.MS_RDONLY | linux.MS_NOSUID | linux.MS_NODEV | linux.MS_NOEXEC,
                "size=4k,mode=000")
    linux.mount(None, "/", None, linux.MS_REMOUNT | linux.MS_RDONLY | linux.MS_NOSUID | linux.MS_NODEV)
    os.chdir(SUBMISSION_DIR)
