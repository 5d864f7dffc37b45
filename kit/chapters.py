"""The chapter manifests: chapters/NN-name/chapter.toml, one per chapter.

A manifest says everything the tools need to know about a chapter:

    title = "..."                 # French title
    exercise = ["dvc.yaml"]       # files of the chapter folder given to the learner
    checks = "test_chapter05.py"  # pytest file in checks/ (absent: no checks yet)
    [[hints]]                     # from a nudge to nearly the answer, in order
    text = "..."
    helps = ["message_key"]       # the check messages (checks/messages.toml, messages.toml) it helps with
    draft = true                  # history only: no text or checks published yet
    metric = {file = "metrics.json", key = "test_accuracy", label = "Exactitude de votre modèle"}
                                  # the number `make grade` shows for each learner (a key of a JSON file)
    alternatives = "..."          # other right answers, shown by `make solution-chapterNN`
    pipeline = "solutions/05-pipeline/dvc.yaml"  # the expected pipeline `make dag-chapterNN` compares with
    [[quiz]]                      # `make quiz-chapterNN`'s questions, in order (see kit/quiz.py):
    edit = "train.py"             #   this file edited: what does `dvc exp run` re-run?
    data_from = "chapter02-v1"    #   the data of this tag brought back (git checkout + dvc checkout): same question
    nothing = true                #   nothing changed: same question

    [[start]]                     # steps that prepare the chapter's start (rare)
    notebook = "cats-or-dogs.ipynb"   # write the generated notebook
    notebook_cells = true         # each step's cell copied as is into its script (they do not run alone)

    [[after_start]]               # steps run once the start is committed and tagged
    run = "dvc exp run -q -n mon-essai"
    stand_in = true               # (on a start step) stands in for the learner's own work: left out
                                  # when the kit carries on the learner's own project
    colleague_experiment = {name = "my-better-exp", param = "train.epochs", value = 40}
                                  # a colleague's experiment on `origin`: the training's epochs read
                                  # from params.yaml (`param`), set to `value` (see kit/colleague.py)

    [[solution]]                  # steps that solve the chapter, in order
    files = ["solutions/05-pipeline/dvc.yaml"]  # kit files copied to the workspace root
    get_data = 1                  # deliver version 1 (or 2) of the dataset, as `make get-data`
    run = "dvc exp run"           # a shell command run in the workspace ({remote}: its DVC remote, {kit}: the kit)
    execute_notebook = "cats-or-dogs.ipynb"  # run every cell, headless
    commit = "message"            # git add -A and commit
    tag = "chapter02-v1"          # tag HEAD
    solve_only = true             # (on any step) run by `solve`, skipped when chaining

`make start-chapterNN` on a workspace holding the learner's own work that passes
chapter N-1's checks carries it on instead (workspace.carry_on): N's start steps
(stand-ins left out) and exercise files (existing ones kept) are added, committed
and tagged in the learner's project.

The start state of chapter N is the start of chapter N-1 with N-1's solution
applied (solve_only steps left out), N's start steps and exercise files
added, committed and tagged `chapterNN`.
"""

from dataclasses import dataclass, field
from pathlib import Path

from kit import KIT_ROOT, lang

CHAPTERS_DIR = KIT_ROOT / "chapters"
STEP_FLAGS = {"solve_only", "stand_in"}
STEP_KINDS = {"files", "get_data", "run", "notebook", "notebook_cells", "execute_notebook", "colleague_experiment",
              "commit", "tag"}


@dataclass
class Chapter:
    number: str
    folder: Path
    title: str
    exercise: list = field(default_factory=list)
    checks: str | None = None
    hints: list = field(default_factory=list)
    draft: bool = False
    start: list = field(default_factory=list)
    after_start: list = field(default_factory=list)
    solution: list = field(default_factory=list)
    metric: dict | None = None
    alternatives: str = ""  # what else a right answer may look like (make solution-chapterNN shows it)
    pipeline: str | None = None  # the expected dvc.yaml, that make dag-chapterNN draws the learner's beside
    quiz: list = field(default_factory=list)  # make quiz-chapterNN's questions (see kit/quiz.py)

    @property
    def name(self):
        return self.folder.name

    @property
    def tag(self):
        return f"chapter{self.number}"

    def hint_for(self, key):
        """Number (1-based) of the first hint that helps with a message key, or None."""
        for number, hint in enumerate(self.hints, 1):
            if key in hint.get("helps", []):
                return number
        return None

    @property
    def checks_path(self):
        return KIT_ROOT / "checks" / self.checks if self.checks else None


class UnknownChapter(Exception):
    pass


MANIFEST_KEYS = {"title", "exercise", "checks", "hints", "draft", "start", "after_start", "solution", "metric",
                 "alternatives", "pipeline", "quiz"}


def _load(folder):
    data = lang.localised(folder / "chapter.toml")  # with chapter.en.toml's title and hints in English
    if unknown := set(data) - MANIFEST_KEYS:
        raise ValueError(f"{folder.name}/chapter.toml : clé(s) inconnue(s) {sorted(unknown)}")
    for step in data.get("start", []) + data.get("after_start", []) + data.get("solution", []):
        kinds = set(step) - STEP_FLAGS
        if len(kinds) != 1 or not kinds <= STEP_KINDS:
            raise ValueError(f"{folder.name}/chapter.toml : étape invalide {step}")
    return Chapter(number=folder.name[:2], folder=folder, **data)


def all_chapters(folder=CHAPTERS_DIR):
    """Every chapter (of the course in `folder`), in order."""
    return [_load(path) for path in sorted(Path(folder).iterdir()) if (path / "chapter.toml").exists()]


def published():
    return [chapter for chapter in all_chapters() if not chapter.draft]


def get(number):
    number = str(number).zfill(2)
    for chapter in all_chapters():
        if chapter.number == number:
            return chapter
    raise UnknownChapter(number)


def before(chapter):
    """The published chapter just before `chapter`, or None for the first."""
    earlier = [other for other in published() if other.number < chapter.number]
    return earlier[-1] if earlier else None


def chain_until(number):
    """The chapters whose start states lead to chapter `number`, itself last."""
    chapters = all_chapters()
    return [chapter for chapter in chapters if chapter.number <= str(number).zfill(2)]
