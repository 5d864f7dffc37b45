"""Build a learner's workspace at the start state of a chapter, safely.

A workspace is pristine when it holds no learner work: its files match the
last commit, every commit is an ancestor of a kit start tag (`chapterNN`),
and there are no stashes and no experiments but those the kit made while
building it or that the git remote `origin` holds. Only a pristine workspace
is ever replaced silently; anything else is refused, or with force moved
(with its `origin`) to a timestamped backup.
"""

import getpass
import os
import shutil
import time
from pathlib import Path

from kit import KIT_ROOT, KitError, chapters, colleague, lang, notebook, state
from kit.course import BACKUPS, DATASETS, NOT_IN_GIT
from kit.shell import git, run, sh

IMAGES = KIT_ROOT / "data" / "images"


def not_in_git(workspace):
    """Pathspecs that leave out the data and base model (unless git ignores them already)."""
    return [f":(exclude){name}" for name in NOT_IN_GIT
            if (Path(workspace) / name).exists() and not run(["git", "check-ignore", "-q", name], cwd=workspace).ok]


class WorkspaceError(KitError):
    """A refusal, with a French message for the learner."""


def default_remote(workspace):
    """The DVC remote: DVC_WORKSHOP_REMOTE if set, else a folder beside the workspace.

    An instructor points every learner at a real remote with that one setting,
    e.g. DVC_WORKSHOP_REMOTE=s3://atelier-dvc/{user} ({user}: the login name;
    credentials and endpoint come from the usual AWS variables or files).
    """
    configured = os.environ.get("DVC_WORKSHOP_REMOTE")
    if configured:
        return configured.format(user=getpass.getuser())
    workspace = Path(workspace).resolve()
    return str(workspace.parent / f"{workspace.name}-remote")


def learner_work(workspace):
    """Describe the learner's work in `workspace`, or return None if there is none."""
    workspace = Path(workspace)
    if not workspace.exists() or not any(workspace.iterdir()):
        return None
    if not (workspace / ".git").is_dir():
        return lang.say("workspace", "not_a_kit_repo")
    if continued := state.load(workspace, "start").get("continued"):
        return lang.say("workspace", "carried_on", chapter=continued[-1])
    status = run(["git", "status", "--porcelain", "--", ".", *not_in_git(workspace)], cwd=workspace).output
    if status.strip():
        return lang.say("workspace", "uncommitted", status=status.rstrip())
    # Only the kit's own start tags (chapterNN) mark kit history: learners tag
    # their work too (chapter02-v1...), and that is work.
    known = kit_refs(workspace) | origin_experiments(workspace)
    beyond = git(workspace, "rev-list", "--ignore-missing", "--all", "--not", "--tags=chapter[0-9][0-9]", *known,
                 check=False)
    if beyond:
        return lang.say("workspace", "beyond_start", count=len(beyond.splitlines()))
    return None


def kit_refs(workspace):
    """Commits of the experiments the kit itself made while building the start."""
    return set(state.start_experiments(workspace))


def origin_experiments(workspace):
    """Commits of the experiments that the git remote `origin` holds (safe elsewhere)."""
    listing = run(["git", "ls-remote", "origin", "refs/exps/*"], cwd=workspace, timeout=60)
    return {line.split()[0] for line in listing.output.splitlines() if line.strip()} if listing.ok else set()


def record_kit_refs(workspace):
    """Write `commit ref` for each experiment of the start (to tell them from the learner's, and restore them)."""
    refs = git(workspace, "for-each-ref", "--format=%(objectname) %(refname)", "refs/exps", check=False)
    (Path(workspace) / state.START_EXPERIMENTS).write_text(refs + "\n" if refs else "")


def prepare_target(workspace, force=False):
    """Make room for a new workspace without ever losing learner work."""
    workspace = Path(workspace)
    work = learner_work(workspace)
    if work and not force:
        raise WorkspaceError(lang.say("start", "refused", workspace=workspace, work=work))
    origin = colleague.origin_of(workspace)
    if work:
        backup = workspace.with_name(f"{workspace.name}.backup-{time.strftime('%Y%m%d-%H%M%S')}")
        workspace.rename(backup)
        if origin.exists():  # the git remote goes with it: it may hold what the learner pushed
            moved = origin.rename(origin.with_name(f"{backup.name}-origin.git"))
            run(["git", "remote", "set-url", "origin", str(moved)], cwd=backup)
        print(lang.say("workspace", "backed_up", backup=backup))
    elif workspace.exists():
        shutil.rmtree(workspace)
        shutil.rmtree(origin, ignore_errors=True)  # made by the kit for this pristine workspace


