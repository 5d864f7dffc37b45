"""The workshop kit's own tooling: chapters, workspaces, checks."""

from pathlib import Path

KIT_ROOT = Path(__file__).resolve().parent.parent


class KitError(Exception):
    """A refusal or an error that the learner reads: a French message, printed without a traceback."""
