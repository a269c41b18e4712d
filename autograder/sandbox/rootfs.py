"""A worker's root: an empty tmpfs holding read-only binds of the allow-list, made `/`.

The tree is built once, in the zygote (`build_template`), as bubblewrap builds its
root but shared by every worker of that zygote:

    1. the zygote takes a mount namespace of its own (nothing it mounts reaches the host)
       and mounts a tmpfs on `scratch` (an empty folder the grader made for it)
    2. it binds each allowed path there, read-only, nosuid, nodev; masks site-packages with
       an empty tmpfs and binds the allowed packages back into it; /dev/{null,zero,urandom,
       random}; an empty /submission and /old; then makes the tmpfs itself read-only

Each worker, in a mount namespace of its own (a copy of the zygote's, `enter_template`):

    3. mounts a small empty tmpfs on /submission, pivots into the tree (the host is now /old)
    4. covers /old with an empty read-only tmpfs: nothing of the host is reachable any more
       (cheaper than a lazy unmount of the host's tree, which costs ~10 ms; the worker has no
       capability and no umount call to uncover it)

Steps 1-2 cost ~1 ms; done once, a worker's own part is four system calls, taken before its
submission is known (zygote.py: a spare worker waits, walled in, for the next request; the file
comes as an open file descriptor). If the zygote cannot build the tree, each worker builds its
own (`build_root`, the same steps after a pivot).
"""
from __future__ import annotations

import os

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


def bind(source: str, target: str, read_only: bool = True, nodev: bool = True, host: str = OLD) -> None:
    """Bind host path `source` (seen under `host`: /old after a pivot, "" before) at `target`, read-only."""
    src = host + source
    _make_target(target, os.path.isdir(src))
    try:
        linux.mount(src, target, None, linux.MS_BIND)
    except OSError:   # a user namespace refuses a non-recursive bind over locked sub-mounts
        linux.mount(src, target, None, linux.MS_BIND | linux.MS_REC)
    if read_only:
        flags = RO if nodev else RO & ~linux.MS_NODEV
        linux.mount(None, target, None, flags | linux.mount_flags_of(target))


def _populate(top: str, allow: AllowList, host: str) -> None:
    """Under `top`: `allow`'s read-only binds (host paths seen under `host`), masks, devices, links.

    Also an empty /submission, and /tmp as a link to it (code that writes to /tmp writes to its
    own folder), unless a bound path (a venv under /tmp) made /tmp a folder already.
    """
    for path in allow.read:
        bind(path, top + path, host=host)
    for mask in allow.masks:
        if os.path.isdir(top + mask):
            linux.mount("nngrade-masked", top + mask, "tmpfs", linux.MS_NOSUID | linux.MS_NODEV, "mode=0755,size=64k")
    for path in allow.unmasked:
        bind(path, top + path, host=host)
    for mask in allow.masks:
        if os.path.isdir(top + mask):
            linux.mount(None, top + mask, None, linux.MS_REMOUNT | linux.MS_RDONLY | linux.MS_NOSUID | linux.MS_NODEV)
    for device in allow.devices:
        bind(device, top + device, read_only=False, host=host)
    for link, to in allow.symlinks.items():
        if not os.path.lexists(top + link):
            os.makedirs(os.path.dirname(top + link), mode=0o755, exist_ok=True)
            os.symlink(to, top + link)
    os.makedirs(top + SUBMISSION_DIR, mode=0o755, exist_ok=True)
    if not os.path.lexists(top + "/tmp"):
        os.symlink(SUBMISSION_DIR, top + "/tmp")


def build_template(scratch: str, allow: AllowList) -> str:
    """In the zygote, once: a mount namespace of its own, and at `scratch` a read-only tree of `allow`.

    Returns `scratch`, for `enter_template`. Must run with CAP_SYS_ADMIN in the zygote's user namespace.
    """
    linux.unshare(linux.CLONE_NEWNS)
    linux.mount(None, "/", None, linux.MS_REC | linux.MS_PRIVATE)
    linux.mount("nngrade-root", scratch, "tmpfs", linux.MS_NOSUID | linux.MS_NODEV, "mode=0755,size=1m")
    os.mkdir(scratch + OLD)
    _populate(scratch, allow, host="")
    # read-only for every mount of this tmpfs (the superblock), so no worker can change the tree
    linux.mount(None, scratch, None, linux.MS_REMOUNT | linux.MS_RDONLY | linux.MS_NOSUID | linux.MS_NODEV)
    return scratch


def _submission(top: str, owner: tuple[int, int], size_bytes: int) -> None:
    """An empty /submission under `top`: a tmpfs of `size_bytes` owned by `owner` (uid, gid)."""
    uid, gid = owner
    linux.mount("nngrade-submission", top + SUBMISSION_DIR, "tmpfs", linux.MS_NOSUID | linux.MS_NODEV,
                f"mode=0700,uid={uid},gid={gid},size={size_bytes},nr_inodes=256")


def _cover_old() -> None:
    linux.mount("nngrade-nothing", OLD, "tmpfs", linux.MS_RDONLY | linux.MS_NOSUID | linux.MS_NODEV | linux.MS_NOEXEC,
                "size=4k,mode=000")


def enter_template(top: str, owner: tuple[int, int], size_bytes: int) -> None:
    """In a worker, in a fresh mount namespace copied from the zygote's: make the template `/`.

    /submission is an empty folder of its own, owned by `owner` (uid, gid), at most `size_bytes`.
    """
    _submission(top, owner, size_bytes)
    linux.pivot_root(top, top + OLD)
    os.chdir("/")
    _cover_old()
    os.chdir(SUBMISSION_DIR)


def build_root(scratch: str, allow: AllowList, owner: tuple[int, int], size_bytes: int) -> None:
    """Make `/` a new tree holding only `allow` and an empty /submission (mounted at `scratch` first).

    `owner` (uid, gid) owns /submission; `size_bytes` caps what the worker may write there.
    Must run in a fresh mount namespace with CAP_SYS_ADMIN in its user namespace.
    """
    linux.mount(None, "/", None, linux.MS_REC | linux.MS_PRIVATE)
    linux.mount("nngrade-root", scratch, "tmpfs", linux.MS_NOSUID | linux.MS_NODEV, "mode=0755,size=1m")
    os.mkdir(scratch + OLD)
    linux.pivot_root(scratch, scratch + OLD)
    os.chdir("/")
    _populate("", allow, host=OLD)
    _submission("", owner, size_bytes)
    _cover_old()
    linux.mount(None, "/", None, linux.MS_REMOUNT | linux.MS_RDONLY | linux.MS_NOSUID | linux.MS_NODEV)
    os.chdir(SUBMISSION_DIR)
