"""The walls around a worker, decided once in the zygote and raised in each worker.

Two ways to the same walls, chosen by what the kernel grants (`Plan.detect`):

    namespaces  (root, or a normal user with user namespaces)
        the zygote: an empty network namespace (inside a user namespace when not root)
        each worker: its own PID namespace (it sees no other process), its own mount,
        IPC and UTS namespaces, and a root that holds only the allow-list (rootfs.py)
    landlock    (user namespaces refused: Ubuntu 24.04's AppArmor rule, Docker's default profile)
        a Landlock ruleset: read only the allow-list, write only its own folder;
        signals and abstract sockets scoped to the worker (Landlock ABI >= 6)
    none        neither: reads are NOT confined; the result says so and `batch` refuses
                to run unless told `--allow-unconfined`

and in every mode: an unprivileged uid of its own when the grader is root (no
capabilities otherwise), resource limits, a seccomp filter (syscalls.py: no
ptrace, sockets, exec, namespaces), an empty environment.

Each layer the kernel refuses is named in `Isolation`, which goes into the result.
A worker raises its walls in two steps (zygote.py): `prepare`, before it is asked
for, everything that needs no submission (with namespaces: all but the file itself,
the resource limits and the environment), and `enter`, the rest, once its request came.
"""
from __future__ import annotations

import os
import resource
import signal
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from autograder.sandbox import allowlist, landlock, linux, rootfs, syscalls

UNCONFINED_WARNING = ("WARNING: the student's code was NOT confined: this kernel grants neither "
                      "namespaces nor Landlock, so it could read whatever your user can read (hidden "
                      "suites, your home). Grade on a machine or in the container that grants them "
                      "(README: \"Grading on macOS or Windows\").")
CONFINED_MODES = ("namespaces", "landlock")
UID_BASE = 2_000_000_000   # as root, worker uid = UID_BASE + its pid: no two workers share a uid
SUBMISSION_BYTES = 64 * 1024**2


@dataclass
class Limits:
    """Resource limits of one worker (the whole submission's calls)."""

    memory_bytes: int = 2 * 1024**3
    cpu_seconds: int = 120
    open_files: int = 64
    file_bytes: int = 16 * 1024**2


@dataclass
class Isolation:
    """Which layers are active; goes into the result (`isolation`)."""

    filesystem: str = "unavailable"
    user: str = "unavailable"
    network: str = "unavailable"
    processes: str = "unavailable"
    syscalls: str = "unavailable"
    confined: bool = False        # are the worker's reads confined to the allow-list?

    def to_dict(self) -> dict:
        return {"filesystem": self.filesystem, "user": self.user, "network": self.network,
                "processes": self.processes, "syscalls": self.syscalls, "confined": self.confined}


@dataclass
class Plan:
    """What this machine grants, found once in the zygote before any worker exists."""

    mode: str                      # "namespaces", "landlock" or "none"
    network: str
    root: bool
    allow: allowlist.AllowList
    landlock_abi: int = 0
    notes: list = field(default_factory=list)
    template: str = ""             # namespaces: the allow-list tree the zygote built once (rootfs.py)

    def build_template(self, scratch: str) -> None:
        """In the zygote, namespaces mode: build the workers' root once at `scratch` (empty folder)."""
        if self.mode != "namespaces" or not scratch:
            return
        try:
            self.template = rootfs.build_template(scratch, self.allow)
        except OSError as exc:   # each worker then builds its own (rootfs.build_root)
            self.notes.append(f"a shared root was refused ({exc}); each worker builds its own")

    @classmethod
    def detect(cls, packages: tuple[str, ...] = ("numpy",)) -> "Plan":
        root = os.geteuid() == 0
        allow = allowlist.build(packages)
        abi = landlock.abi_version()
        try:
            network, root = _network_namespace(root)
        except OSError as exc:
            network = f"no sockets (seccomp); network namespace refused ({exc.strerror})"
            mode = "landlock" if abi else "none"
            return cls(mode, network, root, allow, abi, [f"namespaces refused: {exc.strerror}"])
        refused = _probe_worker_namespaces()
        if refused:
            mode = "landlock" if abi else "none"
            return cls(mode, network, root, allow, abi, [f"mount/PID namespaces refused: {refused}"])
        return cls("namespaces", network, root, allow, abi)


