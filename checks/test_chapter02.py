"""Chapter 02, "Suivi des fichiers": data and base.h5 tracked by DVC, two versions tagged.

Judged on the sandbox and on a git clone of it that uses the sandbox's DVC
cache: checking out each tag there must bring back that version of data/.
"""

import pytest

from checks.messages import CheckFailed, phrase
from checks.pipeline import yaml_at
from kit.course import DATASETS
from kit.shell import git, run, tracked

VERSIONS = {"chapter02-v1": 2 * DATASETS["v1"], "chapter02-v2": 2 * DATASETS["v2"]}
TRACKED = ("data", "base.h5")


def tag_exists(project, tag):
    return run(["git", "rev-parse", "-q", "--verify", f"refs/tags/{tag}"], cwd=project).ok


@pytest.fixture(scope="session")
def initialised(sandbox):
    if not tracked(sandbox, ".dvc/config"):
        raise CheckFailed("dvc_not_initialised")


@pytest.fixture(scope="session")
def missing_tags(sandbox, initialised):
    """{tag: CheckFailed} for the missing tags: one error object each, so it is reported once."""
    return {tag: CheckFailed("missing_tag", tag=tag) for tag in VERSIONS if not tag_exists(sandbox, tag)}


@pytest.fixture
def tag(request, missing_tags):
    """The tag a check is about; the check is not run if the tag does not exist."""
    if request.param in missing_tags:
        raise missing_tags[request.param]
    return request.param


@pytest.fixture(scope="session")
def colleague_clone(sandbox, initialised, tmp_path_factory):
    """A git clone of the project that shares the sandbox's DVC cache."""
    clone = tmp_path_factory.mktemp("clone") / "project"
    git(sandbox.parent, "clone", "-q", str(sandbox), str(clone))
    run(["dvc", "cache", "dir", "--local", str(sandbox / ".dvc" / "cache")], cwd=clone)
    return clone


def test_dvc_initialised(initialised):
    """Judged by the `initialised` fixture, which raises the failure."""


def test_tags_exist(missing_tags):
    for error in missing_tags.values():
        raise error


@pytest.mark.parametrize("tag", list(VERSIONS), indirect=True)
def test_tracked_by_dvc_not_git(sandbox, tag):
    files = git(sandbox, "ls-tree", "-r", "--name-only", tag).splitlines()
    for path in TRACKED:
        if any(name == path or name.startswith(path + "/") for name in files):
            raise CheckFailed("data_in_git", tag=tag, path=path)
        if f"{path}.dvc" not in files:
            raise CheckFailed("not_tracked_by_dvc", tag=tag, path=path)


@pytest.mark.parametrize("tag", list(VERSIONS), indirect=True)
def test_file_count(sandbox, tag):
    from dvc.api import DVCFileSystem

    try:
        found = len(DVCFileSystem(str(sandbox), rev=tag).find("data"))
    except Exception as error:  # noqa: BLE001 - DVC raises many kinds when the cache lacks the version
        raise CheckFailed("version_not_restored", tag=tag, problem=phrase("version_not_found", error=error)[:200]) from None
    if found != VERSIONS[tag]:
        right = commit_with_count(sandbox, VERSIONS[tag])
        if right:  # the right version was committed: the tag is just in the wrong place
            raise CheckFailed("tag_on_wrong_commit", tag=tag, found=found, expected=VERSIONS[tag], commit=right[0],
                              subject=right[1])
        raise CheckFailed("wrong_file_count", tag=tag, found=found, expected=VERSIONS[tag])


def commit_with_count(project, count):
    """(short sha, subject) of the newest commit whose data.dvc records `count` files, or None."""
    log = git(project, "log", "--all", "--format=%h %s", "--", "data.dvc", check=False)
    for line in log.splitlines():
        sha, _, subject = line.partition(" ")
        dvcfile = yaml_at(project, sha, "data.dvc")
        outs = dvcfile.get("outs", []) if isinstance(dvcfile, dict) else []
        if any(isinstance(out, dict) and out.get("nfiles") == count for out in outs):
            return sha, subject
    return None


def test_ignored_by_git(sandbox, initialised):
    not_ignored = [path for path in TRACKED if not run(["git", "check-ignore", "-q", path], cwd=sandbox).ok]
    if not_ignored:
        raise CheckFailed("not_ignored", paths=", ".join(not_ignored))


@pytest.mark.parametrize("tag", list(VERSIONS), indirect=True)
def test_checkout_restores_version(colleague_clone, tag):
    git(colleague_clone, "checkout", "-q", tag)
    result = run(["dvc", "checkout", "--force", "data.dvc", "base.h5.dvc"], cwd=colleague_clone)
    data = colleague_clone / "data"
    found = len(list(data.glob("*"))) if data.is_dir() else 0
    if not result.ok or found != VERSIONS[tag]:
        problem = phrase("file_count", found=found, expected=VERSIONS[tag]) if result.ok else result.last_lines(1)
        raise CheckFailed("version_not_restored", tag=tag, problem=problem)
    if not run(["dvc", "status", "-q", "data.dvc", "base.h5.dvc"], cwd=colleague_clone).ok:
        raise CheckFailed("version_not_restored", tag=tag, problem=phrase("status_differs"))
