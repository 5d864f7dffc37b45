"""A colleague's experiment, really run and pushed, for chapter 06.

The original workshop had an organiser push an experiment into each
learner's cloud bucket and hosted repository. Here the kit plays the
colleague with real git and DVC mechanics, on disk:

- a bare repository beside the workspace becomes its git remote `origin`;
- the colleague clones it, pulls the data from the DVC remote, applies
  their change (the files of a folder that chapter.toml names), runs
  `dvc exp run -n NAME`, then `dvc exp push origin NAME` and `dvc push`.
"""

import shutil
import tempfile
import time
from pathlib import Path

from kit.shell import git, run, sh

IDENTITY = ("Camille (collègue)", "camille@atelier-dvc.local")


def origin_of(workspace):
    workspace = Path(workspace).resolve()
    return workspace.parent / f"{workspace.name}-origin.git"


def publish_experiment(workspace, name, changes):
    """Give `workspace` an `origin` holding the colleague's experiment `name`: the files of `changes`, run."""
    workspace = Path(workspace).resolve()
    origin = origin_of(workspace)
    if origin.exists():  # it may hold what a learner pushed: set it aside, never delete it
        origin.rename(origin.with_name(f"{origin.name}.backup-{time.strftime('%Y%m%d-%H%M%S')}"))
    git(workspace.parent, "init", "-q", "--bare", "-b", "main", str(origin))
    run(["git", "remote", "remove", "origin"], cwd=workspace)
    git(workspace, "remote", "add", "origin", str(origin))
    git(workspace, "push", "-q", "-u", "origin", "main", "--tags")
    with tempfile.TemporaryDirectory(prefix="colleague-") as tmp:
        clone = Path(tmp) / "project"
        git(tmp, "clone", "-q", str(origin), str(clone))
        git(clone, "config", "user.name", IDENTITY[0])
        git(clone, "config", "user.email", IDENTITY[1])
        sh(clone, "dvc pull -q")
        for change in Path(changes).iterdir():
            shutil.copyfile(change, clone / change.name)
        sh(clone, f"dvc exp run -q -n {name} && dvc exp push -q origin {name} && dvc push -q")