def _network_namespace(root: bool) -> tuple[str, bool]:
    """In the zygote: an empty network namespace for every worker (in a user namespace if not root).

    Returns (what was done, whether the zygote is root with its privileges). Root without
    CAP_SYS_ADMIN (a container's root) takes the normal user's way.
    """
    if root:
        try:
            linux.unshare(linux.CLONE_NEWNET)
            return "isolated (empty network namespace) + no sockets (seccomp)", True
        except PermissionError:
            pass
    uid, gid = os.geteuid(), os.getegid()
    linux.unshare(linux.CLONE_NEWUSER | linux.CLONE_NEWNET)
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
    Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
    return "isolated (empty network namespace in a user namespace) + no sockets (seccomp)", False


def _probe_worker_namespaces() -> str:
    """'' if a child may make the PID and mount namespaces a worker needs, else why not."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            linux.unshare(linux.CLONE_NEWPID | linux.CLONE_NEWNS | linux.CLONE_NEWIPC | linux.CLONE_NEWUTS)
            linux.mount(None, "/", None, linux.MS_REC | linux.MS_PRIVATE)
            os.write(w, b"ok")
        except OSError as exc:
            os.write(w, (exc.strerror or "refused").encode())
        os._exit(0)
    os.close(w)
    answer = os.read(r, 200).decode()
    os.close(r)
    os.waitpid(pid, 0)
    return "" if answer == "ok" else answer


def _traversable_by_others(path: str) -> bool:
    """Can a uid with no special rights reach `path` (every folder on the way o+x)?"""
    p = Path(path)
    for folder in [p, *p.parents]:
        try:
            if not folder.stat().st_mode & stat.S_IXOTH:
                return False
        except OSError:
            return False
    return True


def set_limits(limits: Limits) -> None:
    """Lower this process's limits to `limits` (never above a hard limit it inherited: the
    worker may have dropped its uid already, and only lowering is allowed then)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # oversize writes fail instead of killing
    for which, soft, hard in ((resource.RLIMIT_AS, limits.memory_bytes, limits.memory_bytes),
                              (resource.RLIMIT_NOFILE, limits.open_files, limits.open_files),
                              (resource.RLIMIT_FSIZE, limits.file_bytes, limits.file_bytes),
                              (resource.RLIMIT_CORE, 0, 0),
                              (resource.RLIMIT_NPROC, 0, 0),
                              (resource.RLIMIT_CPU, limits.cpu_seconds, limits.cpu_seconds + 5)):
        inherited = resource.getrlimit(which)[1]
        if inherited != resource.RLIM_INFINITY:
            soft, hard = min(soft, inherited), min(hard, inherited)
        resource.setrlimit(which, (soft, hard))


def _drop_to(uid: int) -> None:
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


def _worker_uid(host_pid: int) -> int:
    return UID_BASE + host_pid


