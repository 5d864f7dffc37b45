"""Chapter 04 checks: four scripts that run in order and do what the notebook did."""

import pytest

from kit import KIT_ROOT
from tests.conftest import copy_workspace, judge, started
from tests.contract import test_solution_passes_and_untouched_exercise_fails  # noqa: F401 - run here

SCRIPTS = KIT_ROOT / "solutions" / "04-decoupage-du-notebook"


@pytest.fixture(scope="module")
def start(tmp_path_factory):
    return started("04", tmp_path_factory.mktemp("ch04") / "ws")


@pytest.fixture
def variant(start, tmp_path):
    """The start state with the solution's scripts, to break one way or another."""
    path = copy_workspace(start, tmp_path / "ws")
    for script in SCRIPTS.glob("*.py"):
        (path / script.name).write_text(script.read_text())
    return path


def edit(path, script, old, new):
    source = (path / script).read_text()
    assert old in source
    (path / script).write_text(source.replace(old, new))


# The scripts hold the notebook's cells as they are: the first stops on a name the preparation cell defined.
UNTOUCHED = {"test_scripts_run_in_order": "script_not_standalone"}
UNTOUCHED_SAYS = "data_extraction.py"


@pytest.fixture
def solved(variant):
    return variant


@pytest.fixture
def untouched(start):
    return start


def test_script_missing(variant):
    (variant / "train.py").unlink()
    assert judge(variant, "04").failed() == {"test_scripts_exist": "script_missing"}


def test_import_forgotten(variant):
    edit(variant, "train.py", "import numpy as np\n", "")
    verdict = judge(variant, "04")
    assert verdict.failed()["test_scripts_run_in_order"] == "script_not_standalone"
    assert "le nom np n'est pas défini" in verdict.checks["test_scripts_run_in_order"].message


def test_wrong_split_and_no_print(variant):
    edit(variant, "data_extraction.py", '"validation": (100, 150)', '"validation": (100, 120)')
    edit(variant, "evaluate.py", 'print(f"test accuracy: {test_acc:.3f}")', "")
    failed = judge(variant, "04").failed()
    assert failed["test_subset_like_the_notebook"] == "wrong_split"
    assert failed["test_features_like_the_notebook"] == "wrong_features"
    assert failed["test_accuracy_printed"] == "no_accuracy_printed"
