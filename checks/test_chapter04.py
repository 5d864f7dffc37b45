"""Chapter 04, "Découpage du notebook": four scripts that do what the notebook did.

The scripts run in order with plain `python`, in the sandbox; their outputs
are compared with what the notebook produces (read with nbformat from the
notebook's saved outputs, or the reference figures if it was never run).
"""

import re
import shutil

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
NAME_ERROR = re.compile(r"NameError: name '(\w+)' is not defined")
ACCURACY = re.compile(r"(accuracy|exactitude|précision|acc)\D{0,20}?(0(?:\.\d+)?|1(?:\.0+)?)\b", re.IGNORECASE)


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
            error = result.last_lines(1)[:300]
            undefined = NAME_ERROR.search(error)
            if undefined:  # a name the notebook's preparation cell (or an earlier cell) defined
                raise CheckFailed("script_not_standalone", script=script, name=undefined.group(1))
            raise CheckFailed("script_failed", script=script, error=error)
        printed[script] = result.output
    return printed


def test_scripts_exist(scripts):
    """Judged by the `scripts` fixture, which raises the failure."""


def test_scripts_run_in_order(outputs):
    """Judged by the `outputs` fixture, which raises the failure."""


def test_subset_like_the_notebook(sandbox, outputs):
    for split, expected in notebook_reference(sandbox)["splits"].items():
        folder = sandbox / "subset" / split
        found = sum(1 for path in folder.rglob("*") if path.is_file()) if folder.is_dir() else 0
        if found != expected:
            raise CheckFailed("wrong_split", split=split, found=found, expected=expected)


def test_features_like_the_notebook(sandbox, outputs):
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


def test_model_loads(sandbox, outputs):
    code = "import keras; keras.models.load_model('model.h5', compile=False)"
    result = run(["python", "-c", code], cwd=sandbox, timeout=120, env=kit_env({"TF_ENABLE_ONEDNN_OPTS": "0"}))
    if not result.ok:
        raise CheckFailed("model_unloadable", problem=result.last_lines(1)[:200] or phrase("no_file"))


def test_accuracy_printed(outputs):
    if not ACCURACY.search(outputs["evaluate.py"]):
        raise CheckFailed("no_accuracy_printed")
