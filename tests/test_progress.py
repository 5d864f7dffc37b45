"""make status and make watch-chapterNN: verdicts cached against the workspace's content."""

import shutil
import threading
import time

import pytest

from checks.result import FAILED, PASSED, ChapterResult, CheckResult
from kit import chapters, progress, state
from kit.shell import git


@pytest.fixture
def counted(tiny, tmp_path, monkeypatch):
    """The tiny project, with the checks' run replaced by a counter (the real checks are tested elsewhere)."""
    calls = []

    def fake_judge(chapter, workspace, report, show=False):
        calls.append(chapter.number)
        ChapterResult(chapter.number, [CheckResult("test_t", "t", FAILED, "k", "m")]).save(report)

    monkeypatch.setattr(progress, "judge", fake_judge)
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
    (checks / "pipeline.py").write_text("# version 1\n")
    monkeypatch.setattr(progress, "CHECKS", checks)
    progress.verdict(chapter, tiny.path)
    progress.verdict(chapter, tiny.path)
    (checks / "test_chapter05.py").write_text("# version 2\n")
    progress.verdict(chapter, tiny.path)
    assert calls == ["05", "05"]
    (checks / "pipeline.py").write_text("# version 2\n")  # shared by every chapter's checks
    progress.verdict(chapter, tiny.path)
    assert calls == ["05", "05", "05"]
    (checks / "test_chapter06.py").write_text("# another chapter's checks\n")
    progress.verdict(chapter, tiny.path)
    assert calls == ["05", "05", "05"]


def test_status_stops_at_the_first_chapter_to_finish(counted, capsys):
    tiny, calls = counted  # tagged chapter05 by the fixture: chapters 01-04 come from the kit
    assert progress.status(tiny.path) == 0  # reported: no error, whatever the progress
    out = capsys.readouterr().out
    assert calls == ["05"]
    assert "fourni par le kit" in out and "✘ à terminer (en échec : t)" in out
    assert "pas commencé (make start-chapter06)" in out
    assert "Prochaine étape : chapters/05-pipeline/README.md, puis make check-chapter05" in out


def test_status_shows_the_next_chapter_not_started(tiny, monkeypatch, capsys):
    """Chapter 05 passed, 06 not begun: 06 is "pas commencé", and next comes make start-chapter06."""
    judged = []

    def fake_judge(chapter, workspace, report, show=False):
        judged.append(chapter.number)
        status = PASSED if chapter.number == "05" else FAILED
        ChapterResult(chapter.number, [CheckResult("test_t", "t", status)]).save(report)

    monkeypatch.setattr(progress, "judge", fake_judge)
    assert progress.status(tiny.path) == 0
    out = capsys.readouterr().out
    assert judged == ["05", "06"]
    assert "05  Création d'une pipeline" in out and "✔ réussi" in out
    assert "pas commencé (make start-chapter06)" in out and "✘" not in out
    assert "Prochaine étape : make start-chapter06, puis chapters/06-experience-distante/README.md." in out


def test_status_without_a_workspace_is_an_error(tmp_path, capsys):
    assert progress.status(tmp_path / "none") == 1
    assert "make start-chapter01" in capsys.readouterr().out


def test_verdicts_are_kept_per_workspace(counted, tmp_path):
    tiny, calls = counted
    chapter = chapters.get("05")
    progress.verdict(chapter, tiny.path)
    other = tmp_path / "other"
    shutil.copytree(tiny.path, other, symlinks=True, ignore=shutil.ignore_patterns("kit-state"))
    progress.verdict(chapter, other)
    progress.verdict(chapter, tiny.path)
    assert calls == ["05", "05"]


def test_watch_reruns_on_change_and_only_then(counted):
    """A first verdict at once; the kit's own state and DVC's bookkeeping do not count; an edit does."""
    tiny, calls = counted
    chapter = chapters.get("05")
    stop = threading.Event()
    thread = threading.Thread(target=progress.watch, args=(chapter, tiny.path),
                              kwargs={"debounce_ms": 50, "runs": 2, "stop_event": stop}, daemon=True)
    thread.start()
    wait_until(lambda: len(calls) == 1)
    time.sleep(0.5)  # the watcher is set up
    (tiny.path / ".dvc" / "tmp").mkdir(exist_ok=True)
    (tiny.path / ".dvc" / "tmp" / "noise").write_text("x")
    time.sleep(1)
    assert calls == ["05"]
    tiny.write("train.py", "# edited\n")
    thread.join(timeout=10)
    stop.set()
    assert not thread.is_alive() and calls == ["05", "05"]


def wait_until(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_checker_that_cannot_run_is_said_and_not_cached(tiny, monkeypatch):
    calls = []
    monkeypatch.setattr(progress, "judge", lambda *args, **kwargs: calls.append(1))  # writes no report
    chapter = chapters.get("05")
    for _ in range(2):
        result = progress.verdict(chapter, tiny.path)
        assert not result["passed"] and "make check-chapter05" in result["failures"][0]
    assert len(calls) == 2


def test_verdicts_come_from_the_real_checker_in_its_own_process(tiny):
    """No stand-in: `make status`'s verdict is the checker's own, run as `make check-chapter05` runs it."""
    result = progress.verdict(chapters.get("05"), tiny.path)
    assert not result["passed"] and result["failures"][0].startswith("dvc.yaml existe")


def test_a_chapter_passed_before_moving_on_stays_passed(tiny, monkeypatch, capsys):
    """Chapter 05 passed, then chapter 06 begun: 05 stays passed even if its checks would now fail (a later
    chapter may change what they look at, as chapter 02's data version 2 does for chapter 01's)."""
    judged, outcome = [], {"05": PASSED, "06": FAILED}

    def fake_judge(chapter, workspace, report, show=False):
        judged.append(chapter.number)
        ChapterResult(chapter.number, [CheckResult("test_t", "t", outcome[chapter.number], "k", "m")]).save(report)

    monkeypatch.setattr(progress, "judge", fake_judge)
    state.save(tiny.path, "start", {"built": "05"})  # as make start-chapter05 records it
    progress.status(tiny.path)
    git(tiny.path, "tag", "chapter06")
    tiny.write("notes.txt", "chapter 06 work")
    outcome["05"] = FAILED
    judged.clear()
    capsys.readouterr()
    progress.status(tiny.path)
    out = capsys.readouterr().out
    assert judged == ["06"]
    assert "05  Création d'une pipeline" in out and out.count("✔ réussi") == 1 and "✘ à terminer" in out
