"""`make check-solutions`: each chapter's untouched exercise fails its checks, its solution passes them."""

import tempfile
from pathlib import Path

from kit import progress, workspace as workspaces


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
