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
    assert backup.parent.parent == tiny.path / ".kit-backups" and backup.name == "train.py"
    assert backup.read_text() == "print('my own training')\n"
    assert (tiny.path / "notes.txt").read_text() == "untouched"
    assert git(tiny.path, "status", "--porcelain", "--", "train.py", ".kit-backups") == ""
    _, again = reset.reset(chapters.get("05"), tiny.path, "train.py")  # twice, even in the same second
    assert again != backup and again.read_text() == START and backup.read_text() == "print('my own training')\n"


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


def test_reset_then_solve_then_check(tmp_path):
    """The kit's own backup is not the learner's work: solve goes ahead, the chapter passes, status lists the copy."""
    from tests.conftest import judge, started

    path = started("02", tmp_path / "ws")
    (path / ".gitignore").write_text("broken\n", encoding="utf-8")
    env = kit_env()
    said = subprocess.run([sys.executable, "-m", "kit", "reset", "02", ".gitignore", "--workspace", str(path)],
                          cwd=KIT_ROOT, env=env, capture_output=True, text=True)
    assert said.returncode == 0 and ".kit-backups/" in said.stdout, said.stdout + said.stderr
    assert ".kit-backups" not in git(path, "status", "--porcelain", "--untracked-files=all")
    solved = subprocess.run([sys.executable, "-m", "kit", "solve", "02", "--workspace", str(path)],
                            cwd=KIT_ROOT, env=env, capture_output=True, text=True)
    assert solved.returncode == 0, solved.stdout + solved.stderr
    assert judge(path, "02").failed() == {}
    assert ".kit-backups" not in git(path, "ls-tree", "-r", "--name-only", "HEAD")
    status = subprocess.run([sys.executable, "-m", "kit", "status", "--workspace", str(path)],
                            cwd=KIT_ROOT, env=env, capture_output=True, text=True)
    assert "1 fichier(s) dans .kit-backups/" in status.stdout, status.stdout
    shown = subprocess.run([sys.executable, "-m", "kit", "solution", "02", "--workspace", str(path)],
                           cwd=KIT_ROOT, env=env, capture_output=True, text=True)
    assert shown.returncode == 0 and "Traceback" not in shown.stderr, shown.stdout + shown.stderr
    # Carried on into the next chapter: the learner's project goes on, the kit's copy still out of git.
    carried = subprocess.run([sys.executable, "-m", "kit", "start", "03", "--workspace", str(path)],
                             cwd=KIT_ROOT, env=env, capture_output=True, text=True)
    assert carried.returncode == 0, carried.stdout + carried.stderr
    assert ".kit-backups" not in git(path, "ls-tree", "-r", "--name-only", "HEAD")
    assert any((path / ".kit-backups").rglob(".gitignore"))
