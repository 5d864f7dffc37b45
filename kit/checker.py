"""Run a chapter's checks (pytest, in checks/) against a workspace."""

import os
import sys
from pathlib import Path

import pytest

from checks.report import ReportPlugin
from kit import lang

# Only the report plugin writes: pytest's own terminal lines are off.
PYTEST_ARGS = ["-p", "no:terminal", "-p", "no:cacheprovider", "-p", "no:warnings"]


def check(chapter, workspace, report=None, stream=None):
    """Judge `workspace` against `chapter`'s checks, printing each; return the ChapterResult (saved to `report`)."""
    workspace = Path(workspace).resolve()
    if stream is None:
        # Our own copy of stdout: pytest captures file descriptor 1 while checks run.
        own = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
        try:
            return check(chapter, workspace, report, own)
        finally:
            try:
                own.close()
            except BrokenPipeError:  # e.g. piped into `head`, which has stopped reading
                pass
    plugin = ReportPlugin(stream, chapter)
    plugin.write(lang.say("check", "header", chapter=chapter.number, title=chapter.title, workspace=workspace))
    # The workspace reaches the checks as options of this one pytest run (checks/conftest.py).
    code = pytest.main([str(chapter.checks_path), *PYTEST_ARGS, f"--check-workspace={workspace}",
                        f"--check-chapter={chapter.number}"], plugins=[plugin])
    if code == pytest.ExitCode.INTERRUPTED:  # Ctrl-C: the checks that ran are not a verdict
        plugin.write("\n" + lang.say("check", "interrupted", chapter=chapter.number))
        raise KeyboardInterrupt
    plugin.summary()
    if report:
        plugin.result.save(report)
    return plugin.result
