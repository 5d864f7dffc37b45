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
    """The start state with the solution's scripts (the fifth, "À vous", too), to break one way or another."""
    path = copy_workspace(start, tmp_path / "ws")
    for script in [*SCRIPTS.glob("*.py"), SCRIPTS / "own" / "confusion.py"]:
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


def test_other_images_in_the_right_numbers(variant):
    """Right counts, other pictures: told apart from the notebook's; a percentage is an accuracy printed."""
    edit(variant, "data_extraction.py", '"train": (0, 100)', '"train": (250, 350)')
    edit(variant, "evaluate.py", 'print(f"test accuracy: {test_acc:.3f}")', 'print(f"Exactitude sur le test : {test_acc:.1%}")')
    verdict = judge(variant, "04")
    assert verdict.failed() == {"test_subset_like_the_notebook": "other_images"}
    assert "subset/train" in verdict.checks["test_subset_like_the_notebook"].message


def test_renamed_images_and_a_bare_accuracy_pass(variant):
    """The notebook's images under other names and class folders, the accuracy printed alone: all correct."""
    edit(variant, "data_extraction.py", 'folder = TARGET / split / label', 'folder = TARGET / split / f"{label}s"')
    edit(variant, "data_extraction.py", 'shutil.copyfile(SOURCE / name, folder / name)',
         'shutil.copyfile(SOURCE / name, folder / f"{index:04d}.jpg")')
    edit(variant, "evaluate.py", 'print(f"test accuracy: {test_acc:.3f}")', "print(round(test_acc, 3))")
    verdict = judge(variant, "04")
    assert verdict.returncode == 0, verdict.output


def test_syntax_error_is_not_blamed_on_imports(variant):
    edit(variant, "data_extraction.py", "    for label in", "      for label in")
    verdict = judge(variant, "04")
    assert verdict.failed()["test_scripts_run_in_order"] == "script_syntax_error"
    assert "IndentationError" in verdict.checks["test_scripts_run_in_order"].message


def test_script_that_makes_nothing_is_named(variant):
    """The extraction writes elsewhere: it is named, not the preprocessing that then finds nothing."""
    edit(variant, "data_extraction.py", 'TARGET = Path("subset")', 'TARGET = Path("extrait")')
    verdict = judge(variant, "04")
    assert verdict.failed()["test_scripts_run_in_order"] == "script_made_nothing"
    message = verdict.checks["test_scripts_run_in_order"].message
    assert "data_extraction.py" in message and "data_preprocessing.py" not in message


# --- "À vous": a fifth script, standalone, printing the confusion matrix -------------------------------

def test_no_fifth_script(variant):
    (variant / "confusion.py").unlink()
    verdict = judge(variant, "04")
    assert verdict.failed() == {"test_confusion_matrix_script": "no_fifth_script"}


def test_fifth_script_that_is_not_standalone_or_prints_no_matrix(variant):
    """A cell-like script (numpy never imported) is named as the four are; a script printing only the
    accuracy is told what is missing; each with its own name."""
    edit(variant, "confusion.py", "import numpy as np\n", "")
    (variant / "confusion.py").rename(variant / "matrix.py")
    verdict = judge(variant, "04")
    assert verdict.failed() == {"test_confusion_matrix_script": "script_not_standalone"}
    assert "matrix.py" in verdict.checks["test_confusion_matrix_script"].message
    (variant / "matrix.py").write_text((variant / "evaluate.py").read_text())
    verdict = judge(variant, "04")
    assert verdict.failed() == {"test_confusion_matrix_script": "no_confusion_matrix"}
    assert "test accuracy" in verdict.checks["test_confusion_matrix_script"].message


def test_other_ways_to_print_the_matrix_pass(variant):
    """Another name, the matrix transposed and printed by numpy, dogs first; a helper module beside it."""
    (variant / "confusion.py").unlink()
    (variant / "helpers.py").write_text("THRESHOLD = 0.5\n")
    (variant / "report.py").write_text(
        "import keras\nimport numpy as np\nfrom helpers import THRESHOLD\n\n"
        "labels = np.load('preprocessed/test_labels.npy')\n"
        "model = keras.models.load_model('model.h5', compile=False)\n"
        "dog = model.predict(np.load('preprocessed/test_features.npy'), verbose=0)[:, 0] > THRESHOLD\n"
        "matrix = np.array([[np.sum(dog & (labels == 1)), np.sum(dog & (labels == 0))],\n"
        "                   [np.sum(~dog & (labels == 1)), np.sum(~dog & (labels == 0))]])\n"
        "print('rows: predicted dog, cat; columns: true dog, cat')\nprint(matrix)\n")
    verdict = judge(variant, "04")
    assert verdict.failed() == {}, verdict.output
