"""Chapter 02, "Suivi des fichiers": data and base.h5 tracked by DVC, three versions tagged.

Versions 1 and 2 are the kit's (make get-data); version 3, the learner's own
("À vous"), is version 2 without the images a colleague doubts, and the
project goes back to version 2 afterwards. Judged on the sandbox and on a git
clone of it that uses the sandbox's DVC cache: checking out each tag there
must bring back that version of data/.
"""

import hashlib
from pathlib import Path

import pytest

from checks.messages import CheckFailed, phrase
from checks.pipeline import yaml_at
from kit import KIT_ROOT
from kit.course import DATASETS
from kit.shell import git, run, tracked

DOUBTFUL = [f"{label}.{index}.jpg" for label in ("cat", "dog") for index in range(490, 500)]
VERSIONS = {"chapter02-v1": 2 * DATASETS["v1"], "chapter02-v2": 2 * DATASETS["v2"],
            "chapter02-v3": 2 * DATASETS["v2"] - len(DOUBTFUL)}
KIT_VERSIONS = ["chapter02-v1", "chapter02-v2"]  # judged by their count; version 3 by its files
TRACKED = ("data", "base.h5")


def tag_exists(project, tag):
    return run(["git", "rev-parse", "-q", "--verify", f"refs/tags/{tag}"], cwd=project).ok


@pytest.fixture(scope="session")
def initialised(sandbox):
    if not tracked(sandbox, ".dvc/config"):
        raise CheckFailed("dvc_not_initialised")


@pytest.fixture(scope="session")
def missing_tags(sandbox, initialised):
    """{tag: CheckFailed} for the missing tags, all the same error (the first one's), so it is reported once.

    The learner fixes the first missing tag, then is told of the next."""
    missing = [tag for tag in VERSIONS if not tag_exists(sandbox, tag)]
    return dict.fromkeys(missing, CheckFailed("missing_tag", tag=missing[0])) if missing else {}


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


def files_at(project, tag):
    """{image name: md5} of data/ as the tag's data.dvc describes it, read from the DVC cache."""
    from dvc.api import DVCFileSystem

    try:
        found = DVCFileSystem(str(project), rev=tag).find("data", detail=True)
    except Exception as error:  # noqa: BLE001 - DVC raises many kinds when the cache lacks the version
        raise CheckFailed("version_not_restored", tag=tag, problem=phrase("version_not_found", error=error)[:200]) from None
    return {Path(name).name: info.get("md5") for name, info in found.items()}


def wrong_place(project, tag, found):
    """The failure for a tag whose data has `found` files: on the wrong commit, or no commit has the version."""
    right = commit_with_count(project, VERSIONS[tag])
    if right:  # the right version was committed: the tag is just in the wrong place
        return CheckFailed("tag_on_wrong_commit", tag=tag, found=found, expected=VERSIONS[tag], commit=right[0],
                           subject=right[1])
    return CheckFailed("wrong_file_count", tag=tag, found=found, expected=VERSIONS[tag])


@pytest.mark.parametrize("tag", KIT_VERSIONS, indirect=True)
def test_file_count(sandbox, tag):
    found = len(files_at(sandbox, tag))
    if found != VERSIONS[tag]:
        raise wrong_place(sandbox, tag, found)


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
    expected = data_md5(colleague_clone, "HEAD")[1]  # what the tag records (whether it is right: the checks above)
    if not result.ok or found != expected:
        problem = phrase("file_count", found=found, expected=expected) if result.ok else result.last_lines(1)
        raise CheckFailed("version_not_restored", tag=tag, problem=problem)
    if not run(["dvc", "status", "-q", "data.dvc", "base.h5.dvc"], cwd=colleague_clone).ok:
        raise CheckFailed("version_not_restored", tag=tag, problem=phrase("status_differs"))


# --- Your turn: version 3 on its own, and the project back at version 2 ---

def version3():
    """{name: md5} of version 3, from the kit's images: version 2 without the doubtful ones."""
    names = [f"{label}.{index}.jpg" for label in ("cat", "dog") for index in range(DATASETS["v2"])]
    return {name: hashlib.md5((KIT_ROOT / "data" / "images" / name).read_bytes()).hexdigest()
            for name in names if name not in DOUBTFUL}


@pytest.mark.parametrize("tag", ["chapter02-v3"], indirect=True)
def test_version3_files(sandbox, tag):
    found, expected = files_at(sandbox, tag), version3()
    if len(found) != len(expected) and commit_with_count(sandbox, len(expected)):
        raise wrong_place(sandbox, tag, len(found))
    problems = [(key, names) for key, names in (
        ("doubtful_kept", [name for name in DOUBTFUL if name in found]),
        ("images_missing", [name for name in expected if name not in found]),
        ("images_foreign", [name for name in found if name not in expected and name not in DOUBTFUL]),
        ("images_changed", [name for name in expected if name in found and found[name] != expected[name]]),
    ) if names]
    if problems:
        problem = "; ".join(phrase(key, count=len(names), example=", ".join(sorted(names)[:2])) for key, names in problems)
        raise CheckFailed("version3_wrong", tag=tag, problem=problem)


def data_md5(project, rev):
    """(md5, nfiles) that data.dvc records for data/ at `rev` ("workspace": the file on disk); each None
    when not recorded."""
    dvcfile = yaml_at(project, rev, "data.dvc")
    outs = dvcfile.get("outs") if isinstance(dvcfile, dict) else None
    out = outs[0] if isinstance(outs, list) and outs and isinstance(outs[0], dict) else {}
    return out.get("md5"), out.get("nfiles")


def test_back_on_version2(sandbox, missing_tags):
    if "chapter02-v2" in missing_tags:
        raise missing_tags["chapter02-v2"]
    branch = run(["git", "symbolic-ref", "-q", "--short", "HEAD"], cwd=sandbox).output.strip()
    if not branch:
        raise CheckFailed("head_detached")
    version2, _ = data_md5(sandbox, "chapter02-v2")
    committed_md5, nfiles = data_md5(sandbox, "HEAD")
    if committed_md5 != version2:
        raise CheckFailed("not_back_on_version2", branch=branch, found=nfiles or 0)
    if data_md5(sandbox, "workspace")[0] != version2:
        raise CheckFailed("dvcfile_not_restored", branch=branch)
    if not run(["dvc", "status", "-q", "data.dvc"], cwd=sandbox).ok:
        raise CheckFailed("data_not_checked_out", branch=branch)
