"""Where a learner stands: `make status` and `make watch-chapterNN`.

A chapter's verdict is cached (in the workspace's .git/kit-state/, see
kit/state.py) against a fingerprint of the workspace (git state, refs and every
file's size and modification time) and of the checks themselves (the checks/
code and the chapter's manifest). Nothing changed, nothing re-run.
"""

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import watchfiles

from checks import messages
from checks.result import ChapterResult
from kit import KIT_ROOT, chapters, lang, state
from kit.course import BACKUPS
from kit.shell import git, kit_env

CHECKS = KIT_ROOT / "checks"
SKIPPED = {".git", ".dvc/tmp", ".dvc/cache"}  # git and DVC bookkeeping, summed up by the git state below


def fingerprint(workspace):
    """A hash that changes whenever anything a check could look at changes."""
    workspace = Path(workspace)
    digest = hashlib.sha256()
    if (workspace / ".git").is_dir():
        for args in (("rev-parse", "HEAD"), ("for-each-ref",), ("status", "--porcelain"), ("stash", "list")):
            digest.update(git(workspace, *args, check=False).encode())
    digest_files(digest, workspace, skipped=SKIPPED)
    return digest.hexdigest()


def digest_files(digest, folder, prefix="", skipped=(), stat=os.stat):
    """Feed `digest` every file under `folder` (but the `skipped` folders): its path (after `prefix`), size and
    modification time. `stat=os.lstat` for files that must not be followed (a submission's links)."""
    for root, dirs, files in os.walk(folder):
        rel = Path(prefix) / Path(root).relative_to(folder)
        dirs[:] = sorted(d for d in dirs if (Path(root).relative_to(folder) / d).as_posix() not in skipped)
        for name in sorted(files):
            try:
                info = stat(Path(root) / name)
            except OSError:
                continue
            digest.update(f"{rel / name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())


def checks_version(chapter):
    """A hash of what judges the chapter: the shared modules and messages of checks/, and the chapter's own
    checks, manifest and messages (another chapter's do not count)."""
    digest = hashlib.sha256()
    shared = [path for path in sorted(CHECKS.glob("*.py")) if not path.name.startswith("test_")]
    own = [CHECKS / (chapter.checks or "-"), chapter.folder / "chapter.toml", chapter.folder / messages.CHAPTER_CATALOGUE]
    for path in shared + [KIT_ROOT / messages.SHARED] + [path for path in own if path.is_file()]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def verdict(chapter, workspace, print_checks=False):
    """{"passed": bool, "failures": [titles]} for a chapter, from the cache when nothing changed."""
    workspace = Path(workspace).resolve()
    key = chapter.number
    current = f"{fingerprint(workspace)}:{checks_version(chapter)}:{lang.chosen()}"  # failures are shown in it
    cache = state.load(workspace, "verdicts")
    if not print_checks and cache.get(key, {}).get("fingerprint") == current:
        return cache[key]
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        judge(chapter, workspace, report, show=print_checks)
        try:
            judged = ChapterResult.load(report)
        except ValueError:  # the checker itself could not run: nothing to cache
            return {"passed": False, "failures": [lang.say("status", "could_not_run", chapter=chapter.number)]}
    result = {"fingerprint": current, "passed": judged.passed, "failures": [c.title for c in judged.failures]}
    cache[key] = result
    state.save(workspace, "verdicts", cache)
    if judged.passed:  # remembered: a later chapter may change what this one's checks look at (data version 2)
        passed = state.load(workspace, "passed")
        state.save(workspace, "passed", {**passed, key: True})
    return result


def judge(chapter, workspace, report=None, show=False):
    """Run a chapter's checks in their own process, as `make check-chapterNN` does (JSON report to `report`,
    if given; printed if `show`); return its exit code."""
    sys.stdout.flush()  # what we printed comes before what the checks print
    command = [sys.executable, "-m", "kit", "check", chapter.number, "--workspace", str(workspace)]
    return subprocess.run(command + (["--report", str(report)] if report else []), cwd=KIT_ROOT, env=kit_env(),
                          check=False, stdout=None if show else subprocess.DEVNULL,
                          stderr=None if show else subprocess.DEVNULL).returncode


def started(workspace):
    """Numbers of the chapters started in this workspace (their chapterNN tags)."""
    tags = git(workspace, "tag", "--list", "chapter[0-9][0-9]", check=False).split()
    return {tag[len("chapter"):] for tag in tags}


def kit_start(workspace):
    """The chapter whose start the kit built in this workspace (the ones before it are the kit's), or None."""
    return state.load(workspace, "start").get("built") or max(started(workspace), default=None)


def status(workspace):
    """Print one line per chapter (passed, to finish, not started) and the next step.

    Return 0 once reported, whatever the progress; 1 only when there is no workspace to report on."""
    workspace = Path(workspace)
    if not (workspace / ".git").is_dir():
        print(lang.say("status", "no_workspace", workspace=workspace))
        return 1
    built, begun = kit_start(workspace) or "01", started(workspace)
    passed_before = state.load(workspace, "passed")  # chapters passed once, before the learner moved on
    latest = max(begun, default=built)
    print(lang.say("status", "header", workspace=workspace.resolve()) + "\n")
    following = None  # the first chapter not passed yet
    width = max(len(chapter.title) for chapter in chapters.published())  # the titles in one column
    for chapter in chapters.published():
        not_started = lang.say("status", "not_started", chapter=chapter.number)
        if chapter.number < built:
            line = lang.say("status", "from_kit")
        elif chapter.number < latest and passed_before.get(chapter.number) and not following:
            line = lang.say("status", "passed")
        elif following:
            line = not_started if chapter.number not in begun else lang.say("status", "to_check", chapter=chapter.number)
        else:
            result = verdict(chapter, workspace)
            if result["passed"]:
                line = lang.say("status", "passed")
            else:
                following = chapter
                failure = result["failures"][0] if result["failures"] else "?"
                line = lang.say("status", "to_finish", failure=failure) if chapter.number in begun else not_started
        print(f"  {chapter.number}  {chapter.title:<{width}} {line}")
    print()
    if not following:
        print(lang.say("status", "all_passed"))
    else:
        step = "next_check" if following.number in begun else "next_start"
        print(lang.say("status", step, folder=following.name, chapter=following.number))
    backups = [path for path in (workspace / BACKUPS).rglob("*") if path.is_file()]
    if backups:
        print(lang.say("status", "backups", count=len(backups), folder=BACKUPS))
    return 0


# What changes in a workspace without changing anything a check looks at: DVC's and git's
# bookkeeping, and the kit's own state (written by the verdicts themselves).
IGNORED = (".dvc/tmp", ".dvc/cache", ".git/objects", ".git/logs", ".git/kit-state")


def relevant(change, path):
    """watchfiles' filter: a change outside the bookkeeping above."""
    return not any(f"/{folder}/" in f"{path}/" for folder in IGNORED) and "__pycache__" not in path


def watch(chapter, workspace, debounce_ms=800, runs=None, stop_event=None):
    """Re-run the chapter's checks now, then whenever the workspace changes (watchfiles, debounced while an
    editor saves); Ctrl-C stops. `runs` and `stop_event`: for tests."""
    workspace = Path(workspace)
    seen, done = None, 0

    def judge_again():
        nonlocal seen, done
        current = fingerprint(workspace)
        if current != seen:  # events that changed nothing a check sees (a file saved as it was) run nothing
            print("\033[2J\033[H", end="")  # clear the screen
            verdict(chapter, workspace, print_checks=True)
            print("\n" + lang.say("status", "watching", workspace=workspace), flush=True)
            seen, done = current, done + 1

    judge_again()
    for _ in watchfiles.watch(workspace, watch_filter=relevant, debounce=debounce_ms, stop_event=stop_event,
                              raise_interrupt=False):
        if runs is not None and done >= runs:
            break
        judge_again()
        if runs is not None and done >= runs:
            break
    print("\n" + lang.say("status", "stopped"))
    return 0
