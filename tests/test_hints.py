"""make hint-chapterNN: one hint at a time, remembered per workspace (never judged)."""

import pytest

from kit import KIT_ROOT, chapters, hints, lint, progress
from kit.shell import git


@pytest.fixture
def chapter():
    return chapters.get("05")


def test_hints_progress_and_stop_at_the_last(chapter, tiny, capsys):
    shown = [hints.show(chapter, tiny.path) for _ in range(len(chapter.hints) + 2)]
    assert shown == list(range(1, len(chapter.hints) + 1)) + [len(chapter.hints)] * 2
    assert "dernier indice" in capsys.readouterr().out


def test_a_numbered_hint_can_be_asked_again(chapter, tiny, capsys):
    hints.show(chapter, tiny.path)
    hints.show(chapter, tiny.path)
    assert hints.show(chapter, tiny.path, 1) == 1
    assert hints.show(chapter, tiny.path) == 3  # progress is kept


def test_each_workspace_has_its_own_progress(chapter, tiny, tmp_path, capsys):
    other = tmp_path / "other"
    git(tmp_path, "init", "-q", str(other))
    before = progress.fingerprint(tiny.path), git(tiny.path, "status", "--porcelain")
    assert [hints.show(chapter, tiny.path) for _ in range(2)] == [1, 2]
    assert hints.show(chapter, other) == 1
    assert hints.show(chapter, tiny.path) == 3
    # Nothing a check could see has changed: no file, no git status.
    assert (progress.fingerprint(tiny.path), git(tiny.path, "status", "--porcelain")) == before


def test_hints_without_a_workspace_are_shown_not_remembered(chapter, tmp_path, capsys):
    assert [hints.show(chapter, tmp_path / "none") for _ in range(2)] == [1, 1]
    assert not (tmp_path / "none").exists()


def test_a_failure_names_the_hint_that_helps():
    chapter = chapters.get("05")
    assert chapter.hint_for("not_invalidated") == 3
    assert chapter.hint_for("internal_error") is None


# --- Which keys a chapter's checks can raise: make lint-course (kit/lint.py) requires a
# hint for each, and a real message for each hint (tests/test_lint.py).

CHECKS = KIT_ROOT / "checks"


def chapter_keys(chapter):
    return lint.chapter_keys(chapter.checks_path, lint.shared_keys(CHECKS)) - lint.SELF_EXPLAINING


def test_key_finder_follows_the_pipeline_module():
    assert {"yaml_syntax", "stage_failed", "missing_input"} <= chapter_keys(chapters.get("05"))

