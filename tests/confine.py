"""Run a command as a TA's machine would, for the sandbox tests (not a test module).

    python tests/confine.py [--uid N] [--no-namespaces] [--no-landlock] -- COMMAND ...

--uid N          as root: become uid N (a normal user). Done in a private mount namespace
                 of this command only: if the interpreter or the checkout lies under a folder
                 a normal user cannot enter (/root is 0700), that folder is covered with an
                 empty tmpfs and only they are bound back. Nothing on the machine changes.
--no-namespaces  a seccomp filter like Docker's default profile: unshare, setns, clone with
                 any CLONE_NEW* flag fail with EPERM, clone3 with ENOSYS.
--no-landlock    the Landlock system calls fail with ENOSYS (a kernel without Landlock).
"""
from __future__ import annotations

import argparse
import errno
import os
import stat
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.sandbox import linux  # noqa: E402

MS_MOVE = 0x2000


def reachable(path: Path) -> bool:
    return all(p.stat().st_mode & stat.S_IXOTH for p in [path, *path.parents] if p.exists())


def expose_to_normal_users(paths: list[Path]) -> None:
    """Cover each closed folder above `paths` with a tmpfs and bind `paths` back into it."""
    closed = sorted({next(a for a in reversed([p, *p.parents]) if not a.stat().st_mode & stat.S_IXOTH)
                     for p in paths if not reachable(p)}, key=lambda a: len(str(a)))
    if not closed:
        return
    linux.unshare(linux.CLONE_NEWNS)
    linux.mount(None, "/", None, linux.MS_REC | linux.MS_PRIVATE)
    keep = [p for p in paths if any(c in p.parents for c in closed)]
    parked = []
    for p in keep:
        spot = tempfile.mkdtemp(prefix="nngrade-confine-")
        linux.mount(str(p), spot, None, linux.MS_BIND | linux.MS_REC)
        parked.append((p, spot))
    for c in closed:
        linux.mount("confine", str(c), "tmpfs", 0, "mode=0755")
    for p, spot in parked:
        p.mkdir(parents=True, exist_ok=True)
        linux.mount(spot, str(p), None, MS_MOVE)
        os.rmdir(spot)


def refuse(namespaces: bool, landlock: bool) -> None:
    import pyseccomp as sc

    flt = sc.SyscallFilter(sc.ALLOW)
    if namespaces:
        for name in ("unshare", "setns"):
            flt.add_rule(sc.ERRNO(errno.EPERM), name)
        for flag in (linux.CLONE_NEWUSER, linux.CLONE_NEWNS, linux.CLONE_NEWPID, linux.CLONE_NEWNET,
                     linux.CLONE_NEWIPC, linux.CLONE_NEWUTS, linux.CLONE_NEWCGROUP):
            flt.add_rule(sc.ERRNO(errno.EPERM), "clone", sc.Arg(0, sc.MASKED_EQ, flag, flag))
        flt.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
    if landlock:
        for name in ("landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self"):
            flt.add_rule(sc.ERRNO(errno.ENOSYS), name)
    linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)
    flt.load()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--uid", type=int)
    parser.add_argument("--no-namespaces", action="store_true")
    parser.add_argument("--no-landlock", action="store_true")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if args.uid is not None:
        import numpy
        needed = [Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), ROOT,
                  Path(numpy.__file__).resolve().parents[1]]
        expose_to_normal_users(needed)
    if args.no_namespaces or args.no_landlock:
        refuse(args.no_namespaces, args.no_landlock)
    if args.uid is not None:
        os.setgroups([])
        os.setresgid(args.uid, args.uid, args.uid)
        os.setresuid(args.uid, args.uid, args.uid)
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
