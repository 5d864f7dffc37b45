"""The session's chapter starts (tests/starts.py): a copy is the start the kit builds, with its own remotes."""

from dvc.config import Config

from kit import workspace
from kit.shell import git, run

from tests.conftest import started


def tree(path):
    """Every file git holds at HEAD and its content, but the DVC config (which names the remotes by path)."""
    return [line for line in git(path, "ls-tree", "-r", "HEAD").splitlines() if not line.endswith("\t.dvc/config")]


def test_a_start_of_the_session_is_the_start_the_kit_builds(tmp_path):
    copy = started("04", tmp_path / "copy")  # built from the session's start of chapter 03, then copied
    built = workspace.build("04", tmp_path / "built")
    assert tree(copy) == tree(built)
    assert git(copy, "tag", "--list") == git(built, "tag", "--list")
    remotes = Config(dvc_dir=str(copy / ".dvc"), validate=False)["remote"]
    assert {name: remote["url"] for name, remote in remotes.items()} == {
        "default": str(tmp_path / "copy-remote"), "secours": str(tmp_path / "copy-remote-secours")}
    assert run(["dvc", "status", "-q", "-c"], cwd=copy).ok  # its own remote holds what the kit pushed


def test_each_test_gets_its_own_copy(tmp_path):
    first, second = started("03", tmp_path / "a"), started("03", tmp_path / "b")
    (first / "extra.txt").write_text("mine\n")
    git(first, "add", "extra.txt")
    git(first, "commit", "-qm", "mine")
    assert not (second / "extra.txt").exists() and git(second, "status", "--porcelain") == ""
