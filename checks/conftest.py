"""Fixtures shared by every chapter's checks.

The workspace comes from DVC_CHECK_WORKSPACE (set by `python -m kit check`).
Checks never touch it: they work on `sandbox`, a throwaway copy.
"""

import os
from pathlib import Path

import pytest

from checks import pipeline
from checks.messages import CheckFailed


@pytest.fixture(scope="session")
def workspace():
    path = Path(os.environ["DVC_CHECK_WORKSPACE"])
    if not (path / ".git").is_dir():
        raise CheckFailed("no_workspace", workspace=path, chapter=os.environ.get("DVC_CHECK_CHAPTER", "NN"))
    return path


@pytest.fixture(scope="session")
def sandbox(workspace):
    project = pipeline.make_sandbox(workspace)
    yield project
    pipeline.remove_sandbox(project)
