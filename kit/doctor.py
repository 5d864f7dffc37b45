"""`make doctor`: is this machine ready for the workshop? One French table, one line a need.

Runs before `make setup` as well as after (standard library only, any
python3), so instructors can send it to learners before the day. Each probe
returns a Line: OK, À CORRIGER with the fix, or ? when the system does not let
us measure (that one does not fail the exit code, but says so). Exit code 0
only when no line needs fixing.
"""

import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import namedtuple

from kit import KIT_ROOT, bootstrap
from kit.system_messages import (DOCTOR, DOCTOR_ALL_GOOD, DOCTOR_HEADER, DOCTOR_STATUS, DOCTOR_TITLE, DOCTOR_TO_FIX,
                                 DOCTOR_UNKNOWN, DECIMAL_SEPARATOR, INSTALL_PYTHON, NONE_FOUND)

Line = namedtuple("Line", "item status detail")  # status: "ok", "fix" or "unknown"

GIB = 1024 ** 3
DISK_NEEDED_GB = {"before_setup": 5, "after_setup": 1}  # .venv ~2 Go + uv's cache ~2 Go; workspaces < 1 Go
MEMORY_NEEDED_GB = 4
LAB_PORT = 8888  # `make lab` (JupyterLab's default)
APP_PORT = 8000  # chapter 07: uvicorn app:app --port 8000
MIN_GIT = (2, 28)  # `git init -b main`
QUIET_ENV = dict(os.environ, DVC_NO_ANALYTICS="1", **bootstrap.QUIET)


def line(item, status, detail_key, **values):
    return Line(DOCTOR[item], status, DOCTOR[detail_key].format(**values))


def output_of(command, timeout=60, env=None):
    """(returncode, stdout+stderr) of a command; (None, reason) if it cannot start or hangs."""
    try:
        proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                              timeout=timeout, env=env, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as error:
        return None, str(error)
    return proc.returncode, proc.stdout.strip()


def gb(value):
    return ("%.1f" % value).replace(".", DECIMAL_SEPARATOR)


# --- The probes -----------------------------------------------------------------------

def check_python():
    python, version = bootstrap.find_python(os.environ.get("PYTHON") or None)
    if python is None:
        return line("python", "fix", "python_missing", found=", ".join(version) or NONE_FOUND,
                    install=INSTALL_PYTHON[bootstrap.system_id()])
    return line("python", "ok", "python_ok", version=bootstrap.dotted(version), path=python)


def check_git():
    code, out = output_of(["git", "--version"])
    if code != 0:
        return line("git", "fix", "git_missing")
    match = re.search(r"(\d+)\.(\d+)(\.\d+)?", out)
    version = match.group(0) if match else out
    if match and (int(match.group(1)), int(match.group(2))) < MIN_GIT:
        return line("git", "fix", "git_old", version=version)
    return line("git", "ok", "git_ok", version=version)


def check_git_identity():
    name = output_of(["git", "config", "user.name"])
    email = output_of(["git", "config", "user.email"])
    if name[0] != 0 or email[0] != 0 or not name[1] or not email[1]:
        return line("git_identity", "fix", "identity_missing")
    return line("git_identity", "ok", "identity_ok", name=name[1], email=email[1])


def check_make():
    code, out = output_of([os.environ.get("MAKE", "make"), "--version"])
    if code != 0:
        return line("make", "fix", "make_missing")
    return line("make", "ok", "make_ok", version=out.splitlines()[0])


def venv_ready(venv=bootstrap.VENV):
    """The venv's Python version if `make setup` finished it, else None."""
    return (venv / bootstrap.STAMP_NAME).is_file() and bootstrap.python_version(str(bootstrap.venv_python(venv)))


def check_disk(path=KIT_ROOT, venv=bootstrap.VENV):
    need = DISK_NEEDED_GB["after_setup" if venv_ready(venv) else "before_setup"]
    try:
        free = shutil.disk_usage(str(path)).free / GIB
    except OSError:
        return line("disk", "unknown", "unknown")
    return line("disk", "ok" if free >= need else "fix", "disk_ok" if free >= need else "disk_low",
                free=gb(free), need=need)


def total_memory_gb():
    """Physical memory in GiB: sysconf (Linux, macOS), else sysctl (macOS); None if neither answers."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GIB
    except (AttributeError, ValueError, OSError):
        pass
    code, out = output_of(["sysctl", "-n", "hw.memsize"])
    if code == 0 and out.isdigit():
        return int(out) / GIB
    return None


def check_memory():
    total = total_memory_gb()
    if total is None:
        return line("memory", "unknown", "unknown")
    # A "4 GB" machine reports a little less: allow 10 %.
    ok = total >= MEMORY_NEEDED_GB * 0.9
    return line("memory", "ok" if ok else "fix", "memory_ok" if ok else "memory_low", total=gb(total),
                need=MEMORY_NEEDED_GB)


def cpu_flags(cpuinfo="/proc/cpuinfo"):
    """The CPU's feature flags, lower-case, or None if this system does not tell (no /proc, no sysctl)."""
    try:
        with open(cpuinfo, encoding="utf-8", errors="replace") as handle:
            for text in handle:
                if text.startswith("flags"):
                    return set(text.partition(":")[2].lower().split())
    except OSError:
        pass
    code, out = output_of(["sysctl", "-n", "machdep.cpu.features", "machdep.cpu.leaf7_features"])
    if code == 0 and out:
        return set(out.lower().split())
    return None


