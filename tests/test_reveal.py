"""make solution-chapterNN: the solution once the chapter is passed (or FORCE=1 and a yes), as a diff, nothing written."""

import io
import subprocess
import sys

from kit import KIT_ROOT, chapters, reveal
from kit.shell import kit_env
from tests.variants import CORRECT


def solution(workspace, *flags, answer=""):
    return subprocess.run([sys.executable, "-m", "kit", "solution", "05", "--workspace", str(workspace), *flags],
                          cwd=KIT_ROOT, env=kit_env(), input=answer, capture_output=True, text=True, timeout=300)


def learner_files(workspace):
    """{file: content} of the learner's files (git's and DVC's bookkeeping aside: a verdict refreshes git's
    index and caches itself in .git/kit-state)."""
    return {path.relative_to(workspace).as_posix(): path.read_bytes() for path in sorted(workspace.rglob("*"))
            if path.is_file() and not path.is_symlink() and ".git" not in path.parts
            and not path.relative_to(workspace).as_posix().startswith(".dvc/tmp")}


def test_not_passed_yet_the_solution_stays_hidden(tiny):
    """The real checks judge the untouched exercise: failed, so nothing is shown."""
    before = learner_files(tiny.path)
    said = solution(tiny.path)
    assert said.returncode == 1 and "make hint-chapter05" in said.stdout and "FORCE=1" in said.stdout
    assert "+++" not in said.stdout and learner_files(tiny.path) == before


def test_force_asks_first(tiny, monkeypatch, capsys):
    monkeypatch.setattr(reveal.progress, "verdict", lambda chapter, workspace: {"passed": False})
    monkeypatch.setattr(sys, "stdin", io.StringIO("n\n"))
    assert reveal.show(chapters.get("05"), tiny.path, force=True) == 1
    said = capsys.readouterr().out
    assert "[o/N]" in said and "gardée pour plus tard" in said and "+++" not in said
    monkeypatch.setattr(sys, "stdin", io.StringIO("o\n"))
    assert reveal.show(chapters.get("05"), tiny.path, force=True) == 0
    assert "+++ solution/dvc.yaml" in capsys.readouterr().out


def test_once_passed_the_solution_is_a_diff_against_the_learners_files(tiny):
    tiny.become(CORRECT["other stage names, flow style, ./ paths, python3"])
    before = learner_files(tiny.path)
    said = solution(tiny.path)
    assert said.returncode == 0, said.stdout + said.stderr
    assert "--- votre dvc.yaml" in said.stdout and "+++ solution/dvc.yaml" in said.stdout
    assert "\n-" in said.stdout and "extract" in said.stdout  # the learner's own stage names, as removed lines
    assert "D'autres réponses sont justes : Les noms d'étapes sont libres" in said.stdout
    assert learner_files(tiny.path) == before


def test_a_chapter_solved_by_commands_shows_them(tiny, monkeypatch, capsys):
    monkeypatch.setattr(reveal.progress, "verdict", lambda chapter, workspace: {"passed": True})
    assert reveal.show(chapters.get("03"), tiny.path) == 0
    said = capsys.readouterr().out
    assert "dvc remote add -d default" in said and "dvc push" in said and "D'autres réponses sont justes" in said
    assert "+++" not in said  # no files to compare


def test_a_file_the_same_as_the_solution_says_so(tiny, monkeypatch, capsys):
    monkeypatch.setattr(reveal.progress, "verdict", lambda chapter, workspace: {"passed": True})
    (tiny.path / "dvc.yaml").write_bytes((KIT_ROOT / "solutions/05-pipeline/dvc.yaml").read_bytes())
    reveal.show(chapters.get("05"), tiny.path)
    assert "dvc.yaml : identique à la solution." in capsys.readouterr().out
