"""make status and make watch-chapterNN: verdicts cached against the workspace's content."""

import threading
import time

import pytest

from kit import chapters, progress
from kit.shell import git


@pytest.fixture
def counted(tiny, tmp_path, monkeypatch):
    """The tiny project, with checker.check replaced by a counter (the real checks are tested elsewhere)."""
    monkeypatch.setattr(progress, "CACHE", tmp_path / "state" / "verdicts.json")
    calls = []

    def fake_check(chapter, workspace, report=None, stream=None):
        calls.append(chapter.number)
        report.write_text('{"passed": false, "checks": [{"title": "t", "status": "failed"}]}', encoding="utf-8")
        return 1

    monkeypatch.setattr(progress.checker, "check", fake_check)
    return tiny, calls


def test_fingerprint_follows_files_commits_and_refs(tiny):
    first = progress.fingerprint(tiny.path)
    assert progress.fingerprint(tiny.path) == first
    tiny.write("notes.txt", "x")
    second = progress.fingerprint(tiny.path)
    assert second != first
    git(tiny.path, "add", "notes.txt")
    git(tiny.path, "commit", "-qm", "notes")
    third = progress.fingerprint(tiny.path)
    assert third != second
    git(tiny.path, "tag", "mine")
    assert progress.fingerprint(tiny.path) != third


def test_verdict_is_cached_until_the_workspace_changes(counted):
    tiny, calls = counted
    chapter = chapters.get("05")
    progress.verdict(chapter, tiny.path)
    progress.verdict(chapter, tiny.path)
    assert calls == ["05"]
    tiny.write("dvc.yaml", "stages: {}\n")
    progress.verdict(chapter, tiny.path)
    assert calls == ["05", "05"]


def test_verdict_is_judged_again_when_the_checks_change(counted, tmp_path, monkeypatch):
    tiny, calls = counted
    chapter = chapters.get("05")
    checks = tmp_path / "checks"
    checks.mkdir()
    (checks / "test_chapter05.py").write_text("# version 1\n")
    monkeypatch.setattr(progress, "CHECKS", checks)
    progress.verdict(chapter, tiny.path)
    progress.verdict(chapter, tiny.path)
    (checks / "test_chapter05.py").write_text("# version 2\n")
    progress.verdict(chapter, tiny.path)
    assert calls == ["05", "05"]


def test_status_stops_at_the_first_chapter_to_finish(counted, capsys):
    tiny, calls = counted  # tagged chapter05 by the fixture: chapters 01-04 come from the kit
    assert progress.status(tiny.path) == 1
    out = capsys.readouterr().out
    assert calls == ["05"]
    assert "fourni par le kit" in out and "pas commencé" in out and "make check-chapter05" in out


def test_watch_reruns_on_change(counted):
    tiny, calls = counted
    chapter = chapters.get("05")
    thread = threading.Thread(target=progress.watch, args=(chapter, tiny.path),
                              kwargs={"interval": 0.05, "quiet_period": 0.05, "runs": 2}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while len(calls) < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    tiny.write("train.py", "# edited\n")
    thread.join(timeout=10)
    assert not thread.is_alive() and calls == ["05", "05"]
