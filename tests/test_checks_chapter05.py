"""The chapter 05 checks: each mistake fails with its message, correct variants pass.

Judged on the tiny project (tests/conftest.py), through `python -m kit check`,
as a learner or an instructor would run it.
"""

import pytest

from kit import KIT_ROOT
from tests.conftest import solution_spec


def stage_named(spec, script):
    return next(stage for stage in spec["stages"].values() if script in stage["cmd"])


def drop_dep(script, dep):
    def change(project, spec):
        stage_named(spec, script)["deps"].remove(dep)
    return change


def add_dep(script, dep):
    def change(project, spec):
        stage_named(spec, script)["deps"].append(dep)
    return change


def merge_train_and_evaluate(project, spec):
    train, evaluate = spec["stages"].pop("train"), spec["stages"].pop("evaluate")
    spec["stages"]["train_and_evaluate"] = {
        "cmd": "python train.py && python evaluate.py",
        "deps": ["preprocessed", "train.py", "evaluate.py"],
        "outs": train["outs"], "metrics": evaluate["metrics"],
    }


def rename_out(project, spec):
    stage_named(spec, "train.py")["outs"] = ["model.hdf5"]


def crash_train(project, spec):
    project.write("train.py", "raise ValueError('learning went wrong')\n")


def hang_train(project, spec):
    project.write("train.py", "import time\ntime.sleep(600)\n")


def misspell_train(project, spec):
    stage_named(spec, "train.py")["cmd"] = "python trian.py"


def metrics_undeclared(project, spec):
    del stage_named(spec, "evaluate.py")["metrics"]


def metrics_as_plain_out(project, spec):
    stage = stage_named(spec, "evaluate.py")
    del stage["metrics"]
    stage["outs"] = ["metrics.json"]


def metrics_in_percent(project, spec):
    source = (project.path / "evaluate.py").read_text().replace("{test_acc}}", "{test_acc * 100}}")
    project.write("evaluate.py", source)


def metrics_not_json(project, spec):
    source = (project.path / "evaluate.py").read_text().replace('f.write(f"{{', 'f.write(f"{{{{')
    project.write("evaluate.py", source)


def train_writes_outside(project, spec):
    source = (project.path / "train.py").read_text()
    project.write("train.py", source + "\nPath('../model-backup.h5').write_text('copy')\n")


def crash_after_huge_output(project, spec):
    project.write("train.py", "import sys\nsys.stdout.write('x' * 30_000_000 + '\\n')\nraise SystemExit('too much')\n")


def evaluate_touches_features(project, spec):
    source = (project.path / "evaluate.py").read_text()
    project.write("evaluate.py", source + "\nwith open('preprocessed/test_labels.npy', 'a') as f:\n    f.write(' 0')\n")


