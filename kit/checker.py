"""Run a chapter's checks (pytest, in checks/) against a workspace."""

import os
import sys
from pathlib import Path

import pytest

from checks.report import ReportPlugin

PYTEST_ARGS = ["-q", "--no-header", "-p", "no:cacheprovider", "-p", "no:warnings", "--tb=no", "-o",
               "console_output_style=classic"]


def check(chapter, workspace, report=None, stream=None):
    """Judge `workspace` against `chapter`'s checks; return the exit code (0: all passed)."""
    workspace = Path(workspace).resolve()
    if stream is None:
        # Our own copy of stdout: pytest captures file descriptor 1 while checks run.
        with os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8") as own:
            return check(chapter, workspace, report, own)
    plugin = ReportPlugin(stream, chapter)
    plugin.write(f"Chapitre {chapter.number} : {chapter.title}  (espace de travail : {workspace})")
    os.environ["DVC_CHECK_WORKSPACE"] = str(workspace)
    os.environ["DVC_CHECK_CHAPTER"] = chapter.number
    with open(os.devnull, "w") as devnull:
        saved = sys.stdout
        sys.stdout = devnull  # pytest's own terminal lines; ours go to `stream`
        try:
            pytest.main([str(chapter.checks_path), *PYTEST_ARGS], plugins=[plugin])
        finally:
            sys.stdout = saved
    plugin.summary()
    if report:
        plugin.save(Path(report))
    return 0 if plugin.passed else 1
