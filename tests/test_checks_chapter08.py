"""Chapter 08 checks: parameters declared and read, DVCLive's curves, the sweep, the best run kept and published.

One solved workspace (the kit's solution) and one learner's other way of doing it (flat parameter
names, a sweep run one by one without the queue, the best kept with `dvc exp branch` and a merge)
must pass; each mistake below, made on a copy of the solved one, fails its own checks and no other.
"""

import pytest

from kit import KIT_ROOT, chapters, colleague, workspace
from kit.shell import git
from tests import contract
from tests.conftest import copy_workspace, judge, sh, started
from tests.test_transcripts import assert_text_is_what_really_happens

STEPS = chapters.get("08").solution


@pytest.fixture(scope="module")
def start(tmp_path_factory):
    return started("08", tmp_path_factory.mktemp("ch08-start") / "ws")


@pytest.fixture(scope="module")
def solved(start, tmp_path_factory):
    path = copy_workspace(start, tmp_path_factory.mktemp("ch08") / "ws")
    return workspace.solve("08", path)


def test_text_is_what_really_happens(start):
    """The chapter's text replayed on a copy of this start (tests/test_transcripts.py replays the others).

    First in this file: `solved` pushes its version tags to the start's origin, where the replay's own
    `git push origin --tags` must not find them."""
    assert "cats-vs-dogs@v0.0.2" not in git(colleague.origin_of(start), "tag"), "run before `solved`"
    assert_text_is_what_really_happens(chapters.get("08"), start=start)


@pytest.fixture
def variant(solved, tmp_path):
    return copy_workspace(solved, tmp_path / "ws")


@pytest.fixture
def untouched(start):
    return start


test_solution_passes_and_untouched_exercise_fails = contract.test_solution_passes_and_untouched_exercise_fails
UNTOUCHED = {"test_params_declared": "params_missing", "test_sweep": "no_sweep"}

# The learner's own way: flat names (learning_rate...), the whole file declared key by key in another
# order and YAML style, the sweep run one experiment at a time, the best kept on a branch and merged.
FLAT_PARAMS = "epochs: 40\nlearning_rate: 0.001\ndropout: 0.5\nhidden: 256\n"
FLAT_TRAIN = {"params = yaml.safe_load(f)[\"train\"]": "params = yaml.safe_load(f)",
              'params["lr"]': 'params["learning_rate"]', 'params["units"]': 'params["hidden"]'}
FLAT_STAGE = ("      - train.epochs\n      - train.lr\n      - train.units\n      - train.dropout\n",
              "      - learning_rate\n      - epochs\n      - hidden\n      - dropout\n")


def edit(path, replacements):
    text = path.read_text()
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text)


def own_origin(path, tmp_path):
    """The copy's own `origin`, holding what the start pushed (its branch and tags, not what other tests
    pushed to the start's since): what this copy pushes reaches no other test."""
    origin = tmp_path / "own-origin.git"
    sh(path, f"git init -q --bare -b main {origin} && git remote set-url origin {origin} && git push -q origin main --tags")


def test_another_learners_way_passes(start, tmp_path):
    path = copy_workspace(start, tmp_path / "ws")
    own_origin(path, tmp_path)
    kit_solution = KIT_ROOT / "solutions" / "08-experimenter"
    for name in ("train.py", "dvc.yaml"):
        (path / name).write_text((kit_solution / name).read_text())
    (path / "params.yaml").write_text(FLAT_PARAMS)
    edit(path / "train.py", FLAT_TRAIN)
    edit(path / "dvc.yaml", dict([FLAT_STAGE]))
    sh(path, "echo /dvc_plots >> .gitignore && git add -A && git commit -qm 'params and curves' && dvc exp run -q")
    sh(path, "git add -A && git commit -qm 'first run'")
    for rate, epochs in (("0.0003", 5), ("0.003", 5), ("0.0003", 10), ("0.003", 10)):
        sh(path, f"dvc exp run -q -S learning_rate={rate} -S epochs={epochs}")
    for dropout in ("0.2", "0.7"):
        sh(path, f"dvc exp run -q -S learning_rate=0.003 -S epochs=10 -S dropout={dropout}")
    best = sh(path, "dvc exp show --csv --sort-by test_accuracy --sort-order desc --keep 'Experiment|test_accuracy'"
                    " | awk -F, 'NR > 1 && $1 != \"\" {print $1; exit}'").strip()
    sh(path, f"dvc exp branch {best} best-run && git reset -q --hard && git merge -q --no-edit best-run && dvc checkout -q")
    sh(path, "dvc push -q && gto register cats-vs-dogs && git push -q origin main --tags")
    verdict = judge(path, "08")
    assert verdict.failed() == {}, verdict.output


def test_params_read_but_not_declared_declared_but_unused_and_curves_undeclared(variant):
    """Three mistakes in one submission (one check run instead of three): each fails its own check."""
    edit(variant / "dvc.yaml", {"      - train.units\n": "",
                                "    plots:\n      - dvclive/plots/metrics:\n          x: step\n          cache: false\n": "",
                                "    metrics:\n      - dvclive/metrics.json:\n          cache: false\n": ""})
    edit(variant / "train.py", {'keras.layers.Dropout(params["dropout"])': "keras.layers.Dropout(0.5)"})
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
    trial = git(variant, "rev-parse", "HEAD~3")
    assert "params.yaml" in git(variant, "log", "-1", "--format=%s", trial)
    sweep_run = git(variant, "for-each-ref", "--format=%(objectname)", "refs/exps").split()[0]
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
