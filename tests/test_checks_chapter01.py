"""Chapter 01 checks: the notebook run, data fetched, generated files ignored."""

import re
import shutil

import nbformat
import pytest

from kit import notebook, workspace
from kit.shell import git
from tests.conftest import copy_workspace, judge, started
from tests.contract import test_solution_passes_and_untouched_exercise_fails, untouched  # noqa: F401 - run here


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    return started("01", tmp_path_factory.mktemp("ch01") / "ws", solved=True)


@pytest.fixture
def variant(solved, tmp_path):
    return copy_workspace(solved, tmp_path / "ws")


UNTOUCHED = {"test_data_and_base_model": "no_data", "test_generated_files_ignored": "not_ignored",
             "test_two_trials_committed": "no_trial_committed"}


def test_gitignore_missing(variant):
    (variant / ".gitignore").unlink()
    assert judge(variant, "01").failed() == {"test_generated_files_ignored": "not_ignored"}


def test_model_committed(variant):
    git(variant, "add", "-f", "model.h5")
    git(variant, "commit", "-qm", "oops")
    assert judge(variant, "01").failed() == {"test_generated_files_ignored": "generated_committed"}


def test_data_committed(variant):
    git(variant, "add", "data", "base.h5")
    git(variant, "commit", "-qm", "everything")
    assert judge(variant, "01").failed() == {"test_inputs_not_in_git": "input_committed"}


def test_notebook_run_before_getting_the_data(tmp_path):
    path = started("01", tmp_path / "ws")
    with pytest.raises(Exception):
        notebook.execute(path / notebook.NOTEBOOK)
    workspace.get_data(path, 1)
    verdict = judge(path, "01")
    assert verdict.failed()["test_notebook_ran"] == "notebook_error"
    assert "FileNotFoundError" in verdict.checks["test_notebook_ran"].message


def test_notebook_deleted(variant):
    (variant / notebook.NOTEBOOK).unlink()
    assert judge(variant, "01").failed()["test_notebook_ran"] == "notebook_missing"


def test_variant_outputs_cleared_and_other_gitignore_style(variant):
    """Outputs cleared before a commit: a headless run must succeed instead; .gitignore without slashes."""
    path = variant / notebook.NOTEBOOK
    book = nbformat.read(str(path), as_version=4)
    for cell in book.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(book, str(path))
    (variant / ".gitignore").write_text("subset/\npreprocessed\n*.npy\nmodel.h5\n")
    verdict = judge(variant, "01")
    assert verdict.failed() == {}, verdict.output


def test_check_leaves_notebook_untouched(variant):
    before = (variant / notebook.NOTEBOOK).read_bytes()
    shutil.rmtree(variant / "subset")
    judge(variant, "01")
    assert (variant / notebook.NOTEBOOK).read_bytes() == before
    assert not (variant / "subset").exists()


# --- "À vous": two trials committed, each with the outputs of its own run --------------------------------

def set_epochs(path, value, run_it):
    """The notebook's EPOCHS set to `value`; run (every cell, outputs saved) when `run_it`."""
    book = path / notebook.NOTEBOOK
    text = book.read_text(encoding="utf-8")
    book.write_text(re.sub(r"EPOCHS = \d+", f"EPOCHS = {value}", text), encoding="utf-8")
    if run_it:
        notebook.execute(book)


def test_trials(tmp_path):
    """From one trial to two: each mistake named, then other values and another order pass."""
    path = started("01", tmp_path / "ws", solved=True)  # the solution: trials of 20 then 40 epochs
    gitignore = (path / ".gitignore").read_text()
    git(path, "reset", "-q", "--hard", "chapter01")  # back before both trials (the ignored model stays)
    (path / ".gitignore").write_text(gitignore)
    git(path, "checkout", "-q", "chapter01", "--", notebook.NOTEBOOK)
    notebook.execute(path / notebook.NOTEBOOK)
    verdict = judge(path, "01")  # run, not committed
    assert verdict.failed() == {"test_two_trials_committed": "last_trial_not_committed"}
    assert "20 epochs" in verdict.checks["test_two_trials_committed"].message
    git(path, "add", notebook.NOTEBOOK, ".gitignore")
    git(path, "commit", "-qm", "twenty")
    verdict = judge(path, "01")
    assert verdict.failed() == {"test_two_trials_committed": "one_trial_only"}
    assert "20 epochs" in verdict.checks["test_two_trials_committed"].message
    set_epochs(path, 7, run_it=False)  # edited, not run, committed: its outputs still say 20
    git(path, "commit", "-qam", "seven, not run")
    verdict = judge(path, "01")
    assert verdict.failed() == {"test_two_trials_committed": "trial_outputs_stale"}
    assert "EPOCHS = 7" in verdict.checks["test_two_trials_committed"].message
    notebook.execute(path / notebook.NOTEBOOK)  # now run, but not committed
    verdict = judge(path, "01")
    assert verdict.failed() == {"test_two_trials_committed": "last_trial_not_committed"}
    assert "7 epochs" in verdict.checks["test_two_trials_committed"].message
    git(path, "commit", "-qam", "seven")
    assert judge(path, "01").failed() == {}


def test_no_trial_left_by_a_history_rewrite(variant):
    """Both trials squashed into one commit: one trial is left, and it is named."""
    git(variant, "reset", "-q", "--soft", "HEAD~2")
    git(variant, "commit", "-qm", "one commit")
    verdict = judge(variant, "01")
    assert verdict.failed() == {"test_two_trials_committed": "one_trial_only"}
    assert "40 epochs" in verdict.checks["test_two_trials_committed"].message
