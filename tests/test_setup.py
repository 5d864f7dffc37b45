"""`make setup` (kit/bootstrap.py): the interpreter it picks, the messages when
there is none, and a .venv that is either complete or absent.

Installs here use pip and a one-module wheel made by the test (offline, a few
seconds); the real lock with uv is what `make setup` installs before the suite.
"""

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kit import KIT_ROOT, bootstrap
from kit.system_messages import INSTALL_PYTHON


def fake_python(folder, name, version):
    """An executable `name` in `folder` that answers the bootstrap's version question like Python `version`."""
    path = Path(folder) / name
    path.write_text("#!/bin/sh\necho '%s'\n" % " ".join(version.split(".")))
    path.chmod(0o755)
    return path


def test_prefers_the_newest_supported_python(tmp_path):
    fake_python(tmp_path, "python3", "3.10.12")
    fake_python(tmp_path, "python3.11", "3.11.2")
    fake_python(tmp_path, "python3.12", "3.12.3")
    python, version = bootstrap.find_python(path=str(tmp_path))
    assert Path(python).name == "python3.12" and version == (3, 12, 3)


@pytest.mark.parametrize("version, accepted", [("3.10.12", False), ("3.11.0", True), ("3.11.2", True),
                                               ("3.13.1", True), ("3.14.0", False)])
def test_supported_versions(tmp_path, version, accepted):
    fake_python(tmp_path, "python3", version)
    python, _ = bootstrap.find_python(path=str(tmp_path))
    assert (python is not None) == accepted


def test_a_python_that_does_not_run_is_skipped(tmp_path):
    (tmp_path / "python3.13").write_text("#!/bin/sh\nexit 127\n")
    (tmp_path / "python3.13").chmod(0o755)
    fake_python(tmp_path, "python3", "3.11.9")
    python, _ = bootstrap.find_python(path=str(tmp_path))
    assert Path(python).name == "python3"


@pytest.mark.parametrize("release, expected", [
    ({"ID": "ubuntu", "VERSION_ID": "22.04", "ID_LIKE": "debian"}, "sudo apt install python3.11 python3.11-venv"),
    ({"ID": "ubuntu", "VERSION_ID": "24.04", "ID_LIKE": "debian"}, "sudo apt install python3.12 python3.12-venv"),
    ({"ID": "debian", "VERSION_ID": "12"}, "sudo apt install python3.11 python3.11-venv"),
    ({"ID": "linuxmint", "ID_LIKE": "ubuntu debian"}, "python3.12-venv"),
    ({"ID": "fedora"}, "sudo dnf install python3.12"),
    ({}, "python.org"),
])
def test_names_what_to_install_for_the_system(release, expected):
    assert expected in INSTALL_PYTHON[bootstrap.system_id("linux", "x86_64", release)]


def test_macos_advice():
    assert "brew install python@3.12" in INSTALL_PYTHON[bootstrap.system_id("darwin", "arm64")]
    assert ".devcontainer" in INSTALL_PYTHON[bootstrap.system_id("darwin", "x86_64")]


@pytest.mark.parametrize("sys_platform, machine, supported", [
    ("linux", "x86_64", True), ("linux", "aarch64", True), ("linux", "arm64", True), ("darwin", "arm64", True),
    ("darwin", "x86_64", False), ("win32", "AMD64", False), ("linux", "i686", False),
])
def test_supported_platforms(sys_platform, machine, supported):
    assert bootstrap.platform_supported(sys_platform, machine) == supported


