"""`make quiz-chapterNN`: predict what DVC will re-run, then see what it really does.

DVC's most confusing point is what re-runs. Each question (chapter.toml `[[quiz]]`)
names a change and asks which of the learner's own stages `dvc exp run` would
run after it:

    nothing = true                                  # nothing changed
    edit = "train.py"                               # a file edited
    checkout = "data.dvc", tag = "chapter02-v1"     # the data of a tag brought back (git checkout + dvc checkout)

The learner answers first; then the change is made on a throwaway copy of the
project (checks/sandbox.py: the learner's files are never touched) and DVC
itself says which stages it would run (its status and graph: a changed stage
and everything downstream of it, as `dvc exp run` and `dvc repro` alike decide).
A re-run stage is taken to rewrite its outputs (the question says the edit changes
what the script produces): were they byte for byte the same, DVC would skip the
stages that read them, which only running the scripts could tell.
Every stage the learner got wrong is explained from their pipeline (which dep,
which output of which stage), and compared with the expected pipeline when
theirs lacks a link. Nothing runs the learner's code; the answers are the same
every time for the same project.
"""

import difflib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from dvc.exceptions import DvcException

from checks import pipeline
from checks.messages import CheckFailed, phrase
from checks.sandbox import make_sandbox, remove_sandbox
from kit import KitError, course, dag, lang
from kit.shell import git

NONE = {"0", "-"}  # and the words for "none" of the kit's language ([quiz] none_words)
TRIES = 3  # answers not understood before the question is skipped


@dataclass
class Question:
    text: str
    changed: str | None  # the path the change touches (None: nothing changed)
    rerun: set  # the stages DVC would run after the change (filled in by `ask`)


# --- The changes, made on the copy -------------------------------------------------

def dvc_out(project, dvcfile):
    """The path a .dvc file tracks (data.dvc: data)."""
    try:
        return yaml.safe_load((project / dvcfile).read_text(encoding="utf-8"))["outs"][0]["path"]
    except (OSError, yaml.YAMLError, KeyError, IndexError, TypeError):
        return Path(dvcfile).stem


def checkout(project, dvcfile, rev):
    """`git checkout REV -- FILE.dvc` then `dvc checkout FILE.dvc`, in the copy."""
    git(project, "checkout", rev, "--", dvcfile)
    with pipeline.opened_repo(project) as repo:
        repo.checkout(targets=[dvcfile], force=True)


def after(project, entry):
    """The stages DVC would run after the change `entry` made in `project` (undone after): (changed path, stages)."""
    if entry.get("edit"):
        path = project / entry["edit"]
        original = path.read_bytes()
        path.write_bytes(original + b"\n# quiz\n")
        try:
            return entry["edit"], pipeline.stale_stages(project)
        finally:
            path.write_bytes(original)
    if entry.get("checkout"):
        dvcfile, tag = entry["checkout"], entry["tag"]
        checkout(project, dvcfile, tag)
        try:
            return dvc_out(project, dvcfile), pipeline.stale_stages(project)
        finally:
            checkout(project, dvcfile, "HEAD")
    return None, pipeline.stale_stages(project)


def applies(project, entry):
    """Whether a question makes sense for this project (the file exists, the tag has other data)."""
    if entry.get("edit"):
        return (project / entry["edit"]).is_file()
    if entry.get("checkout"):
        then = git(project, "show", f"{entry['tag']}:{entry['checkout']}", check=False)
        now = (project / entry["checkout"]).read_text(encoding="utf-8") if (project / entry["checkout"]).is_file() else ""
        return bool(then) and then.strip() != now.strip()
    return True


def wording(entry, number):
    if entry.get("edit"):
        return lang.say("quiz", "edit", number=number, file=entry["edit"])
    if entry.get("checkout"):
        return lang.say("quiz", "checkout", number=number, file=entry["checkout"], tag=entry["tag"])
    return lang.say("quiz", "nothing", number=number)


# --- Why a stage re-runs, from a pipeline's deps and outs ----------------------------

def reasons(stages, changed, pending=()):
    """{stage name: why it re-runs} after `changed` changes: the stages that read it, then those that read what
    those rewrite, in pipeline order (`pending`: the stages already out of date)."""
    why = {name: lang.say("quiz", "because_stale", stage=name) for name in pending}
    for stage in stages:  # upstream first
        if stage.name in why:
            continue
        direct = next((dep for dep in stage.deps if changed and pipeline.overlaps(dep, changed)), None)
        if direct:
            why[stage.name] = lang.say("quiz", "because_dep", stage=stage.name, path=direct)
            continue
        for dep, producer in stage.producers.items():
            name = next((other.name for other in stages if other.addressing == producer), producer)
            if name in why:
                why[stage.name] = lang.say("quiz", "because_out", stage=stage.name, path=dep, producer=name)
                break
    return why


def expected_reruns(expected, changed):
    """The scripts whose stages the expected pipeline (its stages) re-runs after `changed` changes."""
    rerun = reasons(expected, changed)
    return {script for stage in expected if stage.name in rerun for script in stage.scripts}


# --- Asking ---------------------------------------------------------------------------

