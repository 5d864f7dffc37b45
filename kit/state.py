"""What the kit remembers about one workspace: hints seen, cached verdicts, how it was started.

It lives in the workspace's own .git/kit-state/: it follows the workspace
(another workspace, another state), git never commits it, and no check reads
it, so it never changes a verdict.
"""

import json
from pathlib import Path

FOLDER = Path(".git") / "kit-state"


def load(workspace, name):
    """The saved dictionary `name` of a workspace ({} if none, or unreadable)."""
    try:
        return json.loads((Path(workspace) / FOLDER / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def save(workspace, name, data):
    """Save dictionary `name`; return False (nothing saved) when the workspace has no .git/ yet."""
    if not (Path(workspace) / ".git").is_dir():
        return False
    folder = Path(workspace) / FOLDER
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return True


# Experiments of the start state (made by the kit, or the learner's own when the kit carried on
# their project): `commit ref` lines, written by kit/workspace.py, read by chapter 06's checks.
START_EXPERIMENTS = Path(".git") / "kit-start-experiments"


def start_experiments(workspace):
    """{commit: ref} of the experiments that were there when the chapter started."""
    record = Path(workspace) / START_EXPERIMENTS
    lines = record.read_text().splitlines() if record.exists() else []
    return dict(line.split(maxsplit=1) if " " in line else (line, "") for line in lines if line.strip())
