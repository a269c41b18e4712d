"""The walls around a worker process, applied in the forked child.

In order: its own session; death with its parent; a private mount namespace
where hidden folders (suites, solutions, results, other submissions) are
covered by empty read-only tmpfs mounts; an unprivileged uid of its own when
the grader runs as root; resource limits (address space, CPU seconds, no new
processes, few file descriptors, small files, no core dumps); an empty
environment. The network namespace is made once, in the zygote.

Each layer that the kernel refuses is recorded in `Isolation`, and the result
says so: grading still happens, the report is honest about how.
"""
from __future__ import annotations

import ctypes
import os
import resource
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWIPC = 0x08000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 0x20, 0x1000, 0x4000, 0x40000
KEEP_WRITABLE = ("/proc", "/sys", "/dev")   # pseudo file systems; /dev/shm is still made read-only
PR_SET_PDEATHSIG = 1
UID_BASE = 2_000_000_000   # workers get uid UID_BASE + pid: no two share a uid

_libc = ctypes.CDLL(None, use_errno=True)
SYSTEM_DIRS = {Path(p) for p in ("/", "/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc", "/proc",
                                 "/dev", "/sys", "/tmp", "/var", "/home", "/root", "/opt", "/run")}


@dataclass
class Limits:
    """Resource limits of one worker (the whole submission's calls)."""

    memory_bytes: int = 2 * 1024**3
    cpu_seconds: int = 120
    open_files: int = 64
    file_bytes: int = 16 * 1024**2


@dataclass
class Isolation:
    """Which layers are active; goes into the result."""

    user: str = "unavailable"
    filesystem: str = "unavailable"
    network: str = "unavailable"
    processes: str = "unavailable"
    notes: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"user": self.user, "filesystem": self.filesystem, "network": self.network,
                "processes": self.processes}


def _check(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def mount(source: str, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    _check(_libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None,
                       flags, data.encode() if data else None), f"mount {target}")


def isolate_network() -> str:
    """In the zygote, once: an empty network namespace for every worker it forks."""
    try:
        if os.geteuid() == 0:
            unshare(CLONE_NEWNET)
            return "isolated (empty network namespace)"
        uid, gid = os.geteuid(), os.getegid()
        unshare(CLONE_NEWUSER | CLONE_NEWNET)
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
        Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
        return "isolated (empty network namespace in a user namespace)"
    except OSError as exc:
        return f"unavailable ({exc.strerror})"


def safe_to_hide(path: Path, keep: list[Path]) -> bool:
    """Never cover a system folder, or a folder or file the worker itself needs."""
    path = path.resolve()
    if path in SYSTEM_DIRS or not (path.is_dir() or path.is_file()):
        return False
    return not any(k == path or path in k.parents for k in keep)


def _mount_points() -> list[str]:
    with open("/proc/self/mountinfo") as f:
        points = [line.split()[4].replace("\\040", " ") for line in f]
    return sorted(set(points), key=len)


def read_only_except(workdir: Path) -> int:
    """Remount every file system read-only in this namespace, except the worker's own folder."""
    mount(str(workdir), str(workdir), None, MS_BIND, None)
    failed = 0
    for point in _mount_points():
        if point == str(workdir) or (point.startswith(KEEP_WRITABLE) and not point.startswith("/dev/shm")):
            continue
        for flags in (MS_NOSUID | MS_NODEV, MS_NOSUID, 0):   # keep flags the kernel insists on
            if _libc.mount(None, point.encode(), None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags, None) == 0:
                break
        else:
            failed += 1
    return failed


def hide_folders(hide: list[Path], keep: list[Path], workdir: Path) -> str:
    """A private mount namespace: read-only but for `workdir`; each of `hide` covered and empty."""
    unshare(CLONE_NEWNS | CLONE_NEWIPC)
    mount("none", "/", None, MS_REC | MS_PRIVATE, None)
    empty = workdir.with_name(workdir.name + ".empty")   # what a hidden file shows (removed with workdir)
    empty.touch(mode=0o444)
    not_read_only = read_only_except(workdir)
    hidden = 0
    for path in hide:
        if safe_to_hide(path, keep):
            if path.is_file():   # e.g. a class's Canvas zip: reads as empty
                mount(str(empty), str(path.resolve()), None, MS_BIND, None)
            else:
                mount("nngrade-hidden", str(path.resolve()), "tmpfs",
                      MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=000")
            hidden += 1
    writable = f"{not_read_only} mounts left writable" if not_read_only else "read-only but its own folder"
    return f"private mount namespace, {writable}; {hidden} folders hidden"


def drop_privileges(workdir: Path) -> str:
    uid = UID_BASE + os.getpid()
    os.chown(workdir, uid, uid)
    for child in workdir.iterdir():
        os.chown(child, uid, uid)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    return "an unprivileged uid of its own (dropped from root)"


def set_limits(limits: Limits) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # oversize writes fail instead of killing
    for which, value in ((resource.RLIMIT_AS, limits.memory_bytes),
                         (resource.RLIMIT_NOFILE, limits.open_files),
                         (resource.RLIMIT_FSIZE, limits.file_bytes),
                         (resource.RLIMIT_CORE, 0),
                         (resource.RLIMIT_NPROC, 0)):
        resource.setrlimit(which, (value, value))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))


def enter_sandbox(workdir: Path, hide: list[Path], keep: list[Path], limits: Limits,
                  network: str) -> Isolation:
    """Apply every layer to the current (freshly forked) process."""
    iso = Isolation(network=network)
    os.setsid()
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    try:
        iso.filesystem = hide_folders(hide, keep, workdir)
    except OSError as exc:
        iso.filesystem = f"unavailable ({exc.strerror}): hidden suites are readable"
    if os.geteuid() == 0:
        iso.user = drop_privileges(workdir)
    else:
        iso.user = f"unavailable (grader not root): runs as uid {os.geteuid()}"
    set_limits(limits)
    iso.processes = "no new processes (RLIMIT_NPROC=0)"
    os.chdir(workdir)
    for key in list(os.environ):
        del os.environ[key]
    os.environ.update({"HOME": str(workdir), "TMPDIR": str(workdir), "LANG": "C.UTF-8",
                       "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
    sys.path[:] = [str(workdir)] + [p for p in sys.path if p and Path(p).resolve() != Path.cwd()]
    return iso
