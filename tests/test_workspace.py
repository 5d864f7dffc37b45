"""make start-chapterNN: the start state, and never losing learner work."""

import subprocess
import sys

import pytest

from kit import KIT_ROOT, chapters, colleague, continuation, state, workspace
from kit.shell import git, run
from tests.conftest import copy_workspace


@pytest.fixture(scope="module")
def started(tmp_path_factory):
    path = tmp_path_factory.mktemp("start") / "ws"
    workspace.build("05", path)
    return path


def test_history_tells_chapters_01_to_04(started):
    tags = git(started, "tag").split()
    assert {"chapter01", "chapter02", "chapter02-v1", "chapter02-v2", "chapter03", "chapter04", "chapter05"} <= set(tags)
    assert git(started, "rev-parse", "HEAD") == git(started, "rev-parse", "chapter05^{commit}")


def test_data_version_2_and_base_tracked_by_dvc(started):
    assert len(list((started / "data").glob("*.jpg"))) == 1000
    tracked = git(started, "ls-files").split()
    assert {"data.dvc", "base.h5.dvc", "data_extraction.py", "data_preprocessing.py", "train.py", "evaluate.py",
            "dvc.yaml"} <= set(tracked)
    assert not any(path.startswith("data/") or path == "base.h5" for path in tracked)
    assert run(["dvc", "status", "-q", "data.dvc", "base.h5.dvc"], cwd=started).ok
    # Version 1 is in the history: 500 images at tag chapter02-v1.
    assert "nfiles: 500" in git(started, "show", "chapter02-v1:data.dvc")
    assert "nfiles: 1000" in git(started, "show", "chapter05:data.dvc")


def test_jupyter_checkpoints_stay_out_of_git(started):
    """JupyterLab's .ipynb_checkpoints/ neither shows in git status nor lands in an experiment commit."""
    (started / ".ipynb_checkpoints").mkdir()
    (started / ".ipynb_checkpoints" / "cats-or-dogs-checkpoint.ipynb").write_text("{}")
    try:
        assert run(["git", "status", "--porcelain"], cwd=started).output == ""
        assert run(["git", "check-ignore", "-q", ".ipynb_checkpoints/cats-or-dogs-checkpoint.ipynb"], cwd=started).ok
    finally:
        import shutil

        shutil.rmtree(started / ".ipynb_checkpoints")


def test_local_remote_configured_and_pushed(started):
    remote = workspace.default_remote(started)
    assert run(["dvc", "remote", "list"], cwd=started).output.split()[:2] == ["default", remote]
    status = run(["dvc", "status", "-c", "--json", "data.dvc", "base.h5.dvc"], cwd=started)
    assert status.ok and status.output.strip() in ("{}", ""), status.output


def test_identity_is_set(started):
    assert git(started, "config", "user.email")


def test_untouched_start_is_pristine(started):
    assert workspace.learner_work(started) is None


def start(path, *extra, chapter="05"):
    return subprocess.run([sys.executable, "-m", "kit", "start", chapter, "--workspace", str(path), *extra],
                          cwd=KIT_ROOT, capture_output=True, text=True)


def test_a_chapter_already_prepared_is_left_as_it_is(started, tmp_path):
    path = copy_workspace(started, tmp_path / "ws")
    (path / "dvc.yaml").write_text("stages: {}  # learner work\n")
    again = start(path)
    assert again.returncode == 0 and "déjà préparé" in again.stdout, again.stdout + again.stderr
    assert (path / "dvc.yaml").read_text() == "stages: {}  # learner work\n"
    assert not list(tmp_path.glob("ws.backup-*"))


