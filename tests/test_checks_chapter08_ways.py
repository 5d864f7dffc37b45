"""Chapter 08 as learners do it: the chapter's text replayed, and another learner's way that must pass.

On a start of their own (tests/test_checks_chapter08.py has the kit's solution and the mistakes), so
that another worker runs them meanwhile; what they push goes to their own origin.
"""

import pytest

from kit import KIT_ROOT, chapters
from tests.conftest import copy_workspace, judge, sh, started
from tests.test_transcripts import assert_text_is_what_really_happens
from tests.variants import replaced


@pytest.fixture(scope="module")
def start(tmp_path_factory):
    return started("08", tmp_path_factory.mktemp("ch08-ways-start") / "ws")


def test_text_is_what_really_happens(start):
    """The chapter's text replayed on a copy of this start (tests/test_transcripts.py replays the others)."""
    assert_text_is_what_really_happens(chapters.get("08"), start=start)


# The learner's own way: flat names (learning_rate...), the whole file declared key by key in another
# order and YAML style, the sweep run one experiment at a time, the best kept on a branch and merged.
FLAT_PARAMS = "epochs: 40\nlearning_rate: 0.001\ndropout: 0.5\nhidden: 256\n"
FLAT_TRAIN = {"params = yaml.safe_load(f)[\"train\"]": "params = yaml.safe_load(f)",
              'params["lr"]': 'params["learning_rate"]', 'params["units"]': 'params["hidden"]'}
FLAT_STAGE = ("      - train.epochs\n      - train.lr\n      - train.units\n      - train.dropout\n",
              "      - learning_rate\n      - epochs\n      - hidden\n      - dropout\n")


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
    replaced(path, "train.py", FLAT_TRAIN)
    replaced(path, "dvc.yaml", dict([FLAT_STAGE]))
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