def get_data(workspace, version):
    """Deliver version 1 or 2 of the dataset (and the base model) into the workspace.

    This stands in for the original workshop's downloads: data/ is replaced
    by that version's images; base.h5 comes along with version 1, or if absent.
    """
    workspace = Path(workspace)
    if not workspace.is_dir():
        raise WorkspaceError(lang.say("workspace", "missing", workspace=workspace))
    target = workspace / "data"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    for label in ("cat", "dog"):
        for index in range(DATASETS[f"v{version}"]):
            name = f"{label}.{index}.jpg"
            shutil.copyfile(IMAGES / name, target / name)
    if str(version) == "1" or not (workspace / "base.h5").exists():
        (workspace / "base.h5").unlink(missing_ok=True)  # may be a read-only DVC copy
        shutil.copyfile(KIT_ROOT / "data" / "base.h5", workspace / "base.h5")


def _copy_files(workspace, patterns, folder, keep):
    table = lang.replacements(folder) if folder else {}
    for pattern in patterns:
        for source in sorted(KIT_ROOT.glob(pattern)):
            target = Path(workspace) / source.name
            shutil.copyfile(source, target)
            translate(target, table)


def translate(path, table):
    """A text file copied from the kit, in the kit's language: `table`'s French texts replaced (kit/lang.py)."""
    if not table:
        return
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return  # not a text file: nothing to translate
    translated = lang.replaced(text, table)
    if translated != text:
        path.write_text(translated, encoding="utf-8")


def _commit(workspace, message, folder, keep):
    git(workspace, "add", "-A", "--", ".", *not_in_git(workspace))
    git(workspace, "commit", "-q", "--allow-empty", "-m", message)


# The steps a chapter.toml can name (see kit/chapters.py), each as a function of
# (workspace, value, the chapter's folder, keep: leave the learner's existing files as they are).
STEPS = {
    "files": _copy_files,
    "get_data": lambda workspace, version, folder, keep: get_data(workspace, version),
    "notebook": lambda workspace, name, folder, keep: notebook.write(Path(workspace) / name),
    "notebook_cells": lambda workspace, _, folder, keep: notebook.write_cell_scripts(workspace, keep=keep),
    "execute_notebook": lambda workspace, name, folder, keep: notebook.execute(Path(workspace) / name),
    "colleague_experiment": lambda workspace, value, folder, keep: colleague.publish_experiment(
        workspace, value["name"], value["param"], value["value"]),
    "run": lambda workspace, command, folder, keep: sh(workspace, command.format(remote=default_remote(workspace), kit=KIT_ROOT)),
    "commit": _commit,
    "tag": lambda workspace, tag, folder, keep: git(workspace, "tag", "-f", tag),
}


def apply_step(workspace, step, folder=None, keep=False):
    """Do one step of a chapter.toml in `workspace`; `folder`: the chapter's own (its materials).

    keep: files that already exist are the learner's and stay as they are."""
    (kind, value), = ((k, v) for k, v in step.items() if k not in chapters.STEP_FLAGS)
    if kind in ("commit", "run") and folder is not None:  # commit messages and names (an experiment's) translated
        value = lang.replaced(value, lang.replacements(folder))
    STEPS[kind](workspace, value, folder, keep)


def copy_exercise(chapter, workspace, keep=False):
    """The chapter's exercise files, into the workspace (keep: never over a file that exists), their comments
    and messages in the kit's language (the chapter's [translate] table, kit/lang.py)."""
    table = lang.replacements(chapter.folder)
    for name in chapter.exercise:
        target = Path(workspace) / name
        if not (keep and target.exists()):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(chapter.folder / name, target)
            translate(target, table)


# What tools leave in the project that is nobody's work: kept out of git status and of
# experiment commits, without touching the learner's own .gitignore (.git/info/exclude).
LOCAL_EXCLUDES = (".ipynb_checkpoints/", "__pycache__/", f"{BACKUPS}/")


