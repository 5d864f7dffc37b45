"""`make setup` and `make lock`: the kit's .venv, from the universal lock.

    python3 -m kit.bootstrap setup [--python PATH]   # make setup
    python3 -m kit.bootstrap lock                    # make lock

Runs with whatever Python the machine has, before .venv exists: standard
library only, and syntax that an old python3 can still parse, so that it can
say in French what to install instead of failing with a SyntaxError.

setup:
- finds a supported interpreter (PYTHON=..., then python3.13, python3.12,
  python3.11, python3), or names what to install for this system;
- creates .venv with it and installs requirements.txt with uv (pinned in the
  lock; pip if uv cannot be had), showing each big download as it starts;
- writes .venv/.installed (the lock's hash and the interpreter) only once
  everything imports. A .venv without it is half-built (interrupted, failed):
  the next call removes it and starts again. A failed or interrupted install
  removes .venv before stopping.
"""

import argparse
import hashlib
import os
import platform
import re
import shutil
import subprocess
import sys
import time

from kit import KIT_ROOT
from kit.system_messages import INSTALL_PYTHON, NONE_FOUND, NOT_RUNNABLE, SETUP

SUPPORTED = ((3, 11), (3, 13))  # oldest and newest minor versions, inclusive
CANDIDATES = ("python3.13", "python3.12", "python3.11", "python3")
LOCK = KIT_ROOT / "requirements.txt"
VENV = KIT_ROOT / ".venv"
STAMP_NAME = ".installed"
DOWNLOAD_SIZE = 450  # MB, measured on Linux x86_64 (uv's download lines): see README, "Vitesse"
# `make lock`: one file with markers for every platform, from the oldest supported Python.
LOCK_ARGS = ["pip", "compile", "--universal", "--python-version", "3.11", "--quiet",
             "--custom-compile-command", "make lock", "requirements.in", "-o", "requirements.txt"]
# Platforms the kit supports natively, as (sys.platform, machine).
PLATFORMS = {("linux", "x86_64"), ("linux", "aarch64"), ("darwin", "arm64")}
SMOKE_IMPORTS = ("tensorflow", "keras", "dvc.repo")  # a wheel for the wrong CPU fails here
QUIET = {"TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore", "UV_PYTHON_DOWNLOADS": "never"}


def say(text):
    print(text, flush=True)


# --- Which system, which Python -----------------------------------------------------

def os_release(path="/etc/os-release"):
    """The fields of /etc/os-release (ID, VERSION_ID...), empty if there is none (macOS)."""
    fields = {}
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                key, sep, value = line.strip().partition("=")
                if sep:
                    fields[key] = value.strip('"')
    except OSError:
        pass
    return fields


def system_id(sys_platform=None, machine=None, release=None):
    """The key of INSTALL_PYTHON that fits this machine."""
    sys_platform = sys_platform or sys.platform
    machine = machine or platform.machine()
    if sys_platform == "darwin":
        return "macos-arm64" if machine == "arm64" else "macos-x86_64"
    release = os_release() if release is None else release
    ids = [release.get("ID", "")] + release.get("ID_LIKE", "").split()
    if release.get("ID") == "ubuntu" and release.get("VERSION_ID", "").startswith("22."):
        return "ubuntu-22.04"
    for known in ("ubuntu", "debian", "fedora", "arch"):
        if known in ids:
            return known
    return "other"


def platform_supported(sys_platform=None, machine=None):
    sys_platform = sys_platform or sys.platform
    machine = (machine or platform.machine()).lower()
    if sys_platform == "linux" and machine == "arm64":
        machine = "aarch64"
    return (sys_platform, machine) in PLATFORMS


def python_version(path):
    """(major, minor, micro) of an interpreter, or None if it does not run."""
    try:
        out = subprocess.run([path, "-c", "import sys; print('%d %d %d' % sys.version_info[:3])"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=30,
                             universal_newlines=True)
    except (OSError, subprocess.SubprocessError):
        return None
    parts = out.stdout.split()
    if out.returncode != 0 or len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)