def parse(answer, names):
    """The stages an answer names (numbers, names, close misspellings; 0 or "aucune": none), or the first token
    not understood (as a str)."""
    chosen, none = set(), NONE | set(lang.say("quiz", "none_words").split())
    for token in re.split(r"[\s,;]+", answer.strip().lower()):
        if not token or token in none:
            continue
        if token.isdigit() and 1 <= int(token) <= len(names):
            chosen.add(names[int(token) - 1])
            continue
        close = difflib.get_close_matches(token, [name.lower() for name in names], n=1, cutoff=0.8)
        if not close:
            return token
        chosen.add(next(name for name in names if name.lower() == close[0]))
    return chosen


def listed(names, order):
    """Stage names, in pipeline order, as a sentence says them: « a », « b » et « c » (or "aucune étape")."""
    quoted = [phrase("quoted", name=name) for name in order if name in names]
    if len(quoted) > 1:
        return lang.say("quiz", "and", first=", ".join(quoted[:-1]), last=quoted[-1])
    return quoted[0] if quoted else lang.say("quiz", "none")


SKIPPED = "skipped"  # ask's answer when none could be read: the question is passed, not counted


def ask(names, read=sys.stdin.readline):
    """The learner's prediction (a set of stage names), SKIPPED after TRIES answers not understood (an empty
    one among them), or None at the end of input."""
    for _ in range(TRIES):
        print(lang.say("quiz", "prompt"), end=" ", flush=True)
        line = read()
        if not line:
            return None
        answer = parse(line, names) if line.strip() else ""
        if isinstance(answer, set):
            return answer
        print(lang.say("quiz", "not_understood", token=answer, count=len(names)) if answer
              else lang.say("quiz", "empty_answer"))
    print(lang.say("quiz", "skipped") + "\n")
    return SKIPPED


def explain(stages, changed, predicted, rerun, pending):
    """The learner's wrong guesses, each explained from their pipeline."""
    order = [stage.name for stage in stages]
    why = reasons(stages, changed, pending)
    lines = [why.get(name) or lang.say("quiz", "because_dvc", stage=name)
             for name in order if name in rerun - predicted]
    for name in [name for name in order if name in predicted - rerun]:
        lines.append(lang.say("quiz", "not_rerun", stage=name, changed=changed) if changed
                     else lang.say("quiz", "not_rerun_nothing", stage=name))
    return lines


def unlike_expected(chapter, stages, expected, changed, rerun):
    """The learner's stages that DVC leaves alone but the expected pipeline (its stages, or None) would re-run:
    a missing link."""
    if not changed or not expected:
        return []
    scripts = expected_reruns(expected, changed)
    return [lang.say("quiz", "expected_differs", stage=stage.name, chapter=chapter.number)
            for stage in stages if stage.name not in rerun and stage.scripts & scripts]


def run(chapter, workspace, read=sys.stdin.readline):
    """The quiz on `workspace`; 0 once done or stopped (the end of input), KitError when it cannot be asked."""
    workspace = Path(workspace).resolve()
    if not chapter.quiz:
        raise KitError(lang.say("quiz", "no_quiz", chapter=chapter.number))
    if not (workspace / ".git").is_dir():
        raise KitError(lang.say("workspace", "missing", workspace=workspace))
    if not (workspace / "dvc.lock").is_file():
        raise KitError(lang.say("quiz", "not_run", chapter=chapter.number))
    print(lang.say("quiz", "intro", chapter=chapter.number) + "\n", flush=True)
    copy = make_sandbox(workspace)
    try:
        try:
            stages = pipeline.load_pipeline(copy, course.SCRIPTS)
        except CheckFailed as failure:
            raise KitError(lang.say("dag", "unreadable", problem=failure.text)) from None
        names = [stage.name for stage in stages]
        pending, stale = (found & set(names) for found in pipeline.changed_and_stale(copy))  # dvc status's own
        if stale:
            print(lang.say("quiz", "stale", stages=listed(stale, names)) + "\n")
        print(lang.say("quiz", "stages", stages="  ".join(f"{n}) {name}" for n, name in enumerate(names, 1))) + "\n")
        entries = [entry for entry in chapter.quiz if applies(copy, entry)]
        expected = dag.expected_drawing(chapter).stages if chapter.pipeline else None  # read once, for every question
        right = asked = 0
        for number, entry in enumerate(entries, 1):
            print(wording(entry, number))
            predicted = ask(names, read)
            if predicted is None:
                print("\n" + lang.say("quiz", "interrupted"))
                return 0
            if predicted == SKIPPED:
                continue
            try:
                changed, rerun = after(copy, entry)
            except (DvcException, RuntimeError) as error:  # the tag's data gone from the cache (dvc gc)...
                print(lang.say("quiz", "cannot_answer", problem=str(error).strip().splitlines()[0][:300]) + "\n")
                continue
            asked += 1
            rerun &= set(names)
            outcome = lang.say("quiz", "reruns", stages=listed(rerun, names)) if rerun else lang.say("quiz", "reruns_none")
            if predicted == rerun:
                right += 1
                print(lang.say("quiz", "right", outcome=outcome))
            else:
                print(lang.say("quiz", "wrong", outcome=outcome, predicted=listed(predicted, names)))
            for line in explain(stages, changed, predicted, rerun, pending) + unlike_expected(chapter, stages, expected,
                                                                                              changed, rerun):
                print(f"  - {line}")
            if not rerun:
                print("  " + lang.say("quiz", "skipping"))
            print()
        print(lang.say("quiz", "score", score=right, total=asked))
        print(lang.say("quiz", "exp_run_vs_repro"))
        return 0
    finally:
        remove_sandbox(copy)

