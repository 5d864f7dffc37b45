"""A class's submissions, as an instructor collects them, and each one's throwaway copy for grading.

A submission is a workspace folder, a bare git repository (NAME.git) or a git
bundle (NAME.bundle). A workspace made by `make start-chapterNN
WORKSPACE=subs/NAME` has sibling folders: its DVC remote NAME-remote and, from
chapter 06, its git remote NAME-origin.git; and any folder beside it that the
workspace names as a DVC or git remote (chapter 03's backup remote, whatever the
learner called it). They belong to NAME's submission: they are copied with it,
and are not learners themselves.
"""

import os
import shutil
import stat
import subprocess
from pathlib import Path

from kit import jail, lang
from kit.shell import kit_env, run

SIBLINGS = ("-remote", "-origin.git")  # what `make start` puts beside a workspace NAME


def collect(folder):
    """[(learner name, path)] of the submissions in `folder`, sorted by name; siblings are not learners."""
    entries = {entry.name: entry for entry in Path(folder).iterdir() if not entry.name.startswith(".")}
    taken = {sibling.name for entry in entries.values() for sibling in siblings(entry)}
    return [(name.removesuffix(".bundle").removesuffix(".git"), entry)
            for name, entry in sorted(entries.items()) if name not in taken]


def siblings(entry):
    """The folders beside a workspace submission that are its own: NAME-remote and NAME-origin.git when they
    exist, then any other folder beside it that its DVC configuration or git names as a remote."""
    if not (entry.is_dir() and (entry / ".git").exists()):
        return []
    found = [entry.with_name(entry.name + suffix) for suffix in SIBLINGS if entry.with_name(entry.name + suffix).is_dir()]
    beside = entry.parent.resolve()
    for where in _remote_places(entry):
        if (where.parent == beside and where.is_dir() and not (where / ".git").exists()  # not another learner
                and where.name not in {path.name for path in found}):
            found.append(entry.with_name(where.name))
    return found


def _remote_places(workspace):
    """The local places (resolved paths) that the workspace names as its DVC remotes or git remotes."""
    from dvc.config import Config, ConfigError

    places = []
    listed = subprocess.run(["git", "config", "-z", "--get-regexp", r"^remote\..*\.url$"], cwd=workspace,
                            capture_output=True, text=True, errors="replace", timeout=30).stdout
    urls = [entry.partition("\n")[2] for entry in listed.split("\0") if entry]
    places += [(workspace / url).resolve() for url in urls if "://" not in url]
    for name in ("config", "config.local"):  # each file alone: a broken one must not hide the other
        try:
            remotes = Config.load_file(str(workspace / ".dvc" / name)).get("remote", {})
        except (ConfigError, OSError):  # missing or broken: it names no remote (the checks will say so)
            continue
        places += [(workspace / ".dvc" / str(remote["url"])).resolve() for remote in remotes.values()
                   if isinstance(remote, dict) and remote.get("url") and "://" not in str(remote["url"])]
    return places


def materialise(entry, folder, sandbox=None):
    """A throwaway working copy of the submission `entry` in `folder` (with its siblings beside it, and
    the copy's remotes pointing at their copies); its path. Raises ValueError with the reason it cannot be.

    `sandbox`: the grading sandbox (kit/jail.py) in which `dvc pull` runs for a repository or a bundle
    (its DVC configuration is the learner's: it could name any place)."""
    folder = Path(folder)
    target = folder / entry.name.removesuffix(".bundle").removesuffix(".git")
    if entry.is_dir() and (entry / ".git").exists():
        copy_with_siblings(entry, target)
    elif entry.suffix in (".bundle", ".git"):
        cloned = run(["git", "clone", "-q", str(entry), str(target)], cwd=folder, timeout=300)
        if not cloned.ok:
            raise ValueError(lang.say("grade", "cannot_clone", name=entry.name, detail=cloned.last_lines(1)))
        if (target / ".dvc").is_dir():  # data and outputs come from the project's DVC remote
            env = kit_env({jail.VARIABLE: sandbox.to_env()} if sandbox else None)
            run(["dvc", "pull", "-q"], cwd=target, timeout=600, env=env)
    else:
        raise ValueError(lang.say("grade", "not_a_submission", name=entry.name))
    return target


def copy_with_siblings(workspace, target):
    """A copy of `workspace` at `target`, its siblings (its remotes beside it) copied beside the copy under the
    copy's name, and the copy's remotes pointing at them; `target`."""
    target = Path(target)
    shutil.copytree(workspace, target, symlinks=True, copy_function=_copy_file)
    found = siblings(workspace)
    for sibling in found:
        copy = target.with_name(target.name + sibling.name.removeprefix(workspace.name))
        shutil.copytree(sibling, copy, symlinks=True, copy_function=_copy_file)
    _point_at_copies(target, workspace, found)
    return target


def _copy_file(source, target):
    """Copy a regular file; skip anything else (a named pipe would block the copy, a device never ends)."""
    if stat.S_ISREG(os.lstat(source).st_mode):
        shutil.copy2(source, target)


def _point_at_copies(copy, original, found):
    """In `copy`, the git remote origin and the DVC remotes that named `original`'s siblings (`found`) now name their
    copies (DVC keeps a local remote relative to .dvc/, which the copy's layout keeps right; an absolute one,
    or git's origin, would still name the originals)."""
    from dvc.config import Config

    moved = {str(sibling.resolve()): str(copy.with_name(copy.name + sibling.name.removeprefix(original.name)))
             for sibling in found}
    url = run(["git", "config", "--get", "remote.origin.url"], cwd=copy).output.strip()
    if url:
        resolved = str((original / url).resolve()) if "://" not in url else url
        if resolved in moved:
            run(["git", "remote", "set-url", "origin", moved[resolved]], cwd=copy)
    if not (copy / ".dvc").is_dir():
        return
    remotes = Config(dvc_dir=str(original / ".dvc"), validate=False)["remote"]
    with Config(dvc_dir=str(copy / ".dvc"), validate=False).edit("local") as local:
        for name, remote in remotes.items():
            where = remote.get("url", "")
            if where and "://" not in where and str(Path(where).resolve()) in moved:
                local["remote"].setdefault(name, {})["url"] = moved[str(Path(where).resolve())]