def exclude_locally(workspace, patterns):
    """Add `patterns` to the repository's own ignore list (.git/info/exclude), once each."""
    exclude = Path(workspace) / ".git" / "info" / "exclude"
    exclude.parent.mkdir(exist_ok=True)
    present = exclude.read_text(encoding="utf-8").splitlines() if exclude.is_file() else []
    missing = [pattern for pattern in patterns if pattern not in present]
    if missing:
        with exclude.open("a", encoding="utf-8") as handle:
            handle.write("".join(f"{pattern}\n" for pattern in missing))


def default_identity():
    """(name, email) that git signs with in a workspace when the learner has no identity of their own."""
    return lang.say("workspace", "identity_name"), lang.say("workspace", "identity_email")


def init_repo(workspace):
    workspace.mkdir(parents=True)
    git(workspace, "init", "-q", "-b", "main")
    exclude_locally(workspace, LOCAL_EXCLUDES)
    for key, value in zip(("user.name", "user.email"), default_identity()):
        if not git(workspace, "config", key, check=False):
            git(workspace, "config", key, value)


def build(number, workspace, force=False):
    """Create `workspace` at the start state of chapter `number`."""
    workspace = Path(workspace).resolve()
    prepare_target(workspace, force)
    init_repo(workspace)
    return _go_on(workspace, None, chapters.chain_until(number))


def extend(workspace, number):
    """Bring a workspace that `build` made at the start of an earlier chapter to the start of chapter `number`,
    as `build(number)` would have made it (the kit's tests build each start once, each from the one before)."""
    workspace = Path(workspace).resolve()
    built = chapters.get(state.load(workspace, "start")["built"])
    return _go_on(workspace, built, [c for c in chapters.chain_until(number) if c.number > built.number])


def _go_on(workspace, previous, chain):
    """The start states of `chain`'s chapters, one after the other, from `previous`'s start (None: an empty repo)."""
    for chapter in chain:
        # Only what a chapter leaves in git carries over: steps that merely run
        # things (solve_only) are for `solve`, not for building the next start.
        for step in (previous.solution if previous else []):
            if not step.get("solve_only"):
                apply_step(workspace, step, previous.folder)
        for step in chapter.start:
            apply_step(workspace, step, chapter.folder)
        copy_exercise(chapter, workspace)
        apply_step(workspace, {"commit": lang.say("workspace", "start_commit", chapter=chapter.number)})
        apply_step(workspace, {"tag": chapter.tag})
        for step in chapter.after_start:
            apply_step(workspace, step, chapter.folder)
        previous = chapter
    record_kit_refs(workspace)
    state.save(workspace, "start", {"built": previous.number, "lang": lang.chosen()})
    return workspace


def carry_on(chapter, workspace):
    """Bring what `chapter` needs into the learner's own project (at the end of the chapter before), losing nothing.

    The same steps as the kit's own start, on the learner's files, but for those that stand in
    for the learner's own work (stand_in): their commits, files and experiments all stay. Their
    work in progress is committed as the chapter's start, as the kit commits its own.
    """
    workspace = Path(workspace)
    for step in chapter.start:
        if not step.get("stand_in"):
            apply_step(workspace, step, chapter.folder, keep=True)
    copy_exercise(chapter, workspace, keep=True)
    apply_step(workspace, {"commit": lang.say("workspace", "carry_on_commit", chapter=chapter.number)})
    apply_step(workspace, {"tag": chapter.tag})
    try:
        for step in chapter.after_start:
            if not step.get("stand_in"):
                apply_step(workspace, step, chapter.folder)
    except BaseException:
        git(workspace, "tag", "-d", chapter.tag, check=False)  # not started after all: it can be tried again
        raise
    record_kit_refs(workspace)
    record = state.load(workspace, "start")
    state.save(workspace, "start", {**record, "continued": record.get("continued", []) + [chapter.number]})
    return workspace


def solve(number, workspace, force=False):
    """Apply chapter `number`'s solution to its start state in `workspace`.

    A workspace already at that start is solved in place; otherwise it is
    (re)built first, with the same refusal rules as `build`.
    """
    chapter = chapters.get(number)
    workspace = Path(workspace).resolve()
    at_start = (
        (workspace / ".git").is_dir()
        and not learner_work(workspace)
        and git(workspace, "rev-parse", "HEAD", check=False)
        == git(workspace, "rev-parse", f"{chapter.tag}^{{commit}}", check=False)
    )
    if not at_start:
        build(number, workspace, force)
    for step in chapter.solution:
        apply_step(workspace, step, chapter.folder)
    return workspace
