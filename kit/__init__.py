"""The workshop kit's own tooling: chapters, workspaces, checks."""

from pathlib import Path

KIT_ROOT = Path(__file__).resolve().parent.parent
