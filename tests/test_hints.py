"""make hint-chapterNN: one hint at a time, remembered outside the workspace."""

import pytest

from kit import chapters, hints


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


def test_every_message_points_at_an_existing_hint():
    from checks.messages import MESSAGES

    count = len(chapters.get("05").hints)
    assert all(message.hint is None or 1 <= message.hint <= count for message in MESSAGES.values())
