"""The kit on systems other than Linux x86_64: every Linux-only facility it uses has a
portable path, run here with the facility taken away.

- the grader's memory limit: RLIMIT_AS, which macOS refuses (kit/limits.py);
- hard links into the check sandbox, impossible across filesystems (checks/sandbox.py);
- /proc/cpuinfo and sysconf in `make doctor` (tests/test_doctor.py runs those without them);
- and no GNU-only shell idiom in what the kit runs or tells learners to run (audit below).
"""

import errno
import filecmp
import re
import subprocess
import sys
from pathlib import Path

import pytest

from checks import sandbox as sandboxes
from kit import KIT_ROOT, limits


class FakeResource:
    """A `resource` module whose limits are refused as the test says."""

    RLIMIT_AS, RLIMIT_DATA = 9, 2

    def __init__(self, refused):
        self.refused, self.applied = refused, []

    def setrlimit(self, kind, value):
        if kind in self.refused:
            raise ValueError("current limit exceeds maximum limit")
        self.applied.append(kind)


def test_memory_limit_falls_back_when_rlimit_as_is_refused():
    """macOS: setrlimit(RLIMIT_AS) raises ValueError; the launcher uses RLIMIT_DATA instead."""
    fake = FakeResource(refused={FakeResource.RLIMIT_AS})
    assert limits.apply_memory_limit(512, fake) == "RLIMIT_DATA" and fake.applied == [FakeResource.RLIMIT_DATA]


def test_no_memory_limit_at_all_is_not_an_error():
    fake = FakeResource(refused={FakeResource.RLIMIT_AS, FakeResource.RLIMIT_DATA})
    assert limits.apply_memory_limit(512, fake) is None
    assert limits.apply_memory_limit(512, None) is None  # no `resource` module


def test_launcher_applies_the_limit_and_passes_the_exit_code():
    probe = "import resource, sys; print(resource.getrlimit(resource.RLIMIT_AS)[0]); sys.exit(3)"
    proc = subprocess.run([sys.executable, "-m", "kit.limits", "1024", "--", sys.executable, "-c", probe],
                          cwd=KIT_ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3
    assert int(proc.stdout) == 1024 * 1024 * 1024


def test_sandbox_copies_the_cache_when_hard_links_fail(tiny, monkeypatch):
    """The workspace and the temporary folder on two filesystems: os.link fails with EXDEV."""
    def cross_device(source, target):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(sandboxes.os, "link", cross_device)
    sandbox = sandboxes.make_sandbox(tiny.path)
    try:
        objects = [path for path in (tiny.path / ".dvc" / "cache").rglob("*") if path.is_file()]
        assert objects
        for source in objects:
            copy = sandbox / source.relative_to(tiny.path)
            assert filecmp.cmp(source, copy, shallow=False) and not copy.samefile(source)
    finally:
        sandboxes.remove_sandbox(sandbox)


# --- Audit: no Linux-only idiom where macOS would run it ---------------------------------

# GNU-only (or Linux-only) spellings, and what to use instead.
LINUX_ONLY = {
    r"\bsed -i\s+['\"]": "sed -i needs a suffix argument on macOS: edit the file in Python",
    r"/proc/": "no /proc on macOS",
    r"\bRLIMIT_AS\b": "macOS refuses RLIMIT_AS",
    r"\bpreexec_fn\b": "unsafe in threads; use a launcher (kit/limits.py)",
    r"\breadlink -f\b": "not in macOS's readlink before 12.3: use Path.resolve()",
    r"\bstat -c\b": "GNU stat only",
    r"\bdate -d\b": "GNU date only",
    r"\bcp -[a-zA-Z]*[al][a-zA-Z]*\b|\bcp --": "GNU cp options",
    r"\bnproc\b": "GNU coreutils only: os.cpu_count()",
    r"\bmd5sum\b|\bsha256sum\b": "macOS has md5 / shasum",
    r"\bxargs -r\b|\bgrep -P\b|\bfind [^\n]*-printf\b": "GNU only",
}
# Where a Linux-only facility is used on purpose, with its portable fallback tested above.
ALLOWED = {
    ("kit/doctor.py", r"/proc/"),  # falls back to sysctl, then "?"
    ("kit/limits.py", r"\bRLIMIT_AS\b"),  # falls back to RLIMIT_DATA, then no limit
    ("kit/limits.py", r"\bpreexec_fn\b"),  # says why it is not used
    ("tests/test_doctor.py", r"/proc/"),  # runs doctor's probes without /proc
    ("chapters/02-suivi-des-fichiers/README.md", r"\bmd5sum\b|\bsha256sum\b"),  # gives macOS's md5 beside it
    ("chapters/02-suivi-des-fichiers/README.en.md", r"\bmd5sum\b|\bsha256sum\b"),  # likewise
}
AUDITED = ["Makefile", ".ci/run", "kit/*.py", "checks/*.py", "tools/*.py", "data/*.py", "tests/*.py",
           "tests/tiny/*.py", "chapters/*/*.md", "chapters/*/*.toml", "chapters/*/*/*", "solutions/*/*",
           ".devcontainer/*"]


def audited_files():
    for pattern in AUDITED:
        for path in sorted(KIT_ROOT.glob(pattern)):
            if path.is_file() and path.name != Path(__file__).name:
                yield path


def test_audit_covers_the_kit():
    names = {path.relative_to(KIT_ROOT).as_posix() for path in audited_files()}
    assert {"Makefile", "kit/grading.py", "checks/pipeline.py", "chapters/07-partager-le-modele/chapter.toml"} <= names


@pytest.mark.parametrize("pattern", LINUX_ONLY)
def test_no_linux_only_idiom(pattern):
    found = []
    for path in audited_files():
        name = path.relative_to(KIT_ROOT).as_posix()
        if (name, pattern) in ALLOWED:
            continue
        for number, text in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if re.search(pattern, text):
                found.append(f"{name}:{number}: {text.strip()}")
    assert not found, LINUX_ONLY[pattern] + "\n" + "\n".join(found)
