"""Chapter 03, "Stockage distant": a default remote, pushed, that a colleague can pull from;
and ("À vous") a second remote, a backup outside the project, holding every version too."""

import os
import tempfile
from pathlib import Path

import pytest

from checks import pipeline
from checks.messages import CheckFailed, phrase
from checks.sandbox import pin_local_remotes
from kit.shell import git, run


@pytest.fixture(scope="session")
def remote(sandbox):
    """(name, url) of the default remote, as DVC resolves it."""
    from dvc.config import Config

    if not (sandbox / ".dvc").is_dir():
        raise CheckFailed("dvc_not_initialised")
    config = Config(dvc_dir=str(sandbox / ".dvc"), validate=False)
    name = config["core"].get("remote")
    url = config["remote"].get(name, {}).get("url") if name else None
    if not url:
        raise CheckFailed("no_remote")
    return name, url


def test_default_remote(remote):
    """Judged by the `remote` fixture, which raises the failure."""


@pytest.fixture(scope="session")
def committed(sandbox):
    """.dvc/config as last committed, what a colleague's clone gets: (as DVC reads it, as written).

    Later changes, such as another remote added since, do not matter here. A committed config that
    DVC cannot read shares nothing.
    """
    import configobj
    from dvc.config import Config

    shown = run(["git", "show", "HEAD:.dvc/config"], cwd=sandbox)
    text = shown.output if shown.ok else ""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "config").write_text(text, encoding="utf-8")
        try:
            return Config(dvc_dir=folder, validate=False).read("repo"), configobj.ConfigObj(text.splitlines())
        except Exception:  # noqa: BLE001
            return {"core": {}, "remote": {}}, {}


def test_remote_committed(committed, remote):
    name, _ = remote
    shared, _ = committed
    if shared["core"].get("remote") != name or name not in shared["remote"]:
        raise CheckFailed("remote_not_committed", name=name)


def test_remote_found_from_any_clone(committed, remote):
    """A local remote committed as a relative path is resolved from each clone's own place: a clone made
    elsewhere (a colleague's, or the temporary one of `dvc get` and `dvc artifacts get`) misses it."""
    name, _ = remote
    _, written = committed
    url = written.get(f'remote "{name}"', {}).get("url", "")
    if url and "://" not in url and not os.path.isabs(os.path.expanduser(url)):
        raise CheckFailed("remote_path_relative", name=name, url=url)


def inside(url, folder):
    """Whether a remote URL is a local path inside `folder` (losing the folder would lose the remote)."""
    return "://" not in url and Path(url).resolve().is_relative_to(folder.resolve())


def test_remote_outside_workspace(workspace, remote):
    _, url = remote
    if inside(url, workspace):
        raise CheckFailed("remote_inside_workspace", url=url)


def test_remote_has_everything(sandbox, remote):
    name, _ = remote
    try:
        with pipeline.opened_repo(sandbox) as repo:
            status = repo.status(cloud=True, remote=name)
    except Exception as error:  # noqa: BLE001 - network, permissions, missing folder...
        raise CheckFailed("remote_unreachable", name=name, problem=str(error)[:200]) from None
    missing = [path for path, state in status.items() if state == "new"]
    if missing:
        raise CheckFailed("remote_missing_data", count=len(missing))


def test_colleague_can_pull(workspace, sandbox, remote, tmp_path_factory):
    clone = colleague_clone(sandbox, workspace, tmp_path_factory.mktemp("colleague"))
    pulled = run(["dvc", "pull", "-q"], cwd=clone, timeout=600)
    if not pulled.ok:
        raise CheckFailed("clone_pull_failed", problem=pulled.last_lines(1) or phrase("pull_failed"))
    missing = pull_missing(clone)
    if missing:
        raise CheckFailed("clone_pull_failed", problem=phrase("missing_after_pull", missing=missing))


