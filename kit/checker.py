"""Run a chapter's checks (pytest, in checks/) against a workspace."""

import os
import sys
import tempfile
from pathlib import Path

import pytest

from kit import workspace as workspaces

PYTEST_ARGS = ["-q", "--no-header", "-p", "no:cacheprovider", "-p", "no:warnings", "--tb=no", "-o",
               "console_output_style=classic"]


def check(chapter, workspace, report=None, stream=None):
    """Judge `workspace` against `chapter`'s checks; return the exit code (0: all passed)."""
    from checks.report import ReportPlugin

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


def check_solutions(chapters):
    """Each chapter: the untouched exercise fails its checks, the solution passes them."""
    failures = []
    for chapter in chapters:
        with tempfile.TemporaryDirectory(prefix=f"solutions-{chapter.number}-") as tmp:
            ws = Path(tmp) / "workspace"
            workspaces.build(chapter.number, ws)
            print(f"\n== Chapitre {chapter.number} : l'exercice non modifié doit échouer")
            if check(chapter, ws) == 0:
                failures.append(f"{chapter.number}: the untouched exercise passes its checks")
            workspaces.solve(chapter.number, ws)
            print(f"\n== Chapitre {chapter.number} : la solution doit réussir")
            if check(chapter, ws) != 0:
                failures.append(f"{chapter.number}: the solution fails its checks")
    print()
    for failure in failures:
        print(f"ÉCHEC {failure}")
    print("check-solutions : " + ("tout est conforme." if not failures else f"{len(failures)} problème(s)."))
    return 1 if failures else 0
