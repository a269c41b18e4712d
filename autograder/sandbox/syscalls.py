"""The seccomp filter every worker runs under (libseccomp, through the `pyseccomp` binding).

Whatever else the kernel grants or refuses, a worker cannot:

    ptrace, process_vm_readv/writev       read or steer another process's memory
    socket, socketpair                    open a network or unix connection
    fork, vfork, clone, clone3            start a process or a thread (uid 0 is exempt from
                                          RLIMIT_NPROC, so this is not left to the rlimit)
    unshare, setns, mount family,         leave or rebuild its walls
      pivot_root, chroot
    execve, execveat                      start another program
    bpf, perf_event_open, userfaultfd,    reach kernel attack surface no exercise needs
      keyctl, add_key, request_key,
      kernel modules, kexec, reboot, swap,
      clocks, host names, quotas, acct,
      open_by_handle_at, personality

Refused calls fail with EPERM (EAGAIN for the process calls, as a process
limit would say); calls from another architecture's ABI kill the process. Where the
worker has no PID namespace of its own, `kill`/`tgkill` may only target the
worker itself.
"""
from __future__ import annotations

import errno
import os

from autograder.sandbox import linux

DENIED = ("ptrace", "process_vm_readv", "process_vm_writev", "socket", "socketpair",
          "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree",
          "fsopen", "fsmount", "fsconfig", "fspick", "mount_setattr", "execve", "execveat",
          "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key",
          "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot",
          "swapon", "swapoff", "acct", "quotactl", "settimeofday", "clock_settime", "clock_adjtime",
          "adjtimex", "sethostname", "setdomainname", "open_by_handle_at", "name_to_handle_at",
          "personality", "iopl", "ioperm", "lookup_dcookie", "vhangup", "pidfd_getfd",
          "pidfd_open", "kcmp")


def available() -> bool:
    try:
        import pyseccomp  # noqa: F401
    except (ImportError, RuntimeError, OSError):
        return False
    return True


APPLIED = "seccomp filter (no ptrace, sockets, processes, exec, namespaces, mounts)"
_compiled: dict[bool, bytes] = {}    # own_pid_namespace -> the filter as BPF (compile_once)


def compile_once() -> None:
    """In the zygote: compile the filter of workers with their own PID namespace, once.

    libseccomp takes ~1 ms to build and compile it; every such worker's filter is the
    same, so each then loads the compiled program (the kernel's prctl) in microseconds.
    """
    with os.fdopen(os.memfd_create("nngrade-seccomp", os.MFD_CLOEXEC), "w+b") as out:
        _build(own_pid_namespace=True).export_bpf(out)
        out.seek(0)
        _compiled[True] = out.read()


def install(own_pid_namespace: bool) -> str:
    """Load the filter into this process (irreversible). Returns what was applied."""
    if own_pid_namespace in _compiled:
        linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)
        linux.load_seccomp_bpf(_compiled[own_pid_namespace])
        return APPLIED
    try:
        flt = _build(own_pid_namespace)
    except (ImportError, RuntimeError, OSError) as exc:   # no libseccomp on this machine
        linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)
        return f"unavailable ({exc})"
    linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)
    flt.load()
    return APPLIED


def _build(own_pid_namespace: bool):
    """The filter as a libseccomp object (raises ImportError without libseccomp)."""
    import pyseccomp as sc

    flt = sc.SyscallFilter(sc.ALLOW)
    for name in DENIED:
        try:
            flt.add_rule(sc.ERRNO(errno.EPERM), name)
        except (OSError, RuntimeError, ValueError):   # a call this kernel/arch does not have
            pass
    for name in ("fork", "vfork", "clone", "clone3"):
        try:
            flt.add_rule(sc.ERRNO(errno.EAGAIN), name)
        except (OSError, RuntimeError, ValueError):   # fork/vfork do not exist on aarch64
            pass
    if not own_pid_namespace:
        _own_signals_only(sc, flt, os.getpid())
    return flt


def _own_signals_only(sc, flt, me: int) -> None:
    """Signals only towards this (single-threaded) process itself."""
    for name in ("kill", "tgkill", "tkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"):
        flt.add_rule(sc.ERRNO(errno.EPERM), name, sc.Arg(0, sc.NE, me))
