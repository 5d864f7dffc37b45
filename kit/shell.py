"""Run commands quietly, with the kit's venv first on PATH and a time limit."""

import os
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from kit import jail

VENV_BIN = Path(sys.executable).parent

# Silence TensorFlow's C++ logs and keep DVC from phoning home (offline kit).
QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "DVC_NO_ANALYTICS": "1",
    "PYTHONWARNINGS": "ignore",
    "GIT_TERMINAL_PROMPT": "0",
}


def kit_env(extra=None, base=None):
    env = dict(os.environ if base is None else base, **QUIET_ENV)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.pop("VIRTUAL_ENV", None)
    env.update(extra or {})
    return env


@dataclass
class Result:
    returncode: int
    output: str
    timed_out: bool = False

    @property
    def ok(self):
        return self.returncode == 0 and not self.timed_out

    def last_lines(self, count=3):
        lines = [line for line in self.output.splitlines() if line.strip()]
        return "\n".join(lines[-count:])


KEPT_OUTPUT = 1_000_000  # characters of a command's output kept (its end): a command may print without end


def _read_tail(stream, kept):
    """Read `stream` to its end, keeping only its last KEPT_OUTPUT characters (in `kept`)."""
    size = 0
    for chunk in iter(lambda: stream.read(65536), ""):
        kept.append(chunk)
        size += len(chunk)
        while size - len(kept[0]) > KEPT_OUTPUT:
            size -= len(kept.pop(0))


def run(command, cwd, timeout=600, env=None, shell=False):
    """Run a command, capture stdout+stderr (their last KEPT_OUTPUT characters), kill its whole process
    group on timeout. During grading, the command runs in the grading sandbox (kit/jail.py)."""
    argv = ["/bin/sh", "-c", command] if shell else command
    argv, env = jail.wrap(argv, cwd, env or kit_env())
    proc = subprocess.Popen(argv, cwd=cwd, env=env, text=True, errors="replace", stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    kept = []
    reader = threading.Thread(target=_read_tail, args=(proc.stdout, kept), daemon=True)
    reader.start()
    try:
        proc.wait(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        timed_out = True
    reader.join(timeout=10)  # a process it started may still hold the pipe open: do not wait for it forever
    output = "".join(kept)[-KEPT_OUTPUT:]
    return Result(-signal.SIGKILL if timed_out else proc.returncode, output, timed_out=timed_out)


def stop_group(proc, grace=10):
    """Stop a process started with start_new_session=True, and all it started: TERM, then KILL after `grace` s."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def free_port():
    """A TCP port free on the loopback interface right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sh(cwd, command, timeout=900):
    """Run a shell command in `cwd`; raise RuntimeError with its output if it fails."""
    result = run(command, cwd=cwd, shell=True, timeout=timeout)
    if not result.ok:
        raise RuntimeError(f"`{command}` failed in {cwd}:\n{result.output}")
    return result.output


def tracked(cwd, path):
    """Whether git tracks `path` (a file, or anything under a folder)."""
    return run(["git", "ls-files", "--error-unmatch", path], cwd=cwd).ok


def committed(cwd, path):
    """Whether git tracks `path` and it has no change since the last commit."""
    return tracked(cwd, path) and run(["git", "diff", "--quiet", "HEAD", "--", path], cwd=cwd).ok


def git(cwd, *args, check=True):
    result = run(["git", *args], cwd=cwd, timeout=120)
    if check and not result.ok:
        raise RuntimeError(f"git {' '.join(args)} failed in {cwd}:\n{result.output}")
    return result.output.strip()
