"""Chapter 04, "Découpage du notebook": four scripts that do what the notebook did; and ("À vous") a fifth,
standalone like them, that prints the model's confusion matrix on the test set.

The scripts run in order with plain `python`, in the sandbox; their outputs
are compared with what the notebook produces (read with nbformat from the
notebook's saved outputs, or the reference figures if it was never run).
The images the notebook selects are those the kit's own extraction script
(the notebook's source, kit/notebook.py) copies from the same data/.
"""

import hashlib
import itertools
import re
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

import nbformat
import numpy as np
import pytest

from checks.messages import CheckFailed, phrase
from checks.stages import STAGE_TIMEOUT
from kit import course
from kit import notebook as notebooks
from kit.shell import kit_env, run

SCRIPTS = notebooks.step_names()  # {script: the notebook step it comes from}
GENERATED = course.OUTPUTS
# What the kit's notebook prints when run: images per split, one feature map's shape.
REFERENCE = {"splits": {"train": 200, "validation": 100, "test": 200}, "feature_shape": (4, 4, 64)}
PRODUCES = dict(zip(list(SCRIPTS)[:-1], GENERATED))  # what each script leaves for the next one (evaluate.py prints)
NAME_ERROR = re.compile(r"NameError: name '(\w+)' is not defined")
SYNTAX_ERROR = re.compile(r"^(SyntaxError|IndentationError|TabError)\b")
# An accuracy as a data scientist prints it: 0.85, 0,85, .85, 1.0 or 85 %, 85.0%, labelled or on a line of its own.
NUMBER = r"(?:0?[.,]\d+|0|1(?:[.,]0+)?|\d{1,3}(?:[.,]\d+)?\s?%)"
ACCURACY = re.compile(rf"(accuracy|exactitude|précision|acc)\D{{0,20}}?{NUMBER}(?![\d.])"
                      rf"|^\W*{NUMBER}\W*$", re.IGNORECASE | re.MULTILINE)


def notebook_reference(project):
    """Split sizes and feature shape from the notebook's outputs, if it was run."""
    reference = {"splits": dict(REFERENCE["splits"]), "feature_shape": REFERENCE["feature_shape"]}
    try:
        notebook = nbformat.read(str(project / notebooks.NOTEBOOK), as_version=4)
    except Exception:  # noqa: BLE001 - no notebook, or unreadable: keep the reference
        return reference
    text = "\n".join(output.get("text", "") for cell in notebook.cells if cell.cell_type == "code"
                     for output in cell.get("outputs", []))
    for split, count in re.findall(r"(train|validation|test): (\d+) images", text):
        reference["splits"][split] = int(count)
    shape = re.search(r"features \(\d+, (\d+), (\d+), (\d+)\)", text)
    if shape:
        reference["feature_shape"] = tuple(int(n) for n in shape.groups())
    return reference


@pytest.fixture(scope="session")
def scripts(sandbox):
    for script, step in SCRIPTS.items():
        if not (sandbox / script).is_file():
            raise CheckFailed("script_missing", script=script, step=step)


@pytest.fixture(scope="session")
def outputs(sandbox, scripts):
    """Run the four scripts from scratch, in order; return what each printed."""
    for name in GENERATED:
        path = sandbox / name
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    printed = {}
    for script in SCRIPTS:
        result = run(["python", script], cwd=sandbox, timeout=STAGE_TIMEOUT)
        if result.timed_out:
            raise CheckFailed("script_timeout", script=script, seconds=STAGE_TIMEOUT)
        if not result.ok:
            raise failure(script, result.last_lines(1)[:300])
        made = PRODUCES.get(script)
        if made and not produced(sandbox / made):  # the next script would fail, and be blamed for it
            raise CheckFailed("script_made_nothing", script=script, output=made)
        printed[script] = result.output
    return printed


def produced(path):
    """Whether a script's output is there: a file, or a folder with at least one file."""
    return path.is_file() or (path.is_dir() and any(child.is_file() for child in path.rglob("*")))


def failure(script, error):
    """The failure that fits the script's last error line: a syntax error, a name from another cell, or else."""
    undefined = NAME_ERROR.search(error)
    if undefined:  # a name the notebook's preparation cell (or an earlier cell) defined
        return CheckFailed("script_not_standalone", script=script, name=undefined.group(1))
    if SYNTAX_ERROR.search(error):
        return CheckFailed("script_syntax_error", script=script, error=error)
    return CheckFailed("script_failed", script=script, error=error)


def test_scripts_exist(scripts):
    """Judged by the `scripts` fixture, which raises the failure."""


def test_scripts_run_in_order(outputs):
    """Judged by the `outputs` fixture, which raises the failure."""


def images_by_class(folder):
    """{class folder: Counter of the content hashes of its files} under one split's folder."""
    classes = {}
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.is_file():
            digest = hashlib.md5(path.read_bytes()).hexdigest()
            classes.setdefault(path.parent.relative_to(folder).as_posix(), Counter())[digest] += 1
    return classes


@pytest.fixture(scope="session")
def notebook_subset(sandbox):
    """What the notebook's extraction cell selects from this project's data/ (the kit's script, run aside)."""
    with tempfile.TemporaryDirectory(prefix="notebook-subset-") as tmp:
        (Path(tmp) / "data").symlink_to((sandbox / "data").resolve(), target_is_directory=True)
        made = run([sys.executable, str(notebooks.SCRIPTS_DIR / SCRIPTS_FIRST)], cwd=tmp, timeout=STAGE_TIMEOUT)
        subset = Path(tmp) / "subset"
        return {split.name: images_by_class(split) for split in subset.iterdir()} if made.ok and subset.is_dir() else None


SCRIPTS_FIRST = next(iter(SCRIPTS))