def check_cpu(machine=None, flags=None):
    machine = machine or platform.machine()
    if not bootstrap.platform_supported(machine=machine):
        return line("cpu", "fix", "cpu_unsupported", machine=machine, install=INSTALL_PYTHON[bootstrap.system_id()])
    if machine.lower() not in ("x86_64", "amd64"):
        return line("cpu", "ok", "cpu_ok", machine=machine)
    flags = cpu_flags() if flags is None else flags
    if flags is None:
        return line("cpu", "unknown", "unknown")
    if "avx" not in flags:
        return line("cpu", "fix", "cpu_no_avx", machine=machine)
    return line("cpu", "ok", "cpu_ok_avx", machine=machine)


def check_venv(venv=bootstrap.VENV):
    """The .venv line, and whether the lines that need it (TensorFlow, DVC) can be checked."""
    if not venv.exists():
        return line("venv", "fix", "venv_missing"), False
    version = venv_ready(venv)
    if not version:
        return line("venv", "fix", "venv_broken"), False
    return line("venv", "ok", "venv_ok", version=bootstrap.dotted(version)), True


def check_tensorflow(venv=bootstrap.VENV):
    start = time.monotonic()
    code, out = output_of([str(bootstrap.venv_python(venv)), "-c", "import tensorflow as tf; print(tf.__version__)"],
                          timeout=180, env=QUIET_ENV)
    if code != 0:
        # A negative code is a signal: -4 (SIGILL) is a CPU that lacks an instruction the wheel uses.
        detail = "signal %d" % -code if code is not None and code < 0 else (out.splitlines() or ["?"])[-1]
        return line("tensorflow", "fix", "tensorflow_crash", detail=detail)
    return line("tensorflow", "ok", "tensorflow_ok", version=out.splitlines()[-1],
                seconds=gb(time.monotonic() - start))


def check_dvc(venv=bootstrap.VENV):
    code, out = output_of([str(venv / "bin" / "dvc"), "version"], timeout=120, env=QUIET_ENV)
    match = re.search(r"DVC version:\s*(\S+)", out)
    if code != 0 or not match:
        return line("dvc", "fix", "dvc_failed", detail=(out.splitlines() or ["?"])[-1])
    return line("dvc", "ok", "dvc_ok", version=match.group(1))


def port_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def check_ports(ports=(LAB_PORT, APP_PORT)):
    busy = [str(port) for port in ports if not port_free(port)]
    if busy:
        return line("ports", "fix", "ports_busy", ports=", ".join(busy))
    return line("ports", "ok", "ports_ok", lab=LAB_PORT, app=APP_PORT)


def check_write(path=KIT_ROOT):
    try:
        with tempfile.NamedTemporaryFile(dir=str(path), prefix=".doctor-"):
            pass
    except OSError:
        return line("write", "fix", "write_denied", path=path)
    return line("write", "ok", "write_ok", path=path)


def check_sandbox(system=None):
    """The grading sandbox (kit/jail.py runs the same probe): only the instructor needs it, so never "to fix"."""
    if not (system or sys.platform).startswith("linux"):
        return line("sandbox", "optional", "sandbox_not_linux")
    program = shutil.which("bwrap")
    if program is None:
        return line("sandbox", "optional", "sandbox_missing")
    code, out = output_of([program, "--die-with-parent", "--new-session", "--unshare-all", "--ro-bind", "/", "/",
                           "--", "true"], timeout=30)
    if code != 0:
        return line("sandbox", "optional", "sandbox_broken", detail=(out.splitlines() or ["?"])[-1][:120])
    version = output_of([program, "--version"], timeout=30)[1].split()
    return line("sandbox", "ok", "sandbox_ok", version=version[-1] if version else "?")


def diagnose(venv=bootstrap.VENV):
    lines = [check_python(), check_git(), check_git_identity(), check_make(), check_disk(venv=venv), check_memory(),
             check_cpu()]
    venv_line, usable = check_venv(venv)
    lines.append(venv_line)
    if usable:
        lines += [check_tensorflow(venv), check_dvc(venv)]
    else:
        lines += [line(item, "fix", "after_setup") for item in ("tensorflow", "dvc")]
    return lines + [check_ports(), check_write(), check_sandbox()]


# --- The table ------------------------------------------------------------------------

def render(lines):
    rows = [DOCTOR_HEADER] + [(item, DOCTOR_STATUS[status], detail) for item, status, detail in lines]
    widths = [max(len(row[column]) for row in rows) for column in (0, 1)]
    text = [DOCTOR_TITLE, ""]
    for index, (item, status, detail) in enumerate(rows):
        text.append("  %s  %s  %s" % (item.ljust(widths[0]), status.ljust(widths[1]), detail))
        if index == 0:
            text.append("  %s  %s  %s" % ("-" * widths[0], "-" * widths[1], "-" * len(DOCTOR_HEADER[2])))
    to_fix = sum(entry.status == "fix" for entry in lines)
    unknown = sum(entry.status == "unknown" for entry in lines)
    text.append("")
    text.append(DOCTOR_TO_FIX.format(count=to_fix) if to_fix else DOCTOR_ALL_GOOD)
    if unknown:
        text.append(DOCTOR_UNKNOWN.format(count=unknown))
    return "\n".join(text)


def main():
    lines = diagnose()
    print(render(lines))
    return 1 if any(entry.status == "fix" for entry in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
