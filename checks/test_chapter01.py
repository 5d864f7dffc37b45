"""Chapter 01, "Premiers pas": data fetched, notebook run, generated files ignored."""

import sys

import nbformat
import pytest

from checks.messages import CheckFailed
from kit import KIT_ROOT
from kit import notebook as notebooks
from kit.course import DATASETS
from kit.shell import kit_env, run, tracked

GENERATED = {"subset": "subset/train/cat/cat.0.jpg", "preprocessed": "preprocessed/train_features.npy",
             "model.h5": "model.h5"}


@pytest.fixture(scope="session")
def notebook(sandbox):
    path = sandbox / notebooks.NOTEBOOK
    if not path.exists():
        raise CheckFailed("notebook_missing", name=notebooks.NOTEBOOK)
    try:
        return nbformat.read(str(path), as_version=4)
    except Exception as error:  # noqa: BLE001 - nbformat raises several kinds
        raise CheckFailed("notebook_invalid", name=notebooks.NOTEBOOK, problem=str(error)[:150]) from None


def test_data_and_base_model(sandbox):
    found = len(list((sandbox / "data").glob("*.jpg"))) if (sandbox / "data").is_dir() else 0
    if found != 2 * DATASETS["v1"]:
        raise CheckFailed("no_data", found=found)
    if not (sandbox / "base.h5").is_file():
        raise CheckFailed("no_base_model")


def test_notebook_ran(sandbox, notebook):
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    errors = [output for cell in code for output in cell.get("outputs", []) if output.output_type == "error"]
    if errors:
        raise CheckFailed("notebook_error", error=f"{errors[0].ename}: {errors[0].evalue}"[:200])
    not_run = [cell for cell in code if cell.get("execution_count") is None]
    if not_run:
        # Outputs missing (e.g. cleared before a commit): does a headless run succeed? (The learner's code:
        # in a process of its own, sandboxed when graded.)
        result = run([sys.executable, "-m", "kit.notebook", notebooks.NOTEBOOK], cwd=sandbox, timeout=900,
                     env=kit_env({"PYTHONPATH": str(KIT_ROOT)}))
        if not result.ok:
            raise CheckFailed("notebook_not_run", count=len(not_run), problem=result.last_lines(1)[:200])


def test_model_written(workspace):
    if not (workspace / "model.h5").is_file():
        raise CheckFailed("no_model")


def test_generated_files_ignored(sandbox):
    committed = [name for name in GENERATED if tracked(sandbox, name)]
    if committed:
        raise CheckFailed("generated_committed", paths=" ".join(committed))
    not_ignored = [name for name, example in GENERATED.items()
                   if not run(["git", "check-ignore", "-q", "--no-index", example], cwd=sandbox).ok]
    if not_ignored:
        raise CheckFailed("not_ignored", paths=", ".join(not_ignored))


def test_inputs_not_in_git(sandbox):
    committed = [name for name in ("data", "base.h5") if tracked(sandbox, name)]
    if committed:
        raise CheckFailed("input_committed", paths=" ".join(committed))
