"""`make check-solutions`: each chapter's untouched exercise fails its checks, its solution passes them."""

import tempfile
from pathlib import Path

from kit import lang, progress, workspace as workspaces


def check(chapter, workspace):
    """`make check-chapterNN` on `workspace`, printed, in its own process (one pytest run each); its exit code."""
    return progress.judge(chapter, workspace, show=True)


def check_all(chapters):
    """Each chapter: the untouched exercise fails its checks, the solution passes them."""
    failures = []
    for chapter in chapters:
        with tempfile.TemporaryDirectory(prefix=f"solutions-{chapter.number}-") as tmp:
            ws = Path(tmp) / "workspace"
            workspaces.build(chapter.number, ws)
            print("\n" + lang.say("solutions", "untouched", chapter=chapter.number))
            if check(chapter, ws) == 0:
                failures.append(lang.say("solutions", "untouched_passes", chapter=chapter.number))
            workspaces.solve(chapter.number, ws)
            print("\n" + lang.say("solutions", "solved", chapter=chapter.number))
            if check(chapter, ws) != 0:
                failures.append(lang.say("solutions", "solution_fails", chapter=chapter.number))
    print()
    for failure in failures:
        print(lang.say("solutions", "failure", failure=failure))
    print(lang.say("solutions", "problems", count=len(failures)) if failures else lang.say("solutions", "all_good"))
    return 1 if failures else 0
