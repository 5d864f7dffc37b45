"""The grading sandbox: where a learner's code runs when an instructor grades it.

`make grade` runs other people's code: their DVC stages, scripts, notebook and
web app. During grading, each of those commands runs in a bubblewrap sandbox
(`bwrap`, Linux; Debian/Ubuntu package `bubblewrap`):

- no network (a loopback of its own), its own PID namespace (nothing it starts
  outlives the command), a private /tmp, a new session (no terminal);
- the whole disk read-only; the submissions folder, the reports folder, the other
  learners' folders and the instructor's home invisible; only the learner's own
  throwaway folder writable;
- limits on memory (address space), file size and processes (prlimit, and the
  grader's process-count watchdog: kit/grading.py).

The checker itself (pytest, kit/checker.py) runs outside the sandbox: it starts
the learner's commands through `wrap`, reads what they wrote, and writes the
verdict where they cannot reach. The grader hands the sandbox's settings to the
checker in the environment variable KIT_JAIL (`Jail.to_env`); without it, as in
a learner's own `make check-chapterNN`, `wrap` changes nothing.
"""

import functools
import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kit import KIT_ROOT

VARIABLE = "KIT_JAIL"
MEMORY_MB = int(os.environ.get("GRADE_MEMORY_LIMIT_MB", "8192"))  # address space of each process
FILE_MB = int(os.environ.get("GRADE_FILE_LIMIT_MB", "2048"))  # the largest file a learner's command may write
# A learner's command gets a working home and DVC site cache inside its own folder, an identity for git.
HOME = "home"
IDENTITY = {"GIT_AUTHOR_NAME": "kit-grader", "GIT_AUTHOR_EMAIL": "grader@kit.invalid",
            "GIT_COMMITTER_NAME": "kit-grader", "GIT_COMMITTER_EMAIL": "grader@kit.invalid"}


@dataclass
class Jail:
    folder: str  # the learner's throwaway folder: the only place its commands may write
    hidden: list = field(default_factory=list)  # folders its commands must not see (submissions, reports...)
    memory_mb: int = MEMORY_MB
    file_mb: int = FILE_MB

    def to_env(self):
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls, env=None):
        value = (os.environ if env is None else env).get(VARIABLE)
        return cls(**json.loads(value)) if value else None


def bwrap():
    """The bubblewrap program, if installed."""
    return shutil.which("bwrap")


@functools.lru_cache
def problem():
    """Why the sandbox cannot run on this machine (a short technical reason), or None when it can."""
    if not sys.platform.startswith("linux"):
        return "bubblewrap is Linux only"
    program = bwrap()
    if program is None:
        return "bwrap not installed"
    if shutil.which("prlimit") is None:
        return "prlimit not installed"
    try:
        tried = subprocess.run([program, *_isolation(), "--ro-bind", "/", "/", "--", "true"], capture_output=True,
                               text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    return None if tried.returncode == 0 else (tried.stderr.strip() or f"bwrap exit {tried.returncode}")[:200]


def _isolation():
    return ["--die-with-parent", "--new-session", "--unshare-all"]


def _needed():
    """What a learner's command needs to see even inside a hidden folder: the kit and its interpreter."""
    return sorted({str(KIT_ROOT.resolve()), str(Path(sys.base_prefix).resolve()), str(Path(sys.prefix).resolve())})


def _home():
    return str(Path.home().resolve())


def command(jail, argv, cwd):
    """`argv`, as run inside `jail`: bwrap's mounts, then prlimit's limits, then the command."""
    folder = str(Path(jail.folder).resolve())
    # In this order: each mount covers the earlier ones (bwrap applies them one after another).
    # A hidden folder inside the kit (`make grade SUBMISSIONS=subs`) goes after the kit; one that holds the kit,
    # before it, so that the kit stays visible.
    mounts = ["--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", _home()]
    needed = _needed()
    hidden = [str(Path(path).resolve()) for path in jail.hidden if Path(path).is_dir()]
    inside = [path for path in hidden if any(Path(path).is_relative_to(shown) for shown in needed)]
    mounts += [part for path in hidden if path not in inside for part in ("--tmpfs", path)]
    mounts += [part for path in needed for part in ("--ro-bind", path, path)]
    mounts += [part for path in inside for part in ("--tmpfs", path)]
    mounts += ["--bind", folder, folder, "--chdir", str(Path(cwd).resolve())]
    limits = ["prlimit", f"--as={jail.memory_mb * 1024 * 1024}", f"--fsize={jail.file_mb * 1024 * 1024}",
              "--core=0", "--"]
    return [bwrap(), *_isolation(), *mounts, "--", *limits, *[str(part) for part in argv]]


def environment(jail, env):
    """The environment of a command inside `jail`: a home and caches in its folder, no KIT_JAIL (nothing nests)."""
    env = {key: value for key, value in env.items() if key != VARIABLE}
    home = Path(jail.folder) / HOME
    home.mkdir(exist_ok=True)
    env.update(IDENTITY, HOME=str(home), TMPDIR=str(home), DVC_SITE_CACHE_DIR=str(home / "dvc-site"),
               XDG_CACHE_HOME=str(home / "cache"))
    return env


def wrap(argv, cwd, env):
    """(argv, env) to start a learner's command with: inside the grading sandbox when KIT_JAIL says so
    (in `env`), unchanged otherwise (a learner's own check)."""
    jail = Jail.from_env(env)
    if jail is None:
        return list(argv), env
    return command(jail, argv, cwd), environment(jail, env)