def supported(version):
    return version is not None and SUPPORTED[0] <= tuple(version[:2]) <= SUPPORTED[1]


def dotted(version):
    return ".".join(str(v) for v in version)


def find_python(requested=None, path=None):
    """(path, version) of the first supported interpreter, or (None, [versions seen]).

    With `requested` (make setup PYTHON=...), that one only."""
    names = [requested] if requested else list(CANDIDATES)
    seen = []
    for name in names:
        found = name if os.sep in name else shutil.which(name, path=path)
        if not found:
            continue
        version = python_version(found)
        if supported(version):
            return found, version
        seen.append("%s (%s)" % (name, dotted(version) if version else NOT_RUNNABLE))
    return None, seen


# --- The venv -------------------------------------------------------------------------

def lock_digest(lock=LOCK):
    return hashlib.sha256(lock.read_bytes()).hexdigest()


def stamp_text(lock, python, version):
    return "lock %s\npython %s %s\n" % (lock_digest(lock), python, dotted(version))


def venv_python(venv):
    return venv / "bin" / "python"


def venv_state(venv, lock, python, version):
    """'ready', 'outdated' (built by this Python for another lock) or 'rebuild' (absent, half-built, other Python)."""
    stamp = venv / STAMP_NAME
    if not stamp.is_file() or python_version(str(venv_python(venv))) is None:
        return "rebuild"
    lines = stamp.read_text(encoding="utf-8").splitlines()
    if lines[1:2] != [stamp_text(lock, python, version).splitlines()[1]]:
        return "rebuild"
    return "ready" if lines[:1] == ["lock %s" % lock_digest(lock)] else "outdated"


def pinned(name, lock=LOCK):
    """The version the lock pins for `name` (first match), or None."""
    match = re.search(r"^%s==([^\s;]+)" % re.escape(name), lock.read_text(encoding="utf-8"), re.M)
    return match.group(1) if match else None


def run_quiet(command, env=None):
    """Run a command; return (ok, last lines of its output)."""
    proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          env=env, stdin=subprocess.DEVNULL)
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    return proc.returncode == 0, " / ".join(lines[-3:])


DOWNLOAD = re.compile(r"^\s*(?:Downloading|Collecting)\s+(\S+)(?:\s+\(([\d.]+\s*[KMG]i?B)\))?")


