"""The sandbox: a throwaway copy of the learner's workspace, where the checks run everything.

The learner's files, git refs and experiments are never touched: checks see
only this copy, with the same local DVC remotes (pinned by absolute path).
"""

import os
import shutil
import tempfile
from pathlib import Path

# Copied from the workspace but never used by a check: DVC's temporary files,
# and the run-cache, which would restore outputs instead of running stages.
NOT_COPIED = {".dvc/tmp", ".dvc/cache/runs"}


def _link_or_copy(source, target):
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def make_sandbox(workspace):
    """Copy the workspace into a new temporary folder and return the copy.

    DVC's cache objects are immutable, so they are hard-linked (cheap);
    everything else is copied, symlinks resolved.
    """
    workspace = Path(workspace).resolve()
    target = Path(tempfile.mkdtemp(prefix="dvc-check-")) / workspace.name

    def ignore(folder, names):
        rel = Path(folder).relative_to(workspace)
        return [name for name in names if (rel / name).as_posix() in NOT_COPIED]

    def copy(source, dest):
        if Path(".dvc/cache") in Path(source).relative_to(workspace).parents:
            _link_or_copy(source, dest)
        else:
            shutil.copy2(source, dest)

    shutil.copytree(workspace, target, ignore=ignore, copy_function=copy, symlinks=False,
                    ignore_dangling_symlinks=True)
    pin_local_remotes(target, workspace)
    return target


def copy_project(source, target):
    """A working copy of a project elsewhere, still using its local DVC remotes."""
    shutil.copytree(source, target, symlinks=True)
    pin_local_remotes(target, source)
    return Path(target)


def pin_local_remotes(project, workspace, level=None):
    """Make the copy `project` use the same local remotes as `workspace`.

    DVC stores a local remote given by a relative path relative to .dvc/, so
    in a copy made elsewhere it would point somewhere else; and a copy may have
    its own remotes in .dvc/config.local. The absolute paths go in the
    copy's .dvc/config.local, for the remotes defined at `level` in the copy
    (None: all levels).
    """
    from dvc.config import Config

    if not (Path(workspace) / ".dvc").is_dir() or not (Path(project) / ".dvc").is_dir():
        return
    resolved = Config(dvc_dir=str(Path(workspace) / ".dvc"), validate=False)["remote"]
    target = Config(dvc_dir=str(Path(project) / ".dvc"), validate=False)
    defined = target.read(level)["remote"] if level else target["remote"]
    with target.edit("local") as local:
        for name in defined:
            url = resolved.get(name, {}).get("url", "")
            if url and "://" not in url:
                local["remote"].setdefault(name, {})["url"] = url


def remove_sandbox(project):
    shutil.rmtree(Path(project).parent, ignore_errors=True)
