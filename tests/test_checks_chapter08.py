"""Chapter 08 checks: parameters declared and read, DVCLive's curves, the sweep, the best run kept and published.

The solved workspace (the kit's solution) must pass; each mistake below, made on a copy of it, fails
its own checks and no other. The chapter's text and another learner's way of doing it are in
tests/test_checks_chapter08_ways.py (on a start of their own: another worker runs them meanwhile).
"""

import pytest

from kit import chapters, workspace
from kit.shell import git
from tests import contract
from tests.conftest import copy_workspace, judge, sh, started
from tests.variants import replaced

STEPS = chapters.get("08").solution


@pytest.fixture(scope="module")
def start(tmp_path_factory):
    return started("08", tmp_path_factory.mktemp("ch08-start") / "ws")


@pytest.fixture(scope="module")
def solved(start, tmp_path_factory):
    path = copy_workspace(start, tmp_path_factory.mktemp("ch08") / "ws")
    return workspace.solve("08", path)


@pytest.fixture
def variant(solved, tmp_path):
    return copy_workspace(solved, tmp_path / "ws")


@pytest.fixture
def untouched(start):
    return start


test_solution_passes_and_untouched_exercise_fails = contract.test_solution_passes_and_untouched_exercise_fails
UNTOUCHED = {"test_params_declared": "params_missing", "test_sweep": "no_sweep"}

def test_params_read_but_not_declared_declared_but_unused_and_curves_undeclared(variant):
    """Three mistakes in one submission (one check run instead of three): each fails its own check."""
    replaced(variant, "dvc.yaml", {"      - train.units\n": "",
                                "    plots:\n      - dvclive/plots/metrics:\n          x: step\n          cache: false\n": "",
                                "    metrics:\n      - dvclive/metrics.json:\n          cache: false\n": ""})
    replaced(variant, "train.py", {'keras.layers.Dropout(params["dropout"])': "keras.layers.Dropout(0.5)"})
    verdict = judge(variant, "08")
    failed = verdict.failed()
    assert failed["test_runs_from_scratch"] == "param_undeclared"
    assert "units" in verdict.checks["test_runs_from_scratch"].message
    assert failed["test_params_used"] == "param_unused"
    assert "train.dropout" in verdict.checks["test_params_used"].message
    assert failed["test_curves_logged"] == "curves_not_declared"
    assert failed["test_curves_metrics_declared"] == "curves_metrics_not_declared"
    assert failed["test_kept_committed"] == "kept_not_committed"


def test_not_the_best_kept_and_not_pushed(variant, tmp_path):
    """Back to the sweep's best (the dropout found better forgotten), and a remote that has nothing."""
    sh(variant, "git reset -q --hard HEAD~1 && dvc checkout -q")
    sh(variant, f"dvc remote add -q --local -d empty {tmp_path / 'empty-remote'}")
    verdict = judge(variant, "08")
    assert verdict.failed() == {"test_best_kept": "not_best", "test_registered": "not_registered",
                                "test_kept_pushed": "kept_not_pushed"}, verdict.output


def test_trial_left_and_queue_not_empty(variant):
    """An experiment left on a commit before the sweep, another one queued and never run."""
    trial, sweep = git(variant, "rev-parse", "HEAD~3"), git(variant, "rev-parse", "HEAD~2")
    assert "params.yaml" in git(variant, "log", "-1", "--format=%s", trial)
    sweep_run = git(variant, "for-each-ref", "--format=%(objectname)", f"refs/exps/{sweep[:2]}/{sweep[2:]}/").split()[0]
    git(variant, "update-ref", f"refs/exps/{trial[:2]}/{trial[2:]}/essai-oublie", sweep_run)
    sh(variant, "dvc exp run -q --queue -S train.lr=0.01")
    verdict = judge(variant, "08")
    assert verdict.failed() == {"test_trials_removed": "trials_remain", "test_queue_done": "queue_not_empty"}
    assert "essai-oublie" in verdict.checks["test_trials_removed"].message


def test_gc_that_also_cleaned_the_remote(variant, tmp_path):
    """`dvc gc -w -c`: the old versions' data gone from the cache and from the remote (a copy of the
    shared one: the other tests' remote stays whole)."""
    shared = sh(variant, "dvc remote list").split()[1]
    sh(variant, f"cp -r {shared} {tmp_path / 'own-remote'} && dvc remote add -q --local -d own {tmp_path / 'own-remote'}")
    sh(variant, "dvc gc -q -w -c -f")
    verdict = judge(variant, "08")
    assert verdict.failed() == {"test_nothing_lost": "lost"}, verdict.output
