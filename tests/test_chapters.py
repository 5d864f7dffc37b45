"""Every chapter manifest is complete and points at files that exist."""

import pytest

from kit import KIT_ROOT, chapters, workspace

PUBLISHED = chapters.published()


def test_chapters_are_numbered_in_order():
    numbers = [chapter.number for chapter in chapters.all_chapters()]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


@pytest.mark.parametrize("chapter", PUBLISHED, ids=lambda c: c.number)
def test_published_chapter_is_complete(chapter):
    assert (chapter.folder / "README.md").exists()
    assert chapter.checks_path.exists()
    assert len(chapter.hints) >= 3
    for name in chapter.exercise:
        assert (chapter.folder / name).exists()
    assert (KIT_ROOT / "solutions" / chapter.name).is_dir()


@pytest.mark.parametrize("chapter", chapters.all_chapters(), ids=lambda c: c.number)
def test_solution_files_exist(chapter):
    for step in chapter.solution:
        for pattern in step.get("files", []):
            assert list(KIT_ROOT.glob(pattern)), pattern


def test_chapter05_evaluate_is_chapter04s_plus_the_snippet_of_the_text():
    """The solution's evaluate.py is the learner's, plus exactly the code the chapter tells them to add."""
    import re

    text = (KIT_ROOT / "chapters" / "05-pipeline" / "README.md").read_text(encoding="utf-8")
    snippet = next(block for block in re.findall(r"```python\n(.*?)```", text, re.S) if "metrics.json" in block)
    before = (KIT_ROOT / "solutions" / "04-decoupage-du-notebook" / "evaluate.py").read_text(encoding="utf-8")
    after = (KIT_ROOT / "solutions" / "05-pipeline" / "evaluate.py").read_text(encoding="utf-8")
    assert after == before + "\n" + snippet


def test_one_vocabulary_of_steps():
    """The steps chapter.toml may name are the ones the kit can do, and the manifest's documentation shows each."""
    assert chapters.STEP_KINDS == set(workspace.STEPS)
    for kind in chapters.STEP_KINDS | chapters.STEP_FLAGS:
        assert f"\n    {kind} = " in chapters.__doc__, kind
