"""`make reset-chapterNN FILE=path`: one file back to its version at the chapter's start, nothing else touched.

The start of chapter NN is the commit the kit tagged `chapterNN` when it built
(or carried on) the workspace: the exercise files as the kit gave them, the
scripts chapter 04 made from the notebook, or, for a learner who carried on
their own project, their work as it was when they started the chapter. The
learner's current version is kept in the workspace's `.kit-backups/DATE/`
folder, which git ignores (so the kit never takes it for the learner's work,
and it is never committed): nothing is lost. A file that was not in the start
is refused, with the list of those that were.
"""

import subprocess
import time
from pathlib import Path

from kit import KitError, lang
from kit.course import BACKUPS
from kit.shell import git
from kit.workspace import exclude_locally

NOT_RESETTABLE = (".dvc/", ".dvcignore")  # DVC's own files: not the learner's exercise


def resettable(chapter, workspace):
    """The files git holds at the chapter's start tag, that a learner may want back."""
    listed = git(workspace, "ls-tree", "-r", "--name-only", chapter.tag, check=False).splitlines()
    return [name for name in listed if name and not name.startswith(NOT_RESETTABLE)]


def reset(chapter, workspace, name):
    """Put `name` back as it was at the chapter's start; (the file, its backup or None). KitError if it cannot."""
    workspace = Path(workspace).resolve()
    if not (workspace / ".git").is_dir():
        raise KitError(lang.say("workspace", "missing", workspace=workspace))
    if not git(workspace, "tag", "--list", chapter.tag, check=False):
        raise KitError(lang.say("reset", "not_started", chapter=chapter.number, tag=chapter.tag))
    path = Path(name)
    relative = (path.resolve() if path.is_absolute() else (workspace / path).resolve())
    if not relative.is_relative_to(workspace):
        relative = None
    wanted = relative.relative_to(workspace).as_posix() if relative else name
    files = resettable(chapter, workspace)
    if wanted not in files:
        raise KitError(lang.say("reset", "unknown", name=name, chapter=chapter.number, files=", ".join(files)))
    content = subprocess.run(["git", "show", f"{chapter.tag}:{wanted}"], cwd=workspace, capture_output=True,
                             check=True).stdout
    target = workspace / wanted
    backup = None
    if target.exists() or target.is_symlink():
        exclude_locally(workspace, [f"{BACKUPS}/"])  # workspaces made before the kit excluded it
        backup = workspace / BACKUPS / time.strftime("%Y%m%d-%H%M%S") / wanted
        backup.parent.mkdir(parents=True, exist_ok=True)
        if backup.exists():  # twice in the same second
            backup = backup.with_name(f"{backup.name}.{time.time_ns()}")
        target.rename(backup)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    return target, backup
