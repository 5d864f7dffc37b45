"""Run a command under a memory limit: `python -m kit.limits MEGABYTES -- COMMAND...`.

The grader starts each learner's checker through this launcher instead of a
`preexec_fn` (which Python documents as unsafe in threads). The limit is the
address space (RLIMIT_AS) where the system enforces it (Linux); macOS refuses
RLIMIT_AS, so there it falls back to RLIMIT_DATA, and to no memory limit if
neither is accepted: the grader's time limit still applies.
"""

import os
import sys

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


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    megabytes, separator, command = argv[0], argv[1], argv[2:]
    if separator != "--" or not command:
        sys.exit("usage: python -m kit.limits MEGABYTES -- COMMAND...")
    apply_memory_limit(int(megabytes))
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
