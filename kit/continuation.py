"""`make start-chapterNN`: the learner's own project carried on, or the kit's start.

One workspace from chapter 01 to 07: when the workspace holds the learner's
work and that work passes the previous chapter's checks, the kit adds what the
chapter needs to it (workspace.carry_on). Otherwise it builds its own start,
which never replaces learner work without FORCE=1 (then kept as a backup).
"""

from pathlib import Path

from kit import chapters, colleague, lang, progress, workspace as workspaces


def start(number, workspace, force=False):
    """Prepare chapter `number` in `workspace`; return what was done: "built", "continued" or "ready"."""
    chapter = chapters.get(number)
    workspace = Path(workspace).resolve()
    previous = chapters.before(chapter)
    if force or previous is None or not workspaces.learner_work(workspace) or not (workspace / ".git").is_dir():
        workspaces.build(chapter.number, workspace, force)  # which refuses learner work without force
        return "built"
    if max(progress.started(workspace), default="00") >= chapter.number:
        return "ready"
    print(lang.say("start", "judging", workspace=workspace, previous=previous.number, chapter=chapter.number), flush=True)
    result = progress.verdict(previous, workspace)
    if not result["passed"]:
        failure = result["failures"][0] if result["failures"] else "?"
        raise workspaces.WorkspaceError(lang.say("start", "previous_fails", 
            previous=previous.number, chapter=chapter.number, failure=failure))
    try:
        workspaces.carry_on(chapter, workspace)
    except colleague.ChangeImpossible as error:
        raise workspaces.WorkspaceError(lang.say("start", "change_impossible", reason=error, chapter=chapter.number)) from None
    return "continued"
