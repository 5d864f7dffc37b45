"""The contract's instructor commands, end to end.

What the solved pipeline does (its accuracy, its quiet output, the same model
from the same code and data) is stated in the chapter texts and proven by
their transcripts (tests/test_transcripts.py): chapter 05 shows the whole
output of `dvc exp run`, chapter 06 the same model.h5 hash for the colleague's
run and the learner's forced re-run.
"""

import subprocess
import sys

from kit import KIT_ROOT, chapters


def kit(*args):
    return subprocess.run([sys.executable, "-m", "kit", *args], cwd=KIT_ROOT, capture_output=True, text=True,
                          timeout=900)


def test_check_solutions_passes():
    """`make check-solutions` on chapter 02 (each tests/test_checks_chapterNN.py checks its own chapter's
    solution and untouched start, on workspaces it reuses for its variants)."""
    result = kit("check-solutions", "02")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "tout est conforme" in result.stdout
    assert "l'exercice non modifié doit échouer" in result.stdout and "✘" in result.stdout  # the untouched start
    assert "Bravo ! Les 13 vérifications du chapitre 02 sont réussies." in result.stdout  # the solution
    assert "Traceback" not in result.stdout + result.stderr


def test_every_published_chapter_has_make_targets():
    makefile = (KIT_ROOT / "Makefile").read_text()
    assert all(f"{target}-chapter%" in makefile for target in ("start", "check", "solve"))
    assert chapters.published()