def test_tagged_versions_can_be_pulled(workspace, sandbox, remote, tmp_path_factory):
    name, url = remote
    if in_sync_at_every_tag(sandbox, name):
        return  # what each tag uses is on the remote: the colleague's pulls below would all succeed
    tags = git(sandbox, "tag", "--list", "chapter02-v*").split()
    clone = colleague_clone(sandbox, workspace, tmp_path_factory.mktemp("colleague-tags"))
    # The tags predate the remote's configuration: it must live in .dvc/config.local, which checkouts leave
    # alone (colleague_clone puts local remotes there; a URL remote joins them).
    if "://" in url:
        run(["dvc", "remote", "add", "--local", "--force", name, url], cwd=clone)
    for tag in tags:
        git(clone, "checkout", "-q", "--force", tag)
        pulled = run(["dvc", "pull", "-q", "--force", "--remote", name], cwd=clone, timeout=600)
        problem = (pulled.last_lines(1) or phrase("pull_failed")) if not pulled.ok else pull_missing(clone)
        if problem:
            raise CheckFailed("tag_version_not_pushed", tag=tag, problem=f"{problem}"[:200])


def in_sync_at_every_tag(sandbox, name):
    """Whether `dvc status -c -r NAME --all-tags` reports nothing: no tag uses data the remote lacks.

    Cheap (one DVC call, no clone, no download). Anything reported, on any tag, leaves the judgement to
    the colleague's clone, which names the chapter02-vN tag at fault, or passes when only other tags are."""
    try:
        with pipeline.opened_repo(sandbox) as repo:
            return not repo.status(cloud=True, remote=name, all_tags=True)
    except Exception:  # noqa: BLE001 - the colleague's clone says what is wrong
        return False


def colleague_clone(sandbox, workspace, folder):
    """A git clone of the project, as a colleague makes it, using the workspace's local remotes."""
    clone = folder / "project"
    git(sandbox.parent, "clone", "-q", str(sandbox), str(clone))
    pin_local_remotes(clone, workspace, level="repo")
    return clone


def pull_missing(clone):
    """What a `dvc pull` left missing or different in a clone ('' when everything is there)."""
    dvcfiles = [path for path in clone.glob("*.dvc") if path.is_file()]  # not the .dvc/ folder
    missing = [dvcfile.stem for dvcfile in dvcfiles if not (clone / dvcfile.stem).exists()]
    if missing or not run(["dvc", "status", "-q", *[path.name for path in dvcfiles]], cwd=clone).ok:
        return ", ".join(missing) or phrase("some_files")
    return ""


def same_place(url, other):
    """Whether two remote URLs name the same storage (local paths compared resolved)."""
    if "://" in url or "://" in other:
        return url.rstrip("/") == other.rstrip("/")
    return Path(url).resolve() == Path(other).resolve()


def test_backup_remote_has_every_version(sandbox, workspace, remote):
    """Another remote than the default, elsewhere and outside the project, where every tag's data is too."""
    from dvc.config import Config

    default, default_url = remote
    remotes = Config(dvc_dir=str(sandbox / ".dvc"), validate=False)["remote"]
    others = {name: conf.get("url", "") for name, conf in remotes.items() if name != default}
    if not others:
        raise CheckFailed("no_backup_remote", default=default)
    elsewhere = {name: url for name, url in others.items() if not same_place(url, default_url)}
    if not elsewhere:
        raise CheckFailed("backup_same_place", names=", ".join(others), default=default)
    outside = {name: url for name, url in elsewhere.items() if not inside(url, workspace)}
    if not outside:
        name, url = next(iter(elsewhere.items()))
        raise CheckFailed("backup_inside_workspace", name=name, url=url)
    missing = {}
    for name in outside:
        try:
            with pipeline.opened_repo(sandbox) as repo:
                status = repo.status(cloud=True, remote=name, all_tags=True)
        except Exception as error:  # noqa: BLE001 - network, permissions, missing folder...
            raise CheckFailed("remote_unreachable", name=name, problem=str(error)[:200]) from None
        new = [path for path, state in status.items() if state == "new"]
        if not new:
            return
        missing[name] = len(new)
    name, count = next(iter(missing.items()))
    raise CheckFailed("backup_missing_data", name=name, count=count)
