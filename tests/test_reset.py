"""make reset-chapterNN FILE=path: one file back to its version at the chapter's start, the learner's kept beside it."""

import subprocess
import sys

import pytest

from kit import KIT_ROOT, KitError, chapters, reset
from kit.shell import git, kit_env

START = (KIT_ROOT / "tests" / "tiny" / "train.py").read_text(encoding="utf-8")  # the tiny project's start


def test_a_file_goes_back_to_its_start_and_the_learners_version_is_kept(tiny):
    tiny.write("train.py", "print('my own training')\n")
    tiny.write("notes.txt", "untouched")
    target, backup = reset.reset(chapters.get("05"), tiny.path, "train.py")
    assert target.read_text(encoding="utf-8") == START
    assert backup.name.startswith("train.py.backup-") and backup.read_text() == "print('my own training')\n"
    assert (tiny.path / "notes.txt").read_text() == "untouched"
    assert git(tiny.path, "status", "--porcelain", "--", "train.py") == ""


@pytest.mark.parametrize("spelling", ["./train.py", "ABSOLUTE"])
def test_other_spellings_of_the_same_file(tiny, spelling):
    tiny.write("train.py", "changed\n")
    name = str(tiny.path / "train.py") if spelling == "ABSOLUTE" else spelling
    target, _ = reset.reset(chapters.get("05"), tiny.path, name)
    assert target.read_text(encoding="utf-8") == START


def test_a_deleted_file_comes_back_without_a_backup(tiny):
    (tiny.path / "train.py").unlink()
    target, backup = reset.reset(chapters.get("05"), tiny.path, "train.py")
    assert backup is None and target.read_text(encoding="utf-8") == START


def test_unknown_file_is_refused_with_the_resettable_ones(tiny):
    tiny.write("train.py", "mine\n")
    with pytest.raises(KitError) as refused:
        reset.reset(chapters.get("05"), tiny.path, "trian.py")
    said = str(refused.value)
    assert "trian.py" in said and "train.py" in said and "evaluate.py" in said and ".dvc/config" not in said
    assert (tiny.path / "train.py").read_text() == "mine\n"  # nothing touched
    with pytest.raises(KitError):
        reset.reset(chapters.get("05"), tiny.path, "../outside.txt")


def test_a_chapter_not_started_or_no_workspace(tiny, tmp_path):
    with pytest.raises(KitError, match="make start-chapter06"):
        reset.reset(chapters.get("06"), tiny.path, "train.py")
    with pytest.raises(KitError, match="make start-chapter01"):
        reset.reset(chapters.get("05"), tmp_path / "absent", "train.py")


def test_make_reset_without_file_says_how(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "kit", "reset", "05", "", "--workspace", str(tmp_path)],
                          cwd=KIT_ROOT, env=kit_env(), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "make reset-chapter05 FILE=" in proc.stderr and "Traceback" not in proc.stderr
