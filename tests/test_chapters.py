"""Every chapter manifest is complete and points at files that exist."""

import importlib

import pytest

from kit import KIT_ROOT, chapters, course, workspace
from tests import contract

PUBLISHED = chapters.published()


def test_chapters_are_numbered_in_order():
    numbers = [chapter.number for chapter in chapters.all_chapters()]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


@pytest.mark.parametrize("chapter", PUBLISHED, ids=lambda c: c.number)
def test_published_chapter_has_hints_from_a_nudge_to_nearly_the_answer(chapter):
    assert len(chapter.hints) >= 3  # what files and keys exist is make lint-course's (tests/test_lint.py)


def test_chapter05_evaluate_is_chapter04s_plus_the_snippet_of_the_text():
    """The solution's evaluate.py is the learner's, plus exactly what the chapter tells them to add:
    `import json` among the imports, and the snippet at the end."""
    import re

    text = (KIT_ROOT / "chapters" / "05-pipeline" / "README.md").read_text(encoding="utf-8")
    snippet = next(block for block in re.findall(r"```python\n(.*?)```", text, re.S) if "metrics.json" in block)
    assert "ajoutez\n`import json` aux imports" in text
    before = (KIT_ROOT / "solutions" / "04-decoupage-du-notebook" / "evaluate.py").read_text(encoding="utf-8")
    after = (KIT_ROOT / "solutions" / "05-pipeline" / "evaluate.py").read_text(encoding="utf-8")
    assert after.replace("import json\n", "", 1) == before + "\n" + snippet
    assert after.index("import json\n") < after.index("import os\n")


def test_one_vocabulary_of_steps():
    """The steps chapter.toml may name are the ones the kit can do, and the manifest's documentation shows each."""
    assert chapters.STEP_KINDS == set(workspace.STEPS)
    for kind in chapters.STEP_KINDS | chapters.STEP_FLAGS:
        assert f"\n    {kind} = " in chapters.__doc__, kind


def test_chapter05_folder_shows_the_whole_exercise_from_one_source():
    """chapters/05-pipeline holds what the learner works on: dvc.yaml, and chapter 04's four scripts, as links
    to their one copy (what the learner adds to evaluate.py is in the text)."""
    chapter = chapters.get("05")
    for name in course.SCRIPTS:
        assert name in chapter.exercise
        assert (chapter.folder / name).resolve() == KIT_ROOT / course.SCRIPTS_SOURCE / name


@pytest.mark.parametrize("chapter", PUBLISHED, ids=lambda c: c.number)
def test_every_chapter_runs_the_contract(chapter):
    """tests/contract.py's test, in each chapter's tests, with what the untouched exercise fails with."""
    tests = importlib.import_module(f"tests.test_checks_chapter{chapter.number}")
    assert tests.test_solution_passes_and_untouched_exercise_fails is contract.test_solution_passes_and_untouched_exercise_fails
    assert tests.UNTOUCHED
