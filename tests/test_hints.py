"""make hint-chapterNN: one hint at a time, remembered outside the workspace."""

import pytest

from kit import KIT_ROOT, chapters, hints, lint


@pytest.fixture
def chapter(tmp_path, monkeypatch):
    monkeypatch.setattr(hints, "STATE", tmp_path / "state" / "hints.json")
    return chapters.get("05")


def test_hints_progress_and_stop_at_the_last(chapter, capsys):
    shown = [hints.show(chapter) for _ in range(len(chapter.hints) + 2)]
    assert shown == list(range(1, len(chapter.hints) + 1)) + [len(chapter.hints)] * 2
    assert "dernier indice" in capsys.readouterr().out


def test_a_numbered_hint_can_be_asked_again(chapter, capsys):
    hints.show(chapter)
    hints.show(chapter)
    assert hints.show(chapter, 1) == 1
    assert hints.show(chapter) == 3  # progress is kept


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

