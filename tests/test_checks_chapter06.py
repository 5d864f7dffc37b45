"""Chapter 06 checks: the colleague's experiment pulled, applied, reproduced; own experiments kept."""

import pytest

from kit import chapters, workspace
from tests.conftest import copy_workspace, judge, sh, started
from tests.contract import test_solution_passes_and_untouched_exercise_fails  # noqa: F401 - run here
from tests.test_transcripts import assert_text_is_what_really_happens


@pytest.fixture(scope="module")
def start(tmp_path_factory):
    return started("06", tmp_path_factory.mktemp("ch06") / "ws")


@pytest.fixture(scope="module")
def solved(start, tmp_path_factory):
    """A copy of the start with the chapter's solution steps: Camille's experiment pulled, applied and run."""
    path = copy_workspace(start, tmp_path_factory.mktemp("ch06-solved") / "ws")
    for step in chapters.get("06").solution:
        workspace.apply_step(path, step)
    return path


@pytest.fixture
def variant(start, tmp_path):
    return copy_workspace(start, tmp_path / "ws")


@pytest.fixture
def untouched(start):
    return start


UNTOUCHED = {"test_experiment_pulled": "experiment_not_pulled"}


def test_pulled_not_applied(variant):
    sh(variant, "dvc exp pull -q origin my-better-exp")
    assert judge(variant, "06").failed() == {"test_experiment_applied": "experiment_not_applied",
                                             "test_experiment_reproduced": "experiment_not_reproduced",
                                             "test_experiment_recomputed": "experiment_not_recomputed",
                                             "test_own_experiment_shared": "own_experiment_not_shared"}


def test_applied_not_run(variant):
    sh(variant, "dvc exp pull -q origin my-better-exp && dvc exp apply -q my-better-exp")
    assert judge(variant, "06").failed() == {"test_experiment_reproduced": "experiment_not_reproduced",
                                             "test_experiment_recomputed": "experiment_not_recomputed",
                                             "test_own_experiment_shared": "own_experiment_not_shared"}


def test_a_rerun_that_computes_nothing_is_told_from_a_real_one(variant):
    """`dvc exp run` right after apply skips every stage: same accuracy, nothing reproduced; --force recomputes."""
    sh(variant, "dvc exp pull -q origin my-better-exp && dvc exp apply -q my-better-exp && dvc exp run -q")
    verdict = judge(variant, "06")
    assert verdict.failed() == {"test_experiment_recomputed": "experiment_not_recomputed",
                                "test_own_experiment_shared": "own_experiment_not_shared"}, verdict.output
    message = verdict.checks["test_experiment_recomputed"].message
    assert "train" in message and "--force" in message
    sh(variant, "dvc exp run -q --force")
    assert judge(variant, "06").failed() == {"test_own_experiment_shared": "own_experiment_not_shared"}
    # Pushing the reproduction is sharing Camille's files again; an experiment of one's own, with
    # --no-cache, leaves its outputs behind; pushed again without it, everything is there.
    sh(variant, "dvc exp push -q origin $(dvc exp show --json | python -c \"import json,sys; "
                "print([e['name'] for r in json.load(sys.stdin) for e in r.get('experiments') or [] "
                "if e.get('name') not in ('my-better-exp', 'mon-essai')][0])\")")
    assert judge(variant, "06").failed() == {"test_own_experiment_shared": "shared_experiment_is_camilles"}
    sh(variant, "dvc exp run -q -S train.epochs=7 -n sept && dvc exp push -q --no-cache origin sept"
                " && dvc exp apply -q my-better-exp")
    verdict = judge(variant, "06")
    assert verdict.failed() == {"test_own_experiment_shared": "shared_outputs_missing"}, verdict.output
    assert "model.h5" in verdict.checks["test_own_experiment_shared"].message
    sh(variant, "dvc exp push -q origin sept")
    assert judge(variant, "06").failed() == {}


def test_own_experiment_removed(solved, tmp_path):
    """Named as the learner knows it, with a way back that works."""
    variant = copy_workspace(solved, tmp_path / "ws")
    sh(variant, "dvc exp remove -q mon-essai")
    verdict = judge(variant, "06")
    assert verdict.failed() == {"test_own_experiments_kept": "own_experiment_lost"}
    message = verdict.checks["test_own_experiments_kept"].message
    assert "(mon-essai)" in message and "dvc exp gc" not in message
    sh(variant, message.split("avec : ", 1)[1].split("\n")[0].strip())
    assert judge(variant, "06").failed() == {}


def test_commit_after_running_counts(solved, tmp_path):
    """The good practice: apply, run, then commit the results (HEAD moves past the experiments)."""
    variant = copy_workspace(solved, tmp_path / "ws")
    sh(variant, "git add -A && git commit -qm 'Expérience de Camille reproduite'")
    verdict = judge(variant, "06")
    assert verdict.returncode == 0 and verdict.failed() == {}, verdict.output


def test_variant_pull_all_commit_then_run(variant):
    """Another correct path: pull every experiment, apply, commit, then recompute on the new commit."""
    sh(variant, "dvc exp pull -q origin && dvc exp apply -q my-better-exp")
    sh(variant, "git add -A && git commit -qm 'Expérience du collègue' && dvc exp run -q -f")
    # Their own experiment: params.yaml edited by hand on the new commit, run, pushed, then undone.
    params = variant / "params.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace("epochs: 40", "epochs: 12"), encoding="utf-8")
    sh(variant, "dvc exp run -q -n douze && dvc exp push -q origin douze && git checkout -- . && dvc checkout -q")
    verdict = judge(variant, "06")
    assert verdict.returncode == 0 and verdict.failed() == {}, verdict.output


def test_text_is_what_really_happens(start):
    """The chapter's text replayed on a copy of this start (tests/test_transcripts.py replays the others)."""
    assert_text_is_what_really_happens(chapters.get("06"), start=start)
