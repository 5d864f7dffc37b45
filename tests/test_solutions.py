"""End to end, with the real scripts and TensorFlow: the contract's commands."""

import shutil
import subprocess
import sys

import pytest
import yaml

from kit import KIT_ROOT, chapters, workspace
from kit.shell import run


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    path = tmp_path_factory.mktemp("solved") / "ws"
    workspace.solve("05", path)
    return path


def kit(*args):
    return subprocess.run([sys.executable, "-m", "kit", *args], cwd=KIT_ROOT, capture_output=True, text=True,
                          timeout=900)


def test_check_solutions_passes():
    """`make check-solutions` on chapter 05 (each tests/test_checks_chapterNN.py checks the others'
    solution and untouched start itself, on workspaces it reuses for its variants)."""
    result = kit("check-solutions", "05")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "tout est conforme" in result.stdout
    assert "Aucune étape de dvc.yaml ne lance data_preprocessing.py" in result.stdout  # the untouched exercise
    assert "Traceback" not in result.stdout + result.stderr


def test_accuracy_is_learnable_but_not_trivial(solved):
    accuracy = yaml.safe_load((solved / "metrics.json").read_text())["test_accuracy"]
    assert 0.75 <= accuracy <= 0.97


def test_stage_outputs_are_deterministic(solved, tmp_path):
    """Run the whole pipeline again from scratch: every output has the same hash."""
    copy = tmp_path / "again"
    shutil.copytree(solved, copy, ignore=shutil.ignore_patterns("runs"))
    result = run(["dvc", "repro", "-f", "--no-run-cache"], cwd=copy, timeout=600)
    assert result.ok, result.output
    assert (copy / "dvc.lock").read_text() == (solved / "dvc.lock").read_text()


def test_pipeline_output_is_quiet(solved, tmp_path):
    """What the learner sees: no TensorFlow log lines, no warnings."""
    copy = tmp_path / "again"
    shutil.copytree(solved, copy, ignore=shutil.ignore_patterns("runs"))
    result = run(["dvc", "exp", "run", "-f"], cwd=copy, timeout=600)
    assert result.ok, result.output
    noisy = [line for line in result.output.splitlines()
             if any(word in line for word in ("WARNING", "oneDNN", "absl", "I0000", "W0000", "Found "))]
    assert noisy == []


def test_every_published_chapter_has_make_targets():
    makefile = (KIT_ROOT / "Makefile").read_text()
    assert all(f"{target}-chapter%" in makefile for target in ("start", "check", "solve"))
    assert chapters.published()
