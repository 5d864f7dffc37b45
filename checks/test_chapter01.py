"""Chapter 01, "Premiers pas": data fetched, notebook run, generated files ignored; and ("À vous") two
trials of the training with different epochs, each committed with the outputs of its own run."""

import ast
import re
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


# --- "À vous": two trials of the training, each committed with the outputs of its own run ----------------

RUN_LINE = re.compile(r"after (\d+) epochs")


def epochs_of(book):
    """(EPOCHS set in the notebook's code or None, epochs its outputs report or None, whether every code
    cell ran without error)."""
    code = [cell for cell in book.cells if cell.cell_type == "code"]
    value = None
    for cell in code:
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # a magic (%time...) or a typo: that cell sets nothing we can read
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "EPOCHS" for target in node.targets)
                    and isinstance(node.value, ast.Constant) and isinstance(node.value.value, int)):
                value = node.value.value
    outputs = [output for cell in code for output in cell.get("outputs", [])]
    reported = [int(found) for output in outputs for found in RUN_LINE.findall(output.get("text", ""))]
    clean = all(cell.get("execution_count") is not None for cell in code) and not any(
        output.output_type == "error" for output in outputs)
    return value, (reported[-1] if reported else None), clean


def notebook_commits(project):
    """[(short sha, (EPOCHS, reported, clean))] of the commits since the chapter's start that changed the
    notebook, newest first."""
    since = "chapter01..HEAD" if run(["git", "rev-parse", "-q", "--verify", "chapter01"], cwd=project).ok else "HEAD"
    shas = run(["git", "log", "--format=%h", since, "--", notebooks.NOTEBOOK], cwd=project).output.split()
    found = []
    for sha in shas:
        shown = run(["git", "show", f"{sha}:{notebooks.NOTEBOOK}"], cwd=project)
        try:
            found.append((sha, epochs_of(nbformat.reads(shown.output, as_version=4))))
        except Exception:  # noqa: BLE001 - deleted or unreadable in that commit: not a trial
            continue
    return found


def test_two_trials_committed(sandbox, notebook):
    commits = notebook_commits(sandbox)
    trials = {reported for _, (_, reported, clean) in commits if clean and reported is not None}
    if len(trials) >= 2:
        return
    value, here, clean = epochs_of(notebook)  # the notebook in the folder, as last saved
    if clean and here is not None and here not in trials:
        raise CheckFailed("last_trial_not_committed", epochs=here, name=notebooks.NOTEBOOK)
    if commits:  # the newest commit of the notebook edited after its run (older ones are history)
        sha, (value, reported, _) = commits[0]
        if value is not None and reported is not None and value != reported:
            raise CheckFailed("trial_outputs_stale", sha=sha, value=value, reported=reported)
    if not trials:
        raise CheckFailed("no_trial_committed", name=notebooks.NOTEBOOK)
    raise CheckFailed("one_trial_only", epochs=next(iter(trials)))
