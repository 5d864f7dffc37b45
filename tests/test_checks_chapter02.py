"""Chapter 02 checks: data and base.h5 tracked by DVC, two versions tagged and restorable."""

import pytest

from kit import chapters, workspace
from kit.shell import git, run
from tests.conftest import judge, sh, started
from tests.contract import solved, test_solution_passes_and_untouched_exercise_fails, untouched  # noqa: F401 - run here

SOLUTION = chapters.get("02").solution


def solve_until(path, last_step):
    """Apply the solution's steps up to (excluding) the first one matching `last_step`."""
    for step in SOLUTION:
        if step == last_step:
            break
        workspace.apply_step(path, step)


@pytest.fixture
def start(tmp_path):
    return started("02", tmp_path / "ws")


UNTOUCHED = {"test_dvc_initialised": "dvc_not_initialised"}


def test_second_tag_missing(start):
    solve_until(start, {"tag": "chapter02-v2"})
    assert judge(start, "02").failed() == {"test_tags_exist": "missing_tag"}


def test_second_version_not_added(start):
    """The new data copied in, but `dvc add data` forgotten before committing and tagging."""
    solve_until(start, {"run": "dvc add -q data"})
    sh(start, "git commit -qam 'v2?' --allow-empty && git tag chapter02-v2")
    failed = judge(start, "02").failed()
    assert failed["test_file_count[chapter02-v2]"] == "wrong_file_count"


def test_data_committed_to_git(start):
    workspace.get_data(start, 1)
    sh(start, "dvc init -q && git add -A && git commit -qm all && git tag chapter02-v1")
    sh(start, "dvc add -q data base.h5 2>/dev/null || true")
    failed = judge(start, "02").failed()
    assert failed.get("test_tracked_by_dvc_not_git[chapter02-v1]") == "data_in_git"


def test_old_version_removed_from_cache(tmp_path):
    path = started("02", tmp_path / "ws", solved=True)
    sh(path, "dvc gc -q -w -f")  # keeps only the workspace's version: v1 is gone
    failed = judge(path, "02").failed()
    assert failed["test_file_count[chapter02-v1]"] == "version_not_restored"


def test_variant_separate_commits_and_extra_history(start):
    workspace.get_data(start, 1)
    sh(start, "dvc init -q && git commit -qm init")
    sh(start, "dvc add -q base.h5 && git add base.h5.dvc .gitignore && git commit -qm base")
    sh(start, "dvc add -q data && git add -A && git commit -qm data && git tag chapter02-v1")
    workspace.get_data(start, 2)
    sh(start, "dvc add -q data && git add -A && git commit -qm v2 && git tag chapter02-v2")
    sh(start, "git checkout -q chapter02-v1 && dvc checkout -q && git checkout -q main && dvc checkout -q")
    # Version 3 made on main, then undone with git revert: as right as a branch of its own.
    sh(start, "rm data/*.49[0-9].jpg && dvc add -q data && git commit -qam v3 && git tag chapter02-v3")
    sh(start, "git revert --no-edit HEAD >/dev/null && dvc checkout -q")
    verdict = judge(start, "02")
    assert verdict.failed() == {}, verdict.output
    assert run(["git", "status", "--porcelain"], cwd=start).output == ""
    assert git(start, "tag").count("chapter02") >= 3


def solve_before_version3(start):
    solve_until(start, {"run": "rm data/cat.49?.jpg data/dog.49?.jpg && dvc add -q data"})


@pytest.mark.parametrize("removed, says", [
    ("data/cat.48?.jpg data/dog.48?.jpg", "doubtful_kept"),  # the wrong ten of each
    ("data/cat.49?.jpg data/dog.49?.jpg data/cat.0.jpg", "images_missing"),
])
def test_version3_with_other_images(start, removed, says):
    solve_before_version3(start)
    sh(start, f"git checkout -q -b trial && rm {removed} && dvc add -q data && git commit -qam v3 && git tag chapter02-v3")
    sh(start, "git checkout -q main && dvc checkout -q")
    verdict = judge(start, "02")
    assert verdict.failed() == {"test_version3_files[chapter02-v3]": "version3_wrong"}, verdict.output
    words = {"doubtful_kept": "20 images douteuses encore là", "images_missing": "1 images de la version 2 manquent"}
    assert words[says] in verdict.checks["test_version3_files[chapter02-v3]"].message


def test_version3_tag_before_its_commit(start):
    """The tag put on the v2 commit, version 3 committed after it: the message names the right commit."""
    solve_before_version3(start)
    sh(start, "git tag chapter02-v3 && git checkout -q -b trial && rm data/*.49?.jpg && dvc add -q data")
    sh(start, "git commit -qam v3 && git checkout -q main && dvc checkout -q")
    right = git(start, "rev-parse", "--short", "trial")
    verdict = judge(start, "02")
    assert verdict.failed() == {"test_version3_files[chapter02-v3]": "tag_on_wrong_commit"}, verdict.output
    assert f"git tag -f chapter02-v3 {right}" in verdict.checks["test_version3_files[chapter02-v3]"].message


@pytest.mark.parametrize("ending, says", [
    ("", "not_back_on_version2"),                                              # stayed on the trial branch
    ("git checkout -q main", "data_not_checked_out"),                          # git checkout without dvc checkout
    ("git checkout -q chapter02-v2 && dvc checkout -q", "head_detached"),      # on the tag, not on a branch
    ("git checkout -q main && git checkout -q donnees-v3 -- data.dvc", "dvcfile_not_restored"),
    ("git checkout -q main && git merge -q donnees-v3", "not_back_on_version2"),  # version 3 made main's
])
def test_not_back_on_version2(start, ending, says):
    path = start
    solve_before_version3(path)
    sh(path, "git checkout -q -b donnees-v3 && rm data/*.49?.jpg && dvc add -q data && git commit -qam v3"
             " && git tag chapter02-v3")
    if ending:
        sh(path, ending)
    verdict = judge(path, "02")
    assert verdict.failed() == {"test_back_on_version2": says}, verdict.output


def test_tag_on_the_wrong_commit_says_how_to_move_it(tmp_path):
    """chapter02-v1 put on the v2 commit: the message names the right commit, and its command fixes it."""
    path = started("02", tmp_path / "ws", solved=True)
    right = git(path, "rev-parse", "--short", "chapter02-v1")
    sh(path, "git tag -f chapter02-v1 chapter02-v2")
    verdict = judge(path, "02")
    assert verdict.failed()["test_file_count[chapter02-v1]"] == "tag_on_wrong_commit"
    message = verdict.checks["test_file_count[chapter02-v1]"].message
    command = f"git tag -f chapter02-v1 {right}"
    assert command in message
    sh(path, command)
    assert judge(path, "02").failed() == {}
