"""Chapter 05, "Création d'une pipeline": dvc.yaml, caching, metrics, experiments.

Each test is one check; what the learner reads is its title in the chapter's messages.toml.
The pipeline runs once, from scratch, in the sandbox; the other checks read
what DVC says about it.
"""

import difflib
import json
import os
from pathlib import Path

import pytest

from checks import pipeline
from checks import stages as running
from checks.messages import CheckFailed, phrase, quoted
from kit import course

SCRIPTS = course.SCRIPTS
OUTPUTS = course.OUTPUTS
# What `dvc exp run` must re-run after each input changes: exactly its downstream.
DOWNSTREAM = {
    "data": SCRIPTS,
    "data_extraction.py": SCRIPTS,
    "base.h5": SCRIPTS[1:],
    "data_preprocessing.py": SCRIPTS[1:],
    "train.py": SCRIPTS[2:],
    "evaluate.py": SCRIPTS[3:],
}


@pytest.fixture(scope="session")
def experiments(sandbox):
    """The experiments of every commit (HEAD's and those with experiments), read before the
    checks run anything (or DVC's error)."""
    try:
        rows = pipeline.show_experiments(sandbox)
    except Exception as error:  # noqa: BLE001 - reported by test_experiment_ran
        return error
    for row in rows:  # whether DVC ran the evaluation there (read now: the checks rewrite dvc.lock)
        if row.get("typ") == "baseline":
            row["recorded"] = "metrics.json" in pipeline.recorded_outputs(sandbox, row.get("rev"))
    return rows


@pytest.fixture(scope="session")
def stages(sandbox, experiments):
    return pipeline.load_pipeline(sandbox, SCRIPTS)


@pytest.fixture(scope="session")
def by_script(stages):
    """{script: stage} once each script is run by exactly one stage."""
    found = {}
    for stage in stages:
        if len(stage.scripts) > 1:
            raise CheckFailed("stage_runs_several", stage=stage.name, scripts=", ".join(sorted(stage.scripts)))
        for script in stage.scripts:
            if script in found:
                raise CheckFailed("script_in_several", script=script, stages=quoted([found[script].name, stage.name]))
            found[script] = stage
    unmatched = [script for script in SCRIPTS if script not in found]
    for stage in stages:
        for name in stage.missing:  # a misspelt script name: say which stage, and which file exists
            close = difflib.get_close_matches(Path(name).name, unmatched, n=1, cutoff=0.6)
            if close:
                raise CheckFailed("cmd_file_missing", stage=stage.name, file=name, script=close[0])
    for script in unmatched:
        raise CheckFailed("script_without_stage", script=script)
    return found


@pytest.fixture(scope="session")
def ran(sandbox, stages, by_script):
    """Run the pipeline from scratch, once."""
    return running.run_from_scratch(sandbox, stages)


@pytest.fixture(scope="session")
def undeclared(ran):
    """The stages that read undeclared files."""
    return ran.undeclared


def test_dvc_yaml_loads(stages):
    """Judged by the `stages` fixture, which raises the failure."""


def test_one_stage_per_script(by_script):
    """Judged by the `by_script` fixture, which raises the failure."""


def test_runs_from_scratch(sandbox, stages, undeclared):
    declared = {out for stage in stages for out in stage.outs}
    for output in OUTPUTS:
        if not (sandbox / output).exists():
            raise CheckFailed("missing_output", path=output, why=phrase("never_produced"))
        if not any(pipeline.overlaps(out, output) for out in declared):
            raise CheckFailed("missing_output", path=output,
                              why=phrase("produced_undeclared"))


def test_stages_declare_what_they_read(undeclared):
    for stage, error in undeclared.items():
        raise CheckFailed("undeclared_dependency", stage=stage, error=error)


def test_stays_inside_the_project(ran):
    if ran.outside:
        raise CheckFailed("writes_outside", paths=", ".join(f"../{name}" for name in ran.outside[:3]))


def test_second_run_does_nothing(sandbox, undeclared):
    stale = pipeline.stale_stages(sandbox)
    if stale:
        raise CheckFailed("rerun_needed", stages=quoted(sorted(stale)), why=phrase("rerun_why"))