def test_make_setup_refuses_python_3_10_with_one_french_sentence(tmp_path):
    """Through the Makefile, as a learner on Ubuntu 22.04 would meet it: no .venv left behind."""
    kit = tmp_path / "kit"
    kit.mkdir()
    shutil.copy(KIT_ROOT / "Makefile", kit)
    shutil.copy(KIT_ROOT / "requirements.txt", kit)
    shutil.copytree(KIT_ROOT / "kit", kit / "kit", ignore=shutil.ignore_patterns("__pycache__"))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    old = fake_python(bin_dir, "python3.10", "3.10.12")
    env = dict(os.environ, PATH="%s:/usr/bin:/bin" % bin_dir)
    proc = subprocess.run(["make", "-s", "setup", "PYTHON=%s" % old, "BOOT_PYTHON=%s" % sys.executable],
                          cwd=kit, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    message = proc.stdout.strip()
    assert message.startswith("Aucun Python utilisable pour le kit (il faut Python 3.11, 3.12 ou 3.13")
    assert "3.10.12" in message and "Traceback" not in proc.stdout + proc.stderr
    assert len(message.splitlines()) == 1
    assert not (kit / ".venv").exists()


# --- A .venv that is complete or absent --------------------------------------------------

def tiny_wheel(folder, name="kitprobe", version="1.0"):
    """A pure-Python wheel with one module, so installs run offline in a second."""
    path = Path(folder) / f"{name}-{version}-py3-none-any.whl"
    info = f"{name}-{version}.dist-info"
    files = {f"{name}.py": b"VALUE = 42\n",
             f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
             f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = []
    for file, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{file},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    with zipfile.ZipFile(path, "w") as archive:
        for file, data in files.items():
            archive.writestr(file, data)
        archive.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return path


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A lock naming the tiny wheel, and where its .venv goes; installs with pip, offline."""
    monkeypatch.setenv("KIT_INSTALLER", "pip")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    lock = tmp_path / "requirements.txt"
    lock.write_text(f"{tiny_wheel(tmp_path)}\n")

    def setup(**options):
        return bootstrap.setup(sys.executable, venv=tmp_path / ".venv", lock=lock, smoke=("kitprobe",), **options)

    return tmp_path / ".venv", lock, setup


def test_setup_builds_then_does_nothing(project, capsys):
    venv, lock, setup = project
    assert setup() == 0
    assert (venv / bootstrap.STAMP_NAME).is_file()
    assert "Environnement prêt" in capsys.readouterr().out
    (venv / "learner-note").write_text("kept")
    assert setup() == 0
    assert "déjà prêt" in capsys.readouterr().out
    assert (venv / "learner-note").exists()


def test_half_built_venv_is_rebuilt_from_scratch(project, capsys):
    """An install killed before the stamp (power cut, kill -9) leaves .venv without it: next time starts over."""
    venv, lock, setup = project
    (venv / "bin").mkdir(parents=True)
    (venv / "half-installed").write_text("")
    assert setup() == 0
    assert not (venv / "half-installed").exists()
    assert (venv / bootstrap.STAMP_NAME).is_file()
    assert "reconstruit de zéro" in capsys.readouterr().out


def test_changed_lock_updates_in_place(project, capsys):
    venv, lock, setup = project
    assert setup() == 0
    (venv / "learner-note").write_text("kept")
    lock.write_text(lock.read_text() + "# a new pin\n")
    assert bootstrap.venv_state(venv, lock, sys.executable, sys.version_info[:3]) == "outdated"
    assert setup() == 0
    assert "mise à jour" in capsys.readouterr().out
    assert (venv / "learner-note").exists()
    assert bootstrap.venv_state(venv, lock, sys.executable, sys.version_info[:3]) == "ready"


def test_failed_install_leaves_no_venv(project, capsys):
    venv, lock, setup = project
    lock.write_text(str(lock.parent / "missing-1.0-py3-none-any.whl") + "\n")
    assert setup() == 1
    assert not venv.exists()
    out = capsys.readouterr().out
    assert "L'installation des paquets a échoué" in out and ".venv a été supprimé" in out


def test_interrupted_install_leaves_no_venv(project, monkeypatch, capsys):
    venv, lock, setup = project

    def interrupted(*args):
        assert venv.exists()  # the interruption comes mid-install
        raise KeyboardInterrupt

    monkeypatch.setattr(bootstrap, "install", interrupted)
    assert setup() == 130
    assert not venv.exists()
    assert "Installation interrompue" in capsys.readouterr().out


def test_missing_venv_module_names_the_debian_package(monkeypatch, tmp_path):
    monkeypatch.setattr(bootstrap, "run_quiet", lambda *a, **k: (False, "The virtual environment was not created "
                                                                        "successfully because ensurepip is not available."))
    with pytest.raises(RuntimeError, match=r"sudo apt install python3\.11-venv"):
        bootstrap.create_venv(tmp_path / ".venv", "/usr/bin/python3.11", (3, 11, 2))


def test_download_lines_become_progress(capsys):
    """uv's and pip's download lines, as they print them, turn into one French line each (big ones only)."""
    script = ("print('Resolved 238 packages in 5ms'); print('Downloading tensorflow-cpu (261.1MiB)'); "
              "print('Downloading tiny (12.0KiB)'); print('Downloading numpy-2.4.6-cp311.whl (16.1 MB)')")
    ok, _ = bootstrap.run_with_progress([sys.executable, "-c", script], dict(os.environ))
    out = capsys.readouterr().out.splitlines()
    assert ok and out == ["  téléchargement : tensorflow-cpu (261.1MiB)",
                          "  téléchargement : numpy-2.4.6-cp311.whl (16.1 MB)"]


def test_the_kit_venv_was_built_from_the_committed_lock():
    """The .venv this suite runs in was finished by `make setup` for the lock as committed."""
    stamp = (bootstrap.VENV / bootstrap.STAMP_NAME).read_text(encoding="utf-8")
    assert stamp.splitlines()[0] == "lock " + bootstrap.lock_digest()


def test_a_finished_venv_keeps_its_python(project, tmp_path, monkeypatch):
    """A newer Python installed after set-up does not make the next update rebuild everything."""
    venv, lock, setup = project
    assert setup() == 0
    stamp = (venv / bootstrap.STAMP_NAME).read_text()
    assert bootstrap.recorded_python(venv) == sys.executable
    newer = fake_python(tmp_path, "python3.13", "3.13.9")
    monkeypatch.setenv("PATH", f"{newer.parent}:{os.environ['PATH']}")
    lock.write_text(lock.read_text() + "# a new pin\n")
    assert bootstrap.setup(None, venv=venv, lock=lock, smoke=("kitprobe",)) == 0
    assert (venv / bootstrap.STAMP_NAME).read_text().splitlines()[1] == stamp.splitlines()[1]
