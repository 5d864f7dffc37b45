"""Fixtures shared by every chapter's checks.

The workspace comes from the --check-workspace option that `python -m kit check`
gives this pytest run. Checks never touch it: they work on `sandbox`, a throwaway copy.
"""

from pathlib import Path

import pytest

from checks import sandbox as sandboxes
from checks.messages import CheckFailed


def pytest_addoption(parser):
    parser.addoption("--check-workspace", default="workspace", help="the learner's workspace to judge")
    parser.addoption("--check-chapter", default="NN", help="the chapter judged (for messages)")


@pytest.fixture(scope="session")
def workspace(pytestconfig):
    path = Path(pytestconfig.getoption("check_workspace"))
    if not (path / ".git").is_dir():
        raise CheckFailed("no_workspace", workspace=path, chapter=pytestconfig.getoption("check_chapter"))
    return path


@pytest.fixture(scope="session")
def sandbox(workspace):
    project = sandboxes.make_sandbox(workspace)
    yield project
    sandboxes.remove_sandbox(project)
