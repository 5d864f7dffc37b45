"""`make solution-chapterNN`: the solution, shown once the chapter is passed, as a diff against the learner's files.

rustlings' most requested feature: see the reference solution once an exercise is
done. The chapter's checks must pass (the verdict of `make status`, from its cache
when nothing changed); `FORCE=1` shows it before, after a confirmation. The
solution's files (the `files` of the chapter's solution steps) are compared with
the learner's, file by file; a chapter solved by commands shows the commands (its
solution note, solutions/NN/README.md); then the chapter's note on what else a
right answer may look like (chapter.toml `alternatives`). Nothing is written in
the workspace.
"""

import difflib
import sys
from pathlib import Path

from kit import KIT_ROOT, KitError, lang, progress

YES = {"o", "oui", "y", "yes"}


def solution_files(chapter):
    """[(name in the workspace, the solution's file in the kit)] of the chapter's solution steps."""
    found = []
    for step in chapter.solution:
        for pattern in step.get("files", []):
            found += [(source.name, source) for source in sorted(KIT_ROOT.glob(pattern))]
    return found


def solution_note(chapter):
    """The commands that solve a chapter without files (its solution folder's README), in the kit's language."""
    path = lang.in_language(KIT_ROOT / "solutions" / chapter.name / "README.md")
    return path.read_text(encoding="utf-8").strip() if path.is_file() else None


def diff(chapter, name, source, workspace):
    """The learner's file against the solution's (in the kit's language), as a unified diff; "" if the same."""
    solution = lang.replaced(source.read_text(encoding="utf-8"), lang.replacements(chapter.folder))
    mine = workspace / name
    learner = mine.read_text(encoding="utf-8", errors="replace") if mine.is_file() else ""
    return "".join(difflib.unified_diff(learner.splitlines(keepends=True), solution.splitlines(keepends=True),
                                        fromfile=lang.say("solution", "yours", name=name),
                                        tofile=lang.say("solution", "theirs", name=name)))


def confirmed(chapter, answer=None):
    """FORCE=1: does the learner want the solution before passing? (asked on the terminal)."""
    if answer is None:
        print(lang.say("solution", "confirm", chapter=chapter.number), end=" ", flush=True)
        answer = sys.stdin.readline()
    return answer.strip().lower() in YES


def show(chapter, workspace, force=False):
    """Print the solution for `chapter` against `workspace`; 0 if shown, 1 if refused."""
    workspace = Path(workspace)
    if not (workspace / ".git").is_dir():
        raise KitError(lang.say("workspace", "missing", workspace=workspace))
    passed = progress.verdict(chapter, workspace)["passed"]
    if not passed and not force:
        print(lang.say("solution", "not_yet", chapter=chapter.number))
        return 1
    if not passed and not confirmed(chapter):
        print(lang.say("solution", "kept_hidden"))
        return 1
    print(lang.say("solution", "header", chapter=chapter.number, title=chapter.title) + "\n")
    for name, source in solution_files(chapter):
        shown = diff(chapter, name, source, workspace)
        print(shown if shown else lang.say("solution", "same", name=name) + "\n")
    note = solution_note(chapter)
    if note:
        print(note + "\n")
    if chapter.alternatives:
        print(lang.say("solution", "alternatives", text=chapter.alternatives))
    return 0