def run_with_progress(command, env):
    """Run an installer, showing one line per download of a megabyte or more; return (ok, last lines)."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                            env=env, stdin=subprocess.DEVNULL, bufsize=1)
    tail = []
    for line in proc.stdout:
        line = line.rstrip()
        if line.strip():
            tail = (tail + [line.strip()])[-3:]
        match = DOWNLOAD.match(line)
        if match and match.group(2) and re.search(r"[MG]i?B", match.group(2)):
            say(SETUP["downloading"].format(what="%s (%s)" % (match.group(1), match.group(2))))
    return proc.wait() == 0, " / ".join(tail)


def install(venv, lock):
    """Install the lock into the venv: uv if it can be had, else pip. Raise RuntimeError on failure."""
    python = str(venv_python(venv))
    env = dict(os.environ, **QUIET)
    env.pop("VIRTUAL_ENV", None)
    if os.environ.get("KIT_INSTALLER") != "pip":
        ok, detail = run_quiet([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                                "uv==%s" % pinned("uv", lock)], env)
        if ok:
            # --compile-bytecode: every later import reads .pyc files, even where PYTHONDONTWRITEBYTECODE forbids
            # writing them (TensorFlow's import: 2.2 s instead of 5.3; pip compiles by default).
            ok, detail = run_with_progress([str(venv / "bin" / "uv"), "pip", "sync", "--compile-bytecode", "--python",
                                            python, str(lock)], env)
            if ok:
                return "uv"
            say(SETUP["uv_failed_retry"].format(detail=detail))
        else:
            say(SETUP["uv_unavailable"].format(detail=detail))
    ok, detail = run_with_progress([python, "-m", "pip", "install", "--disable-pip-version-check",
                                    "--progress-bar", "off", "-r", str(lock)], env)
    if not ok:
        raise RuntimeError(SETUP["install_failed"].format(installer="pip", detail=detail))
    return "pip"


def smoke_test(venv, modules=SMOKE_IMPORTS):
    """The main packages import from the new venv."""
    env = dict(os.environ, **QUIET)
    ok, detail = run_quiet([str(venv_python(venv)), "-c", "import " + ", ".join(modules)], env)
    if not ok:
        raise RuntimeError(SETUP["import_failed"].format(detail=detail or "?"))


def create_venv(venv, python, version):
    ok, detail = run_quiet([python, "-m", "venv", str(venv)])
    if ok:
        return
    if "ensurepip" in detail:
        raise RuntimeError(SETUP["no_venv_module"].format(version=dotted(version), minor="%d.%d" % version[:2]))
    raise RuntimeError(SETUP["venv_failed"].format(python=python, detail=detail))


def recorded_python(venv):
    """The interpreter a finished venv was built with (from its stamp), or None."""
    try:
        lines = (venv / STAMP_NAME).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    parts = lines[1].split() if len(lines) > 1 else []
    return parts[1] if len(parts) == 3 and parts[0] == "python" else None


def setup(requested=None, venv=VENV, lock=LOCK, path=None, smoke=SMOKE_IMPORTS):
    """Build or update the venv; return the exit code.

    Without `requested`, a finished venv keeps the interpreter it was built with
    while that one still runs and is supported (a newer Python installed since
    does not cost a rebuild)."""
    if not platform_supported():
        say(SETUP["unsupported_platform"].format(system="%s %s" % (platform.system(), platform.machine()),
                                                 install=INSTALL_PYTHON[system_id()]))
        return 1
    previous = None if requested else recorded_python(venv)
    python, version = find_python(previous, path) if previous else (None, [])
    if python is None:
        python, version = find_python(requested, path)
    if python is None:
        if requested and not version:
            say(SETUP["python_not_runnable"].format(python=requested))
        else:
            say(SETUP["no_python"].format(found=", ".join(version) or NONE_FOUND, install=INSTALL_PYTHON[system_id()]))
        return 1
    state = venv_state(venv, lock, python, version)
    if state == "ready":
        os.utime(str(venv / STAMP_NAME))  # newer than the lock again: make stops asking
        say(SETUP["up_to_date"])
        return 0
    start = time.monotonic()
    try:
        if state == "rebuild":
            if venv.exists():
                say(SETUP["rebuilding"])
                shutil.rmtree(str(venv))
            say(SETUP["starting"].format(version=dotted(version), size=DOWNLOAD_SIZE))
            create_venv(venv, python, version)
        else:
            say(SETUP["updating"])
            (venv / STAMP_NAME).unlink()
        install(venv, lock)
        smoke_test(venv, smoke)
        (venv / STAMP_NAME).write_text(stamp_text(lock, python, version), encoding="utf-8")
    except KeyboardInterrupt:
        shutil.rmtree(str(venv), ignore_errors=True)
        say(SETUP["interrupted"])
        return 130
    except RuntimeError as error:
        shutil.rmtree(str(venv), ignore_errors=True)
        say(str(error))
        return 1
    say(SETUP["ready"].format(seconds=int(round(time.monotonic() - start))))
    return 0


def lock_command(uv):
    return [str(uv)] + LOCK_ARGS


def uv_env():
    """uv must never fetch an interpreter of its own (--python-version only names the target)."""
    return dict(os.environ, UV_PYTHON_DOWNLOADS="never")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m kit.bootstrap")
    sub = parser.add_subparsers(dest="command")
    setup_cmd = sub.add_parser("setup")
    setup_cmd.add_argument("--python", help="the interpreter to build .venv with (default: the newest supported)")
    sub.add_parser("lock")
    args = parser.parse_args(argv)
    if args.command == "setup":
        return setup(args.python or None)
    if args.command == "lock":
        return subprocess.call(lock_command(VENV / "bin" / "uv"), cwd=str(KIT_ROOT), env=uv_env())
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