BROKEN = {
    # name: (change, check that must fail, message key)
    "original bug: evaluation without model.h5": (
        drop_dep("evaluate.py", "model.h5"), "test_stages_declare_what_they_read", "undeclared_dependency"),
    "evaluation not re-run after retraining": (
        drop_dep("evaluate.py", "model.h5"), "test_change_reruns_downstream[train.py]", "not_invalidated"),
    "training does not depend on its script": (
        drop_dep("train.py", "train.py"), "test_change_reruns_downstream[train.py]", "not_invalidated"),
    "preprocessing without base.h5": (
        drop_dep("data_preprocessing.py", "base.h5"), "test_change_reruns_downstream[base.h5]", "not_invalidated"),
    "preprocessing reads base.h5 undeclared": (
        drop_dep("data_preprocessing.py", "base.h5"), "test_stages_declare_what_they_read", "undeclared_dependency"),
    "training depends on evaluate.py": (
        add_dep("train.py", "evaluate.py"), "test_change_reruns_downstream[evaluate.py]", "over_invalidated"),
    "stages merged": (merge_train_and_evaluate, "test_one_stage_per_script", "stage_runs_several"),
    "script name misspelt in cmd": (misspell_train, "test_one_stage_per_script", "cmd_file_missing"),
    "declared output never written": (rename_out, "test_runs_from_scratch", "missing_output"),
    "dependency misspelt": (add_dep("train.py", "preprocesed"), "test_runs_from_scratch", "missing_input"),
    "script crashes": (crash_train, "test_runs_from_scratch", "stage_failed"),
    "metrics.json not declared": (metrics_undeclared, "test_metrics_declared", "metrics_not_declared"),
    "metrics.json declared as a plain output": (metrics_as_plain_out, "test_metrics_declared", "metrics_not_declared"),
    "accuracy in percent": (metrics_in_percent, "test_metrics_file", "metrics_bad_value"),
    "metrics.json not JSON": (metrics_not_json, "test_metrics_file", "metrics_not_json"),
    "a stage rewrites another's output": (evaluate_touches_features, "test_second_run_does_nothing", "rerun_needed"),
    "a stage writes outside the project": (train_writes_outside, "test_stays_inside_the_project", "writes_outside"),
    "a script crashes after 30 MB of output": (crash_after_huge_output, "test_runs_from_scratch", "stage_failed"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_submission_fails_with_its_message(tiny, name):
    change, check_id, key = BROKEN[name]
    spec = solution_spec()
    change(tiny, spec)
    tiny.write_pipeline(spec)
    tiny.exp_run()
    verdict = tiny.check()
    assert verdict.returncode == 1
    assert verdict.failed().get(check_id) == key, verdict.output
    assert "Traceback" not in verdict.output


def test_hanging_script_is_stopped(tiny):
    spec = solution_spec()
    hang_train(tiny, spec)
    tiny.write_pipeline(spec)
    verdict = tiny.check(env={"DVC_CHECK_STAGE_TIMEOUT": "5"})
    assert verdict.failed()["test_runs_from_scratch"] == "stage_timeout", verdict.output


def test_no_dvc_yaml(tiny):
    verdict = tiny.check()
    assert verdict.failed()["test_dvc_yaml_loads"] == "no_dvc_yaml"
    # Everything else depends on it: reported as not checked, not as more failures.
    assert verdict.status("test_one_stage_per_script") == "not_checked"


def test_yaml_syntax_error_gives_the_line(tiny):
    tiny.write("dvc.yaml", """\
        stages:
          extract:
            cmd: python data_extraction.py
             deps: [data]
        """)
    verdict = tiny.check()
    assert verdict.failed()["test_dvc_yaml_loads"] == "yaml_syntax"
    assert "ligne 4" in verdict.checks["test_dvc_yaml_loads"].message


def test_schema_error_gives_the_line_and_key(tiny):
    tiny.write("dvc.yaml", """\
        stages:
          extract:
            cmd: python data_extraction.py
            dep: [data]
        """)
    verdict = tiny.check()
    assert verdict.failed()["test_dvc_yaml_loads"] == "yaml_schema"
    message = verdict.checks["test_dvc_yaml_loads"].message
    assert "ligne 4" in message and "dep" in message


def test_untouched_exercise_fails(tiny):
    tiny.write("dvc.yaml", (KIT_ROOT / "chapters" / "05-pipeline" / "dvc.yaml").read_text())
    verdict = tiny.check()
    assert verdict.failed()["test_one_stage_per_script"] == "script_without_stage"


def test_missing_workspace(tmp_path):
    from tests.conftest import TinyProject

    verdict = TinyProject(tmp_path / "nowhere").check()
    assert verdict.returncode == 1
    assert verdict.failed()["test_dvc_yaml_loads"] == "no_workspace"
    assert "make start-chapter05" in verdict.output and "Traceback" not in verdict.output


def test_data_deleted_from_the_workspace(tiny):
    import shutil

    tiny.write_pipeline(solution_spec())
    shutil.rmtree(tiny.path / "data")
    verdict = tiny.check()
    assert verdict.failed()["test_runs_from_scratch"] == "missing_input", verdict.output
    assert "dvc checkout" in verdict.output


def test_metrics_not_utf8(tiny):
    tiny.write_pipeline(solution_spec())
    source = (tiny.path / "evaluate.py").read_text()
    tiny.write("evaluate.py", source.replace('encoding="utf-8"', 'encoding="latin-1"').replace(
        '{{\\"test_accuracy', '{{\\"précision\\": 1, \\"test_accuracy'))
    verdict = tiny.check()
    assert verdict.failed()["test_metrics_file"] == "metrics_not_json", verdict.output


def test_misspelt_script_names_the_stage_and_both_files(tiny):
    spec = solution_spec()
    misspell_train(tiny, spec)
    tiny.write_pipeline(spec)
    message = tiny.check().checks["test_one_stage_per_script"].message
    assert "« train »" in message and "trian.py" in message and "train.py ?" in message


@pytest.mark.parametrize("commands", [
    "dvc exp run -q && git add -A && git commit -qm 'pipeline and results'",  # HEAD moves past the experiment
    "dvc repro -q && git add -A && git commit -qm 'pipeline and results'",  # no experiment at all
    "dvc repro -q",  # recorded in dvc.lock, not committed yet
])
def test_results_recorded_by_dvc_count_as_a_run(tiny, commands):
    tiny.write_pipeline(solution_spec())
    tiny.sh(commands)
    verdict = tiny.check()
    assert verdict.failed() == {}, verdict.output


def test_metrics_made_without_dvc_are_not_a_run(tiny):
    """metrics.json written by running the scripts by hand: dvc.lock records nothing."""
    tiny.write_pipeline(solution_spec())
    tiny.sh("for s in data_extraction data_preprocessing train evaluate; do python $s.py; done")
    assert tiny.check().failed() == {"test_experiment_ran": "no_experiment"}


def test_no_experiment_yet(tiny):
    tiny.write_pipeline(solution_spec())
    verdict = tiny.check()
    assert verdict.failed() == {"test_experiment_ran": "no_experiment"}, verdict.output


CORRECT = {
    "the solution": solution_spec,
    "other stage names, flow style, ./ paths, python3": lambda: {
        "stages": {
            "extract": {"cmd": "python3 ./data_extraction.py", "deps": ["./data", "data_extraction.py"], "outs": ["subset/"]},
            "features": {"cmd": ["python data_preprocessing.py"], "deps": ["subset", "base.h5", "data_preprocessing.py"],
                         "outs": ["preprocessed"]},
            "fit": {"cmd": "python train.py", "deps": ["train.py", "preprocessed"], "outs": [{"model.h5": {"cache": True}}]},
            "eval": {"cmd": "python evaluate.py", "deps": ["evaluate.py", "model.h5", "preprocessed"],
                     "metrics": ["metrics.json"]},
        }
    },
    "file-level dependencies": lambda: {
        "stages": {
            "a": {"cmd": "python data_extraction.py", "deps": ["data", "data_extraction.py"], "outs": ["subset"]},
            "b": {"cmd": "python data_preprocessing.py", "deps": ["subset", "base.h5", "data_preprocessing.py"],
                  "outs": [f"preprocessed/{split}_{kind}.npy" for split in ("train", "validation", "test")
                           for kind in ("features", "labels")]},
            "c": {"cmd": "python train.py", "wdir": ".", "outs": ["model.h5"],
                  "deps": ["train.py", "preprocessed/train_features.npy", "preprocessed/validation_features.npy"]},
            "d": {"cmd": "python evaluate.py", "outs": [], "metrics": [{"metrics.json": {"cache": False}}],
                  "deps": ["evaluate.py", "model.h5", "preprocessed/test_features.npy", "preprocessed/test_labels.npy"]},
        }
    },
}


@pytest.mark.parametrize("name", list(CORRECT))
def test_correct_submission_passes(tiny, name):
    tiny.write_pipeline(CORRECT[name]())
    assert tiny.exp_run().ok
    verdict = tiny.check()
    assert verdict.failed() == {}, verdict.output
    assert verdict.returncode == 0
    assert all(check.status == "passed" for check in verdict.checks.values())


def snapshot(path):
    """Every file's content and mtime, and every git ref: what a check must leave alone."""
    files = {
        str(p.relative_to(path)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(path.rglob("*")) if p.is_file() and not p.is_symlink()
    }
    refs = tiny_refs(path)
    return files, refs


def tiny_refs(path):
    from kit.shell import git

    return git(path, "for-each-ref", "--format=%(refname) %(objectname)")


def test_check_leaves_the_workspace_untouched(tiny):
    spec = solution_spec()
    tiny.write_pipeline(spec)
    assert tiny.exp_run().ok
    tiny.write("notes.txt", "uncommitted learner work\n")
    before = snapshot(tiny.path)
    verdict = tiny.check()
    assert verdict.returncode == 0, verdict.output
    assert snapshot(tiny.path) == before
