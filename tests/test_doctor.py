"""`make doctor` (kit/doctor.py): one line a need, each OK or the fix; exit 0 only when all is well.

The probes that read system facilities (/proc/cpuinfo, sysconf, sysctl) are also run
with the facility missing, as on a system that does not have it.
"""

import collections
import re
import shutil
import socket
import subprocess
import sys

import pytest

from kit import KIT_ROOT, doctor
from kit.doctor import Line
from kit.system_messages import DOCTOR, DOCTOR_STATUS

ITEMS = ["python", "git", "git_identity", "make", "disk", "memory", "cpu", "venv", "tensorflow", "dvc", "ports",
         "write"]


def test_make_doctor_prints_the_whole_table():
    proc = subprocess.run(["make", "-s", "doctor"], cwd=KIT_ROOT, capture_output=True, text=True, timeout=600)
    rows = [line for line in proc.stdout.splitlines() if line.startswith("  ")]
    for item in ITEMS:
        assert any(row.strip().startswith(DOCTOR[item]) for row in rows), item
    to_fix = [row for row in rows if re.match(r"\s+\S.*?\s{2}%s\s" % DOCTOR_STATUS["fix"], row)]
    assert proc.returncode == (1 if to_fix else 0), proc.stdout
    # The kit's own .venv is ready (make test depends on make setup): its lines say so.
    for item in ("python", "venv", "tensorflow", "dvc", "write"):
        row = next(row for row in rows if row.strip().startswith(DOCTOR[item]))
        assert "  OK  " in row, row
    assert "Traceback" not in proc.stdout + proc.stderr


def test_before_setup_the_venv_lines_say_what_to_do(tmp_path):
    lines = {line.item: line for line in doctor.diagnose(venv=tmp_path / ".venv")}
    assert lines[DOCTOR["venv"]].status == "fix" and "make setup" in lines[DOCTOR["venv"]].detail
    assert lines[DOCTOR["tensorflow"]].detail == DOCTOR["after_setup"]


def test_half_built_venv_is_reported(tmp_path):
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    line, usable = doctor.check_venv(tmp_path / ".venv")
    assert line.status == "fix" and not usable and "reconstruit" in line.detail


def test_missing_git_identity(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "none"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.chdir(tmp_path)
    line = doctor.check_git_identity()
    assert line.status == "fix" and 'git config --global user.name "Prénom Nom"' in line.detail


def test_missing_git_and_make(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("MAKE", raising=False)
    assert doctor.check_git().status == "fix"
    assert doctor.check_make().status == "fix"


@pytest.mark.parametrize("machine, flags, status", [
    ("x86_64", {"sse2", "avx", "avx2"}, "ok"),
    ("x86_64", {"sse2", "sse4_2"}, "fix"),
    ("aarch64", None, "ok"),
    ("arm64", None, "ok"),
    ("i686", None, "fix"),
])
def test_cpu(machine, flags, status, monkeypatch):
    monkeypatch.setattr(doctor.sys, "platform", "darwin" if machine == "arm64" else "linux")
    assert doctor.check_cpu(machine, flags).status == status


def test_cpu_flags_without_proc_or_sysctl(monkeypatch):
    """No /proc/cpuinfo (macOS) and no sysctl: '?' rather than a wrong verdict."""
    monkeypatch.setenv("PATH", "/nonexistent")
    assert doctor.cpu_flags("/nonexistent/cpuinfo") is None
    monkeypatch.setattr(doctor, "cpu_flags", lambda: None)
    assert doctor.check_cpu("x86_64").status == "unknown"


def test_cpu_flags_from_proc(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse2 AVX avx2\n")
    assert {"avx", "avx2"} <= doctor.cpu_flags(str(cpuinfo))


def test_memory_without_sysconf_or_sysctl(monkeypatch):
    def no_sysconf(name):
        raise ValueError("unrecognized configuration name")

    monkeypatch.setattr(doctor.os, "sysconf", no_sysconf)
    monkeypatch.setenv("PATH", "/nonexistent")
    assert doctor.total_memory_gb() is None
    assert doctor.check_memory().status == "unknown"


def test_low_memory(monkeypatch):
    monkeypatch.setattr(doctor, "total_memory_gb", lambda: 2.0)
    line = doctor.check_memory()
    assert line.status == "fix" and "il en faut au moins 4" in line.detail


def test_low_disk(monkeypatch, tmp_path):
    usage = collections.namedtuple("Usage", "total used free")
    monkeypatch.setattr(doctor.shutil, "disk_usage", lambda path: usage(10 * doctor.GIB, 8 * doctor.GIB, 2 * doctor.GIB))
    line = doctor.check_disk(tmp_path, venv=tmp_path / ".venv")
    assert line.status == "fix" and "il en faut 5" in line.detail


def test_busy_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        line = doctor.check_ports((port,))
    assert line.status == "fix" and str(port) in line.detail


def test_read_only_kit(monkeypatch, tmp_path):
    def denied(**kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr(doctor.tempfile, "NamedTemporaryFile", denied)
    assert doctor.check_write(tmp_path).status == "fix"


@pytest.mark.parametrize("statuses, code", [(["ok", "ok"], 0), (["ok", "unknown"], 0), (["ok", "fix"], 1)])
def test_exit_code(monkeypatch, capsys, statuses, code):
    monkeypatch.setattr(doctor, "diagnose", lambda: [Line(s, s, "detail") for s in statuses])
    assert doctor.main() == code
    out = capsys.readouterr().out
    assert ("à corriger" in out) == (code == 1)
    assert ("n'ont pas pu être mesurés" in out) == ("unknown" in statuses)


def test_ports_are_those_the_chapters_use():
    """The ports doctor checks are the ones the chapter texts have the learner open."""
    lab = (KIT_ROOT / "chapters" / "01-premiers-pas" / "README.md").read_text(encoding="utf-8")
    app = (KIT_ROOT / "chapters" / "07-partager-le-modele" / "README.md").read_text(encoding="utf-8")
    assert f"localhost:{doctor.LAB_PORT}/lab" in lab
    assert f"--port {doctor.APP_PORT}" in app


def test_runs_without_the_kit_venv():
    """Doctor runs before set-up: it imports nothing outside the standard library (and the kit's bootstrap)."""
    code = ("import sys; import kit.doctor; "
            "third = [m for m in sys.modules if m.split('.')[0] not in sys.stdlib_module_names and "
            "m.split('.')[0] not in ('kit', '__main__')]; print(third)")
    proc = subprocess.run([sys.executable, "-S", "-c", code], cwd=KIT_ROOT, capture_output=True, text=True)
    assert proc.stdout.strip() == "[]", proc.stderr


def test_doctor_reports_the_grading_sandbox_without_alarming_learners(monkeypatch):
    """Only make grade needs bubblewrap: present, it is OK; absent or elsewhere than Linux, it is optional."""
    assert doctor.check_sandbox(system="darwin").status == "optional"
    monkeypatch.setattr(doctor.shutil, "which", lambda name: None)
    missing = doctor.check_sandbox(system="linux")
    assert missing.status == "optional" and "apt install bubblewrap" in missing.detail
    assert "FACULTATIF" in doctor.render([missing]) and "À CORRIGER" not in doctor.render([missing])


@pytest.mark.skipif(not shutil.which("bwrap"), reason="bubblewrap is not installed (.ci/run installs it)")
def test_doctor_sees_a_working_sandbox():
    assert doctor.check_sandbox().status == "ok"
