"""Landlock: the allow-list where namespaces are refused (kernel >= 5.13, no privilege needed).

Used when the kernel refuses user namespaces (Ubuntu 24.04's AppArmor rule,
Docker's default seccomp profile, many containers). A Landlock ruleset is a
short allow-list of paths; once applied, the process and all it starts can
only read beneath them, and write only beneath its own folder. From ABI 6 on it
also scopes signals and abstract unix sockets to the sandbox.

The `landlock` package on PyPI (1.0.0.dev5) covers file rules but not ABI 6
scopes, which we need to stop a worker signalling the grader; the three
syscalls are small enough to call here directly.
"""
from __future__ import annotations

import ctypes
import os
import platform

from autograder.sandbox import linux

_SYS = {"x86_64": (444, 445, 446), "aarch64": (444, 445, 446)}.get(platform.machine(), (444, 445, 446))
CREATE_RULESET_VERSION = 1
RULE_PATH_BENEATH = 1

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR, MAKE_REG = 1 << 4, 1 << 5, 1 << 6, 1 << 7, 1 << 8
MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 1 << 9, 1 << 10, 1 << 11, 1 << 12
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1

READ = EXECUTE | READ_FILE | READ_DIR
FILE_ACCESS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE   # the rights that apply to a file


def _handled(abi: int) -> int:
    """Every file-system right this ABI knows: all are denied unless a rule allows them."""
    bits = (1 << 13) - 1
    if abi >= 2:
        bits |= REFER
    if abi >= 3:
        bits |= TRUNCATE
    if abi >= 5:
        bits |= IOCTL_DEV
    return bits


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


_libc = ctypes.CDLL(None, use_errno=True)


def abi_version() -> int:
    """The kernel's Landlock ABI (0: not available)."""
    ret = _libc.syscall(_SYS[0], None, 0, CREATE_RULESET_VERSION)
    return max(ret, 0)


def restrict(read: list[str], write: list[str], devices: list[str]) -> str:
    """Apply a ruleset to this process: read beneath `read`, read+write beneath `write`.

    Returns a description of what was applied; raises OSError if refused.
    """
    abi = abi_version()
    if abi < 1:
        raise OSError(38, "Landlock is not available in this kernel")
    handled = _handled(abi)
    scoped = (SCOPE_SIGNAL | SCOPE_ABSTRACT_UNIX_SOCKET) if abi >= 6 else 0
    attr = _RulesetAttr(handled, 0, scoped)
    size = ctypes.sizeof(_RulesetAttr) if abi >= 6 else 8
    fd = linux._check(_libc.syscall(_SYS[0], ctypes.byref(attr), size, 0), "landlock_create_ruleset")
    try:
        everything = handled & ~(MAKE_CHAR | MAKE_BLOCK | MAKE_SOCK | MAKE_FIFO | IOCTL_DEV)
        for paths, rights in ((read, READ), (write, everything), (devices, READ_FILE | WRITE_FILE)):
            for path in paths:
                _allow(fd, path, rights & handled)
        linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)
        linux._check(_libc.syscall(_SYS[2], fd, 0), "landlock_restrict_self")
    finally:
        os.close(fd)
    return f"Landlock ABI {abi}" + (" with signals and abstract sockets scoped" if scoped else "")


def _allow(ruleset_fd: int, path: str, rights: int) -> None:
    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        if not os.path.isdir(path):
            rights &= FILE_ACCESS
        rule = _PathBeneath(rights, fd)
        linux._check(_libc.syscall(_SYS[1], ruleset_fd, RULE_PATH_BENEATH, ctypes.byref(rule), 0),
                     f"landlock_add_rule {path}")
    finally:
        os.close(fd)