@pytest.mark.parametrize("changed", list(DOWNSTREAM))
def test_change_reruns_downstream(sandbox, stages, by_script, undeclared, changed):
    expected = {by_script[script].name for script in DOWNSTREAM[changed]}
    judged = {stage.name for stage in by_script.values()}
    path = sandbox / changed
    if path.is_dir():
        path = sorted(p for p in path.rglob("*") if p.is_file())[0]
    original = path.read_bytes()
    path.chmod(0o644)
    try:
        path.write_bytes(original + b"\n# changed by the check\n")
        stale = pipeline.stale_stages(sandbox) & judged
    finally:
        path.write_bytes(original)
    missing, extra = sorted(expected - stale), sorted(stale - expected)
    if missing:
        produced = sorted({out for stage in by_script.values() if stage.name in stale for out in stage.outs})
        detail = phrase("rerun_detail", outputs=", ".join(produced), stage=missing[0]) if produced else ""
        raise CheckFailed("not_invalidated", changed=changed, stages=quoted(missing), detail=detail)
    if extra:
        raise CheckFailed("over_invalidated", changed=changed, stages=quoted(extra))


def test_metrics_file(sandbox, undeclared):
    path = sandbox / "metrics.json"
    if not path.is_file():
        raise CheckFailed("no_metrics_file")
    try:
        value = json.loads(path.read_text(encoding="utf-8")).get("test_accuracy")
    except (ValueError, AttributeError) as error:
        raise CheckFailed("metrics_not_json", problem=str(error)[:120]) from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise CheckFailed("metrics_bad_value", value=value)


def test_metrics_declared(sandbox, undeclared):
    with pipeline.opened_repo(sandbox) as repo:
        shown = repo.metrics.show()
    files = shown.get("", {}).get("data", {})
    if "test_accuracy" not in files.get("metrics.json", {}).get("data", {}):
        raise CheckFailed("metrics_not_declared")


def test_experiment_ran(experiments):
    if isinstance(experiments, Exception):
        raise CheckFailed("dvc_error", problem=str(experiments)[:300])
    # Baseline rows are the workspace and commits; the others are experiments, wherever HEAD has moved since.
    runs = [row for row in experiments if row.get("typ") != "baseline"]
    if any(has_accuracy(row) for row in runs):
        return
    # So does a run recorded in dvc.lock, committed or not (dvc repro; dvc exp apply then git commit).
    if any(has_accuracy(row) and row.get("recorded") for row in experiments if row.get("typ") == "baseline"):
        return
    if runs:
        raise CheckFailed("experiment_without_metric", count=len(runs))
    raise CheckFailed("no_experiment")


def downstream_of(stages, name):
    """The stages that read, directly or not, what stage `name` produces (DVC's graph, as recorded)."""
    found, frontier = set(), {name}
    while frontier:
        frontier = {stage.name for stage in stages if set(stage.producers.values()) & frontier} - found
        found |= frontier
    return found


def own_script(sandbox, stage):
    """The project file a stage's command runs (its script: a .py, or another file it names), or None.

    What the stage writes is not its script, even when the command names it (`ls subset > counts.txt`)."""
    named = [token for token in pipeline.command_tokens(stage.cmd) if (sandbox / stage.wdir / token).is_file()
             and not any(pipeline.overlaps(project_path(stage, token), out) for out in stage.outs)]
    return next((token for token in named if token.endswith(".py")), named[0] if named else None)


def project_path(stage, name):
    """A path a stage's command names, relative to the project (as its deps are)."""
    return Path(os.path.normpath(Path(stage.wdir) / name)).as_posix()


def test_own_stage(sandbox, stages, by_script, undeclared):
    """The learner's own stage: it produces something, reads what the pipeline makes, and reruns when it should."""
    judged = {stage.name for stage in by_script.values()}
    own = [stage for stage in stages if stage.name not in judged]
    if not own:
        raise CheckFailed("own_stage_missing")
    problems = []
    for stage in own:
        script = own_script(sandbox, stage)
        if not stage.outs:
            problems.append(CheckFailed("own_stage_no_output", stage=stage.name))
        elif not stage.producers:
            problems.append(CheckFailed("own_stage_unconnected", stage=stage.name))
        elif script and not any(pipeline.overlaps(dep, project_path(stage, script)) for dep in stage.deps):
            problems.append(CheckFailed("own_stage_script_undeclared", stage=stage.name, script=script))
        elif script:
            path = sandbox / project_path(stage, script)
            original = path.read_bytes()
            try:
                path.write_bytes(original + b"\n# changed by the check\n")
                stale = pipeline.stale_stages(sandbox)
            finally:
                path.write_bytes(original)
            extra = sorted(stale - {stage.name} - downstream_of(stages, stage.name))
            if stage.name not in stale or extra:
                problems.append(CheckFailed("own_stage_reruns_wrong", stage=stage.name, script=script,
                                            stages=quoted(extra or [stage.name])))
            else:
                return
        else:
            return
    raise problems[0]


def has_accuracy(row):
    value = row.get("test_accuracy")
    return isinstance(value, (int, float)) and not isinstance(value, bool)