def test_unfinished_previous_chapter_is_refused_then_backed_up_with_force(started, tmp_path):
    """Chapter 05 not passed: start-chapter06 says which check fails, and changes nothing; FORCE=1 backs up."""
    path = copy_workspace(started, tmp_path / "ws")
    (path / "dvc.yaml").write_text("stages: {}  # learner work\n")
    head = git(path, "rev-parse", "HEAD")
    refused = start(path, chapter="06")
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "ne réussit pas encore le chapitre 05" in refused.stderr and "make check-chapter05" in refused.stderr
    assert "FORCE=1" in refused.stderr
    assert (path / "dvc.yaml").read_text() == "stages: {}  # learner work\n"
    assert git(path, "rev-parse", "HEAD") == head and "chapter06" not in git(path, "tag").split()

    forced = start(path, "--force")
    assert forced.returncode == 0, forced.stderr
    backups = list(tmp_path.glob("ws.backup-*"))
    assert len(backups) == 1 and (backups[0] / "dvc.yaml").read_text() == "stages: {}  # learner work\n"
    assert git(path, "status", "--porcelain") == ""


def test_a_first_chapter_never_replaces_work(tmp_path):
    path = tmp_path / "ws"
    path.mkdir()
    (path / "notes.txt").write_text("mine")
    refused = start(path, chapter="01")
    assert refused.returncode != 0 and "FORCE=1" in refused.stderr and (path / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("work", ["commit", "tagged commit", "experiment", "stash", "plain folder"])
def test_every_kind_of_work_is_detected(started, tmp_path, work):
    path = tmp_path / "ws"
    if work == "plain folder":
        path.mkdir()
        (path / "notes.txt").write_text("mine")
    else:
        copy_workspace(started, path)
        (path / "notes.txt").write_text("mine")
        if work in ("commit", "tagged commit"):
            git(path, "add", "notes.txt")
            git(path, "commit", "-qm", "my work")
            if work == "tagged commit":  # a tag of the learner's own, not one the kit made
                git(path, "tag", "chapter02-v4")
        elif work == "stash":
            git(path, "add", "notes.txt")
            git(path, "stash", "-q")
        else:
            (path / "notes.txt").unlink()
            assert run(["dvc", "exp", "run", "-q"], cwd=path).ok  # the skeleton's one stage
            git(path, "checkout", "-q", "--", ".")
            run(["git", "clean", "-qfd", "-e", "data", "-e", "base.h5"], cwd=path)
    assert workspace.learner_work(path)
    with pytest.raises(workspace.WorkspaceError):
        workspace.build("05", path)


def test_pristine_workspace_is_rebuilt_without_backup(started, tmp_path):
    path = copy_workspace(started, tmp_path / "ws")
    workspace.build("05", path)
    assert not list(tmp_path.glob("ws.backup-*"))


def test_draft_chapters_are_not_offered(tmp_path):
    drafts = [chapter for chapter in chapters.all_chapters() if chapter.draft]
    if not drafts:
        pytest.skip("every chapter is published")
    result = start(tmp_path / "ws")  # sanity: the published one works
    assert result.returncode == 0
    refused = subprocess.run([sys.executable, "-m", "kit", "start", drafts[0].number, "--workspace", str(tmp_path / "d")],
                             cwd=KIT_ROOT, capture_output=True, text=True)
    assert refused.returncode != 0 and "pas encore disponible" in refused.stderr


def test_a_carry_on_that_fails_can_be_tried_again(tiny, monkeypatch):
    """Camille cannot make her change: the error says why, and the chapter is not marked started."""
    chapter = chapters.Chapter(number="06", folder=tiny.path, title="t", after_start=[
        {"colleague_experiment": {"name": "x", "param": "train.epochs", "value": 40}}])

    def cannot(*args):
        raise colleague.ChangeImpossible("aucune étape de dvc.yaml n'écrit model.h5")

    monkeypatch.setattr(colleague, "publish_experiment", cannot)
    with pytest.raises(colleague.ChangeImpossible):
        workspace.carry_on(chapter, tiny.path)
    assert "chapter06" not in git(tiny.path, "tag").split()
    assert "continued" not in state.load(tiny.path, "start")

    tiny.write("notes.txt", "learner work")
    monkeypatch.setattr(chapters, "get", lambda number: chapter)
    monkeypatch.setattr(continuation.progress, "verdict", lambda *args: {"passed": True, "failures": []})
    with pytest.raises(workspace.WorkspaceError, match="Camille ne peut pas .* n'écrit model.h5"):
        continuation.start("06", tiny.path)
    assert (tiny.path / "notes.txt").read_text() == "learner work"
