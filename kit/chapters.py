"""The chapter manifests: chapters/NN-name/chapter.toml, one per chapter.

A manifest says everything the tools need to know about a chapter:

    title = "..."                 # French title
    exercise = ["dvc.yaml"]       # files of the chapter folder given to the learner
    checks = "test_chapter05.py"  # pytest file in checks/ (absent: no checks yet)
    hints = ["...", "..."]        # from a nudge to nearly the answer
    draft = true                  # history only: no text or checks published yet

    [[solution]]                  # steps that solve the chapter, in order
    files = ["solutions/05-pipeline/dvc.yaml"]  # kit files copied to the workspace root
    dataset = "v1"                # put that version of the dataset in data/
    run = "dvc exp run"           # a shell command run in the workspace
    commit = "message"            # git add -A and commit
    tag = "chapter02-v1"          # tag HEAD

The start state of chapter N is the start of chapter N-1 with N-1's solution
applied, N's exercise files added, committed and tagged `chapterNN`.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from kit import KIT_ROOT

CHAPTERS_DIR = KIT_ROOT / "chapters"
STEP_KINDS = {"files", "dataset", "run", "commit", "tag"}


@dataclass
class Chapter:
    number: str
    folder: Path
    title: str
    exercise: list = field(default_factory=list)
    checks: str | None = None
    hints: list = field(default_factory=list)
    draft: bool = False
    solution: list = field(default_factory=list)

    @property
    def name(self):
        return self.folder.name

    @property
    def tag(self):
        return f"chapter{self.number}"

    @property
    def checks_path(self):
        return KIT_ROOT / "checks" / self.checks if self.checks else None


class UnknownChapter(Exception):
    pass


def _load(folder):
    data = tomllib.loads((folder / "chapter.toml").read_text(encoding="utf-8"))
    for step in data.get("solution", []):
        unknown = set(step) - STEP_KINDS
        if len(step) != 1 or unknown:
            raise ValueError(f"{folder}/chapter.toml: bad solution step {step}")
    return Chapter(number=folder.name[:2], folder=folder, **data)


def all_chapters():
    """Every chapter, in order."""
    return [_load(folder) for folder in sorted(CHAPTERS_DIR.iterdir()) if (folder / "chapter.toml").exists()]


def published():
    return [chapter for chapter in all_chapters() if not chapter.draft]


def get(number):
    number = str(number).zfill(2)
    for chapter in all_chapters():
        if chapter.number == number:
            return chapter
    raise UnknownChapter(number)


def chain_until(number):
    """The chapters whose start states lead to chapter `number`, itself last."""
    chapters = all_chapters()
    return [chapter for chapter in chapters if chapter.number <= str(number).zfill(2)]
