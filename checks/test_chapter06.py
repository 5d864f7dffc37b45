"""Chapter 06, "Récupérer une expérience distante": pulled, applied, reproduced, recomputed, nothing lost,
and an experiment of the learner's own shared on `origin` ("À vous"), its outputs on the DVC remote.

Experiments are read from the sandbox's git refs (refs/exps) and through
`dvc exp show`; the colleague's files are read from the experiment's commit.
Whether the learner recomputed her result (rather than a `dvc exp run` in which
every stage was skipped) is read from the workspace's run-cache, which the
sandbox does not copy.
"""

import math

import pytest

from checks.messages import CheckFailed
from checks.pipeline import (EXPERIMENT_REF, experiment_refs, missing_on_remote, ran_here,
                             recorded_outputs, show_experiments, stages_rerun_by, yaml_at)
from kit import state
from kit.shell import run

NAME = "my-better-exp"


@pytest.fixture(scope="session")
def experiments(sandbox):
    """Rows of `dvc exp show` for every commit that has experiments (as --all-commits)."""
    try:
        return show_experiments(sandbox)
    except Exception as error:  # noqa: BLE001 - reported as a DVC error
        raise CheckFailed("dvc_error", problem=str(error)[:300]) from None


@pytest.fixture(scope="session")
def colleague(sandbox):
    """The colleague's experiment commit."""
    sha = next((sha for name, sha, _ in experiment_refs(sandbox) if name == NAME), None)
    if not sha:
        raise CheckFailed("experiment_not_pulled", name=NAME)
    return sha


def test_experiment_pulled(colleague):
    """Judged by the `colleague` fixture, which raises the failure."""


def changed_by(project, sha):
    """The files an experiment changed on its baseline that are code or parameters (not what DVC outputs)."""
    names = run(["git", "diff", "--name-only", f"{sha}^", sha], cwd=project).output.split("\n")
    made = recorded_outputs(project, sha) | {"dvc.lock"}
    return [name for name in names if name and name not in made]


def test_experiment_applied(sandbox, colleague):
    differing = []
    for name in changed_by(sandbox, colleague):
        theirs = run(["git", "show", f"{colleague}:{name}"], cwd=sandbox)
        path = sandbox / name
        mine = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None
        if not theirs.ok or mine is None or mine.strip() != theirs.output.strip():
            differing.append(name)
    if differing:
        raise CheckFailed("experiment_not_applied", name=NAME, files=", ".join(differing))


def test_experiment_reproduced(experiments, colleague):
    rows = [row for row in experiments if row.get("typ") != "baseline"]
    theirs = next((row for row in rows if row.get("Experiment") == NAME), None)
    if theirs is None:
        raise CheckFailed("experiment_not_pulled", name=NAME)
    expected = theirs.get("test_accuracy")
    params = {key: value for key, value in theirs.items() if key.startswith("train.")}

    def reproduces(row):
        accuracy = row.get("test_accuracy")
        return (row.get("Experiment") != NAME and isinstance(accuracy, (int, float))
                and isinstance(expected, (int, float)) and math.isclose(accuracy, expected, abs_tol=1e-6)
                and all(row.get(key) == value for key, value in params.items()))

    if not any(reproduces(row) for row in rows):
        shown = f"{expected:.3f}" if isinstance(expected, (int, float)) else expected
        raise CheckFailed("experiment_not_reproduced", name=NAME, expected=shown)


def test_experiment_recomputed(sandbox, workspace, colleague):
    """The stages her experiment ran anew (training first: the ones reading the changed param) ran here too."""
    rerun = stages_rerun_by(sandbox, colleague)
    before = yaml_at_baseline_params(sandbox, colleague)
    reading = {name: entry for name, entry in rerun.items() if entry.get("params") != before.get(name)}
    judged = {name: ran_here(workspace, entry) for name, entry in (reading or rerun).items()}
    skipped = sorted(name for name, ran in judged.items() if ran is False)
    if skipped:
        raise CheckFailed("experiment_not_recomputed", name=NAME, stages=", ".join(skipped))


def yaml_at_baseline_params(project, sha):
    """{stage: its `params` in dvc.lock} on the experiment's baseline commit."""
    lock = yaml_at(project, f"{sha}^", "dvc.lock")
    stages = lock.get("stages", {}) if isinstance(lock, dict) else {}
    return {name: entry.get("params") for name, entry in stages.items() if isinstance(entry, dict)}


def test_own_experiments_kept(sandbox, workspace):
    present = {sha for _, sha, _ in experiment_refs(sandbox)}
    made_at_start = {sha: ref for sha, ref in state.start_experiments(workspace).items()
                     if pipeline_experiment(ref)}
    lost = sorted((ref, sha) for sha, ref in made_at_start.items() if sha not in present)
    if lost:
        names = ", ".join(ref.rsplit("/", 1)[-1] for ref, _ in lost)
        restore = " && ".join(f"git update-ref {ref} {sha}" for ref, sha in lost)
        raise CheckFailed("own_experiment_lost", names=names, restore=restore)


def pipeline_experiment(ref):
    """Whether a recorded ref is an experiment (not DVC's bookkeeping under refs/exps)."""
    return bool(EXPERIMENT_REF.match(ref))


def shared_experiments(project):
    """{name: commit} of the experiments on the git remote `origin`, their commits fetched into `project`."""
    listing = run(["git", "ls-remote", "origin", "refs/exps/*"], cwd=project, timeout=60)
    if not listing.ok:
        raise CheckFailed("origin_unreachable", problem=listing.last_lines(1))
    found = {}
    for sha, ref in (line.split() for line in listing.output.splitlines() if line.strip()):
        match = EXPERIMENT_REF.match(ref)
        if match:
            found[match.group(3)] = sha
            run(["git", "fetch", "-q", "origin", f"{ref}:{ref}"], cwd=project, timeout=60)  # the sandbox's refs only
    return found


def differs_from(project, colleague, sha):
    """Whether experiment `sha` changed code or parameters otherwise than Camille's did."""
    changed = changed_by(project, sha)
    return bool(changed) and run(["git", "diff", "--quiet", colleague, sha, "--", *changed], cwd=project).returncode == 1


def test_own_experiment_shared(sandbox, colleague):
    """An experiment on `origin` that is not Camille's (other code or parameters), with its outputs pushed."""
    shared = {name: sha for name, sha in shared_experiments(sandbox).items() if name != NAME}
    if not shared:
        raise CheckFailed("own_experiment_not_shared", name=NAME)
    own = {name: sha for name, sha in shared.items() if differs_from(sandbox, colleague, sha)}
    if not own:
        raise CheckFailed("shared_experiment_is_camilles", names=", ".join(sorted(shared)), name=NAME)
    try:
        missing = missing_on_remote(sandbox, dict(sorted(own.items())))
    except Exception as error:  # noqa: BLE001 - no default remote, unreachable...
        raise CheckFailed("origin_unreachable", problem=str(error)[:200]) from None
    if all(missing.values()):
        name, paths = next(iter(missing.items()))
        raise CheckFailed("shared_outputs_missing", name=name, paths=", ".join(paths))
