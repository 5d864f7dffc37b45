"""The chapters' starts of a test session, each built once.

Each chapter's start, and its solved state, is built once in a test session, by the first worker that
needs it, each start from a copy of the one before (kit.workspace.extend), in one folder that every
pytest-xdist worker shares (set by tests/conftest.py); a test gets its own copy, with its remotes beside
it (kit.submissions.copy_with_siblings), up to chapter 05 (LAST_COPIED). Outside pytest (FOLDER None),
`started` builds directly.
"""

import contextlib
import fcntl
import os
import shutil
from pathlib import Path

from kit import chapters, lang, workspace
from kit.submissions import copy_with_siblings

FOLDER = None
# From chapter 06 on, a start's own clones read its DVC remote from the committed .dvc/config, where the
# kit wrote it as an absolute path (the colleague's clone pushes there, `dvc artifacts get` from origin
# pulls from there): a copy's .dvc/config.local cannot move that remote without changing the project.
# Those starts are built where they are used, as the kit builds them.
LAST_COPIED = "05"


@contextlib.contextmanager
def _locked(path):
    """One worker at a time in the block (the others wait): the first builds, the next ones find it built."""
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _built(chapter, solved):
    """The session's own workspace at chapter's start (or solved), built the first time it is asked for.

    Locks are taken from the solved state down to the earlier starts, always in that order: no deadlock."""
    number = str(chapter).zfill(2)
    key = f"{number}-{'solved' if solved else 'start'}-{lang.chosen()}"
    folder, path = FOLDER / key, FOLDER / key / "ws"
    with _locked(FOLDER / f"{key}.lock"):
        if not (folder / "done").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            earlier = [c.number for c in chapters.chain_until(number) if c.number < number]
            if solved:
                workspace.solve(number, copy_with_siblings(_built(number, False), path))
            elif earlier:
                workspace.extend(copy_with_siblings(_built(earlier[-1], False), path), number)
            else:
                workspace.build(number, path)
            (folder / "done").touch()
    return path


def started(chapter, path, solved=False):
    """A workspace at the start of `chapter` (solved if asked), as the kit builds it: a copy of the session's."""
    path = Path(path)
    # Built as asked, not copied: outside pytest, over an existing folder, with another remote for the
    # class (DVC_WORKSHOP_REMOTE: kit/workspace.default_remote), which the session's starts do not use, or
    # after LAST_COPIED.
    if FOLDER is None or path.exists() or os.environ.get("DVC_WORKSHOP_REMOTE") or str(chapter) > LAST_COPIED:
        (workspace.solve if solved else workspace.build)(chapter, path)
        return path
    return copy_with_siblings(_built(chapter, solved), path)