def test_subset_like_the_notebook(sandbox, outputs, notebook_subset):
    for split, expected in notebook_reference(sandbox)["splits"].items():
        folder = sandbox / "subset" / split
        found = sum(1 for path in folder.rglob("*") if path.is_file()) if folder.is_dir() else 0
        if found != expected:
            raise CheckFailed("wrong_split", split=split, found=found, expected=expected)
    for split, classes in (notebook_subset or {}).items():
        mine = sorted(images_by_class(sandbox / "subset" / split).values(), key=sorted)
        theirs = sorted(classes.values(), key=sorted)
        if mine != theirs:
            wanted = sum(theirs, Counter())
            missing = sum((wanted - sum(mine, Counter())).values())
            raise CheckFailed("other_images", split=split, missing=missing,
                              classes=", ".join(f"{name}/" for name in sorted(classes)))


def test_features_like_the_notebook(sandbox, outputs, notebook_subset):
    reference = notebook_reference(sandbox)
    for split, count in reference["splits"].items():
        expected = {"features": (count, *reference["feature_shape"]), "labels": (count,)}
        for kind, shape in expected.items():
            name = f"{split}_{kind}.npy"
            try:
                array = np.load(sandbox / "preprocessed" / name)
            except (OSError, ValueError) as error:
                raise CheckFailed("wrong_features", name=name, problem=phrase("unreadable", error=error)[:150]) from None
            if array.shape != shape:
                raise CheckFailed("wrong_features", name=name, problem=phrase("wrong_shape", shape=array.shape, expected=shape))
        classes = (notebook_subset or {}).get(split)
        if classes:  # one label per class, as many of each as the notebook has images of that class
            labels = np.load(sandbox / "preprocessed" / f"{split}_labels.npy")
            values, counts = np.unique(labels, return_counts=True)
            expected = sorted(sum(images.values()) for images in classes.values())
            if sorted(counts.tolist()) != expected:
                found = ", ".join(f"{value:g} × {count}" for value, count in zip(values.tolist(), counts.tolist()))
                raise CheckFailed("wrong_features", name=f"{split}_labels.npy",
                                  problem=phrase("wrong_labels", found=found, expected=" + ".join(map(str, expected))))


def test_model_loads(sandbox, outputs):
    code = "import keras; keras.models.load_model('model.h5', compile=False)"
    result = run(["python", "-c", code], cwd=sandbox, timeout=120, env=kit_env({"TF_ENABLE_ONEDNN_OPTS": "0"}))
    if not result.ok:
        raise CheckFailed("model_unloadable", problem=result.last_lines(1)[:200] or phrase("no_file"))


def test_accuracy_printed(outputs):
    printed = outputs["evaluate.py"]
    if not ACCURACY.search(printed):
        lines = [line.strip() for line in printed.splitlines() if line.strip()]
        shown = lines[-1][:120] if lines else phrase("nothing_printed")
        raise CheckFailed("no_accuracy_printed", printed=shown)


# --- "À vous": a fifth script, standalone like the others, that prints the model's confusion matrix -----

# The model's own confusion matrix, computed the plain way (one process: the learner's code is not trusted
# to say it): [[true cat as cat, true cat as dog], [true dog as cat, true dog as dog]].
REFERENCE_MATRIX = """
import numpy as np, keras
labels = np.load("preprocessed/test_labels.npy").astype(int)
model = keras.models.load_model("model.h5", compile=False)
predicted = (model.predict(np.load("preprocessed/test_features.npy"), verbose=0)[:, 0] > 0.5).astype(int)
print(*[int(np.sum((labels == t) & (predicted == p))) for t in (0, 1) for p in (0, 1)])
"""


def shows_matrix(printed, matrix):
    """Whether `printed` shows the matrix's four counts in reading order (other numbers, such as row labels
    0 and 1, may come between them), by rows or by columns, cats or dogs first: the right answers (the
    diagonal) first and last, the two kinds of mistake between them."""
    numbers = [int(number) for number in re.findall(r"(?<![\d.,])\d+(?![\d.,]*\d)", printed)][:60]
    right, wrong = sorted((matrix[0], matrix[3])), sorted((matrix[1], matrix[2]))
    return any(sorted((a, d)) == right and sorted((b, c)) == wrong
               for a, b, c, d in itertools.combinations(numbers, 4))


def test_confusion_matrix_script(sandbox, outputs):
    candidates = sorted(path.name for path in sandbox.glob("*.py") if path.name not in SCRIPTS)
    if not candidates:
        raise CheckFailed("no_fifth_script", scripts=", ".join(SCRIPTS))
    reference = run(["python", "-c", REFERENCE_MATRIX], cwd=sandbox, timeout=STAGE_TIMEOUT,
                    env=kit_env({"TF_CPP_MIN_LOG_LEVEL": "3"}))
    matrix = [int(number) for number in reference.output.split()[-4:]] if reference.ok else []
    if len(matrix) != 4:
        raise CheckFailed("model_unloadable", problem=reference.last_lines(1)[:200] or phrase("no_file"))
    problems = []
    for script in candidates:
        result = run(["python", script], cwd=sandbox, timeout=STAGE_TIMEOUT)
        if result.timed_out:
            problems.append(CheckFailed("script_timeout", script=script, seconds=STAGE_TIMEOUT))
        elif not result.ok:
            problems.append(failure(script, result.last_lines(1)[:300]))
        elif shows_matrix(result.output, matrix):
            return
        else:
            lines = [line.strip() for line in result.output.splitlines() if line.strip()]
            problems.insert(0, CheckFailed("no_confusion_matrix", script=script,
                                           printed=" / ".join(lines[-3:])[:160] or phrase("nothing_printed")))
    raise problems[0]