def prepare(plan: Plan, host_pid: int, scratch: str) -> Isolation:
    """The walls that need no submission, raised in a spare worker before its request comes.

    namespaces: its own mount, IPC and UTS namespaces; `/` the allow-list tree (the zygote's
    template, else built at `scratch`) with an empty /submission of its own; then its own uid
    (or no capabilities) and the seccomp filter. Other modes: nothing yet (Landlock names the
    request's folder, which a root grader's worker must be given before it drops its uid).
    Returns what is up so far (`enter` completes it).
    """
    iso = Isolation(network=plan.network)
    os.umask(0o022)
    if plan.mode != "namespaces":
        return iso
    linux.unshare(linux.CLONE_NEWNS | linux.CLONE_NEWIPC | linux.CLONE_NEWUTS)
    owner = (_worker_uid(host_pid),) * 2 if plan.root else (os.geteuid(), os.getegid())
    if plan.template:
        rootfs.enter_template(plan.template, owner, SUBMISSION_BYTES)
    else:
        rootfs.build_root(scratch, plan.allow, owner, SUBMISSION_BYTES)
    iso.filesystem = (f"allow-list root (pivot_root): {len(plan.allow.read) + len(plan.allow.unmasked)} "
                      f"read-only paths, {len(plan.allow.masks)} masked, its own /submission")
    iso.processes = "own PID namespace; no new processes or threads (seccomp, RLIMIT_NPROC=0)"
    iso.confined = True
    _lock_down(plan, iso, _worker_uid(host_pid) if plan.root else None)
    return iso


def _lock_down(plan: Plan, iso: Isolation, uid: int | None) -> None:
    """Drop to `uid` (from root), or else every capability; then load the seccomp filter."""
    if uid is not None:
        _drop_to(uid)
        iso.user = "an unprivileged uid of its own (dropped from root)"
    else:
        linux.drop_capabilities()
        iso.user = (f"uid {os.geteuid()}, no capabilities"
                    + (" (root kept: Python lives where other uids cannot read)" if plan.root else ""))
    scoped = plan.mode == "namespaces" or (plan.mode == "landlock" and plan.landlock_abi >= 6)
    iso.syscalls = syscalls.install(own_pid_namespace=scoped)


def _write_submission(folder: Path, name: str, source_fd: int) -> Path:
    """Copy the open file `source_fd` (the grader's, read-only; closed here) to `folder/name`."""
    path = folder / name
    with os.fdopen(source_fd, "rb") as source, open(path, "wb") as out:
        out.write(source.read(SUBMISSION_BYTES + 1))
    return path


def enter(plan: Plan, iso: Isolation, host_pid: int, workdir: Path | None, student_file: str,
          source_fd: int, limits: Limits) -> Path:
    """Raise the remaining walls around this worker (after `prepare`, whose `iso` it completes).

    The submission, the grader's open file `source_fd`, is copied into the worker's own
    folder: /submission (namespaces: the worker already runs as its owner) or `workdir`,
    which the grader made for it. Returns the student's file.
    """
    if plan.mode == "namespaces":
        path = _write_submission(Path(allowlist.SUBMISSION_DIR), student_file, source_fd)
    else:
        path = _write_submission(workdir, student_file, source_fd)
        if plan.mode == "none":
            iso.filesystem = ("UNCONFINED: the kernel refused namespaces and Landlock; the worker can read "
                              "what the grader's user can read")
        iso.processes = "no new processes or threads (seccomp, RLIMIT_NPROC=0)" + (
            "; signals scoped by Landlock" if plan.landlock_abi >= 6 and plan.mode == "landlock"
            else "; signals only to itself (seccomp)")
        may_drop = plan.root and all(_traversable_by_others(p) for p in plan.allow.read)   # it can read Python
        uid = _worker_uid(host_pid) if may_drop else None
        if uid is not None:
            for p in (workdir, path):
                os.chown(p, uid, uid)
        if plan.mode == "landlock":
            iso.filesystem = "allow-list: " + landlock.restrict(
                allowlist.beneath_rules(plan.allow), [str(workdir)], plan.allow.devices)
            iso.confined = True
        _lock_down(plan, iso, uid)
    set_limits(limits)
    os.chdir(path.parent)
    os.environ.clear()
    os.environ.update({"HOME": str(path.parent), "TMPDIR": str(path.parent), "LANG": "C.UTF-8",
                       "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
    sys.path[:] = [str(path.parent)] + [p for p in sys.path if p and any(
        p == r or p.startswith(r + "/") for r in plan.allow.read + plan.allow.masks)]
    return path
