"""Run a command under limits: `python -m kit.limits MEGABYTES [--processes N] [--cgroup DIR] -- COMMAND...`.

The grader starts each learner's checker through this launcher instead of a
`preexec_fn` (which Python documents as unsafe in threads). The memory limit is
the address space (RLIMIT_AS) where the system enforces it (Linux); macOS refuses
RLIMIT_AS, so there it falls back to RLIMIT_DATA, and to no memory limit if
neither is accepted: the grader's time limit still applies.

The number of processes (a fork bomb's) is capped by a cgroup's `pids.max` where
the grader may make one (root, with the pids controller: `--cgroup`, which the
launcher joins before starting the command), else by RLIMIT_NPROC (`--processes`:
it counts all the user's processes, and the kernel does not apply it to root).
The grader's watchdog (kit/grading.py) stops what gets past both.
"""

import os
import signal
import sys
import time
from pathlib import Path

try:
    import resource
except ImportError:  # not a POSIX system
    resource = None

LIMITS = ("RLIMIT_AS", "RLIMIT_DATA")  # in order of preference


def apply_memory_limit(megabytes, module=resource):
    """Lower this process's memory limit; return the name of the limit applied, or None."""
    if module is None:
        return None
    limit = megabytes * 1024 * 1024
    for name in LIMITS:
        kind = getattr(module, name, None)
        if kind is None:
            continue
        try:
            module.setrlimit(kind, (limit, limit))
            return name
        except (ValueError, OSError):
            continue
    return None


CGROUP_ROOTS = (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/pids"))  # cgroup v2, then v1's pids controller


def cgroup_root():
    """A folder where a cgroup with its own `pids.max` can be made, or None (not root, no pids controller)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    for root in CGROUP_ROOTS:
        v2 = (root / "cgroup.subtree_control").is_file()
        enabled = "pids" in (root / "cgroup.subtree_control").read_text().split() if v2 else \
            (root / "cgroup.procs").is_file() and root.name == "pids"
        if enabled and os.access(root, os.W_OK):
            return root
    return None


def make_cgroup(name, processes):
    """A new cgroup allowing at most `processes` processes; its folder, or None where none can be made."""
    root = cgroup_root()
    if root is None:
        return None
    try:
        folder = root / name
        folder.mkdir()
        (folder / "pids.max").write_text(str(processes))
        return folder
    except OSError:
        return None


def remove_cgroup(folder):
    """Kill what is left in a cgroup made by make_cgroup, then remove it."""
    if folder is None:
        return
    for _ in range(50):
        try:
            pids = [int(pid) for pid in (folder / "cgroup.procs").read_text().split()]
        except OSError:
            return
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.1)
    try:
        folder.rmdir()
    except OSError:
        pass


def apply_process_limit(count, module=resource):
    """Lower this process's RLIMIT_NPROC to `count` more processes than its user has now, where it exists."""
    kind = getattr(module, "RLIMIT_NPROC", None) if module else None
    if kind is None:
        return False
    try:
        import psutil  # the venv's: this launcher runs with the kit's Python

        uid = os.getuid()
        mine = sum(1 for process in psutil.process_iter(["uids"]) if process.info["uids"] and
                   process.info["uids"].real == uid)
    except Exception:  # noqa: BLE001 - no count, no limit (the cgroup and the watchdog remain)
        return False
    try:
        module.setrlimit(kind, (mine + count, mine + count))
        return True
    except (ValueError, OSError):
        return False


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) < 3 or "--" not in argv:
        sys.exit("usage: python -m kit.limits MEGABYTES [--processes N] [--cgroup DIR] -- COMMAND...")
    split = argv.index("--")
    options, command = argv[:split], argv[split + 1:]
    megabytes, settings = options[0], dict(zip(options[1::2], options[2::2]))
    if not command:
        sys.exit("usage: python -m kit.limits MEGABYTES [--processes N] [--cgroup DIR] -- COMMAND...")
    if "--cgroup" in settings:
        (Path(settings["--cgroup"]) / "cgroup.procs").write_text(str(os.getpid()))
    if "--processes" in settings:
        apply_process_limit(int(settings["--processes"]))
    apply_memory_limit(int(megabytes))
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
