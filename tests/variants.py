"""The tiny chapter 05 project, and the learners' variants of it: one builder, one registry.

The tiny project is a chapter-05 workspace in miniature: git + DVC, data/ and
base.h5 tracked, and stand-ins for the four scripts (tests/tiny/) that read and
write the same files as the real ones, in milliseconds and without TensorFlow.

A variant is what a learner hands in: the solution's dvc.yaml changed (or
replaced), maybe a script edited, then `dvc exp run` (or not). BROKEN variants
name the check that must fail and its message key; CORRECT ones must pass. The
kit's tests (tests/test_checks_chapter05.py, tests/test_grading.py) and
tools/make_submissions.py all take them from here.
"""

import shutil
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kit import KIT_ROOT
from kit.shell import run, sh

TINY_SCRIPTS = Path(__file__).parent / "tiny"
# The chapter's whole solution: the four stages and the learner's own ("À vous"), with its script.
SOLUTION_DVC_YAML = KIT_ROOT / "solutions" / "05-pipeline" / "own" / "dvc.yaml"
OWN_SCRIPT = KIT_ROOT / "solutions" / "05-pipeline" / "own" / "data_report.py"


def build(root, name="Test", email="test@example.org"):
    """A tiny chapter 05 start in `root`: data and base.h5 tracked by DVC, the four stand-in scripts, tagged."""
    root = Path(root)
    (root / "data").mkdir(parents=True)
    for label in ("cat", "dog"):
        for index in range(4):
            (root / "data" / f"{label}.{index}.jpg").write_bytes(f"{label}{index}".encode() * (10 + index * (label == "dog") * 5))
    (root / "base.h5").write_bytes(b"\x89HDF fake base model")
    for script in TINY_SCRIPTS.glob("*.py"):
        shutil.copyfile(script, root / script.name)
    shutil.copyfile(OWN_SCRIPT, root / OWN_SCRIPT.name)  # the learner's own stage's script, written
    sh(root, f"git init -q -b main && git config user.name '{name}' && git config user.email {email}")
    sh(root, "dvc init -q && dvc config core.analytics false && dvc add -q data base.h5")
    sh(root, "git add -A && git commit -qm start && git tag chapter05")
    return root


def solution_spec():
    """The solution's dvc.yaml as a dict, to modify into variants."""
    return yaml.safe_load(SOLUTION_DVC_YAML.read_text(encoding="utf-8"))


def write(project, name, text):
    (Path(project) / name).write_text(textwrap.dedent(text), encoding="utf-8")


def edit(project, name, old, new):
    write(project, name, (Path(project) / name).read_text(encoding="utf-8").replace(old, new))


def replaced(project, name, replacements):
    """Each {old: new} of `replacements` made once in a project's file; each old text must be there."""
    path = Path(project) / name
    text = path.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text, f"{old!r} is not in {name}"
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def append(project, name, text):
    write(project, name, (Path(project) / name).read_text(encoding="utf-8") + text)


@dataclass(frozen=True)
class Variant:
    change: object  # change(project, spec): edits spec in place, or returns a whole spec (dict) or dvc.yaml's text
    check: str | None = None  # the check that must fail (None: every check passes)
    key: str | None = None  # its message key
    runs: bool = True  # the learner ran `dvc exp run` before handing in
    env: dict = field(default_factory=dict)  # for the checker (e.g. a short stage timeout)


def apply(project, variant):
    """Make the tiny project at `project` this variant (and run it, if the learner did); return the run's result."""
    spec = solution_spec()
    changed = variant.change(project, spec) if variant.change else None
    if isinstance(changed, str):
        write(project, "dvc.yaml", changed)
    else:
        (Path(project) / "dvc.yaml").write_text(yaml.safe_dump(changed or spec, sort_keys=False), encoding="utf-8")
    return run("dvc exp run -q", cwd=project, shell=True, timeout=300) if variant.runs else None


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
    write(project, "train.py", "raise ValueError('learning went wrong')\n")


def hang_train(project, spec):
    write(project, "train.py", "import time\ntime.sleep(600)\n")


def misspell_train(project, spec):
    stage_named(spec, "train.py")["cmd"] = "python trian.py"


def metrics_undeclared(project, spec):
    del stage_named(spec, "evaluate.py")["metrics"]


def metrics_as_plain_out(project, spec):
    stage = stage_named(spec, "evaluate.py")
    del stage["metrics"]
    stage["outs"] = ["metrics.json"]


def metrics_in_percent(project, spec):
    edit(project, "evaluate.py", "{test_acc}}", "{test_acc * 100}}")


def metrics_not_json(project, spec):
    edit(project, "evaluate.py", 'f.write(f"{{', 'f.write(f"{{{{')


def train_writes_outside(project, spec):
    append(project, "train.py", "\nPath('../model-backup.h5').write_text('copy')\n")


def crash_after_huge_output(project, spec):
    write(project, "train.py", "import sys\nsys.stdout.write('x' * 30_000_000 + '\\n')\nraise SystemExit('too much')\n")


def evaluate_touches_features(project, spec):
    append(project, "evaluate.py", "\nwith open('preprocessed/test_labels.npy', 'a') as f:\n    f.write(' 0')\n")


def no_own_stage(project, spec):
    del spec["stages"]["data_report"]


def own_stage_beside_the_pipeline(project, spec):
    spec["stages"]["data_report"] = {"cmd": "ls data > listing.txt", "deps": ["data"], "outs": ["listing.txt"]}


def own_script_undeclared(project, spec):
    spec["stages"]["data_report"]["deps"].remove("data_report.py")


def badly_indented(project, spec):
    return "stages:\n  extract:\n    cmd: python data_extraction.py\n     deps: [data]\n"


# One mistake can fail two checks: the same change (one object), so a test may judge it once (same_submission).
no_model_for_evaluation = drop_dep("evaluate.py", "model.h5")
no_base_for_preprocessing = drop_dep("data_preprocessing.py", "base.h5")

BROKEN = {
    "original bug: evaluation without model.h5": Variant(
        no_model_for_evaluation, "test_stages_declare_what_they_read", "undeclared_dependency"),
    "evaluation not re-run after retraining": Variant(
        no_model_for_evaluation, "test_change_reruns_downstream[train.py]", "not_invalidated"),
    "training does not depend on its script": Variant(
        drop_dep("train.py", "train.py"), "test_change_reruns_downstream[train.py]", "not_invalidated"),
    "preprocessing without base.h5": Variant(
        no_base_for_preprocessing, "test_change_reruns_downstream[base.h5]", "not_invalidated"),
    "preprocessing reads base.h5 undeclared": Variant(
        no_base_for_preprocessing, "test_stages_declare_what_they_read", "undeclared_dependency"),
    "training depends on evaluate.py": Variant(
        add_dep("train.py", "evaluate.py"), "test_change_reruns_downstream[evaluate.py]", "over_invalidated"),
    "stages merged": Variant(merge_train_and_evaluate, "test_one_stage_per_script", "stage_runs_several"),
    "script name misspelt in cmd": Variant(misspell_train, "test_one_stage_per_script", "cmd_file_missing"),
    "declared output never written": Variant(rename_out, "test_runs_from_scratch", "missing_output"),
    "dependency misspelt": Variant(add_dep("train.py", "preprocesed"), "test_runs_from_scratch", "missing_input"),
    "script crashes": Variant(crash_train, "test_runs_from_scratch", "stage_failed"),
    "training hangs": Variant(hang_train, "test_runs_from_scratch", "stage_timeout", runs=False,
                              env={"DVC_CHECK_STAGE_TIMEOUT": "5"}),
    "metrics.json not declared": Variant(metrics_undeclared, "test_metrics_declared", "metrics_not_declared"),
    "metrics.json declared as a plain output": Variant(metrics_as_plain_out, "test_metrics_declared",
                                                       "metrics_not_declared"),
    "accuracy in percent": Variant(metrics_in_percent, "test_metrics_file", "metrics_bad_value"),
    "metrics.json not JSON": Variant(metrics_not_json, "test_metrics_file", "metrics_not_json"),
    "a stage rewrites another's output": Variant(evaluate_touches_features, "test_second_run_does_nothing",
                                                 "rerun_needed"),
    "a stage writes outside the project": Variant(train_writes_outside, "test_stays_inside_the_project",
                                                  "writes_outside"),
    "a script crashes after 30 MB of output": Variant(crash_after_huge_output, "test_runs_from_scratch",
                                                      "stage_failed"),
    "dvc.yaml badly indented": Variant(badly_indented, "test_dvc_yaml_loads", "yaml_syntax", runs=False),
    "no stage of one's own": Variant(no_own_stage, "test_own_stage", "own_stage_missing"),
    "own stage beside the pipeline": Variant(own_stage_beside_the_pipeline, "test_own_stage", "own_stage_unconnected"),
    "own stage's script undeclared": Variant(own_script_undeclared, "test_own_stage", "own_stage_script_undeclared"),
}

CORRECT = {
    "the solution": Variant(None),
    "other stage names, flow style, ./ paths, python3": Variant(lambda project, spec: {
        "stages": {
            "extract": {"cmd": "python3 ./data_extraction.py", "deps": ["./data", "data_extraction.py"], "outs": ["subset/"]},
            "features": {"cmd": ["python data_preprocessing.py"], "deps": ["subset", "base.h5", "data_preprocessing.py"],
                         "outs": ["preprocessed"]},
            "fit": {"cmd": "python train.py", "deps": ["train.py", "preprocessed"], "outs": [{"model.h5": {"cache": True}}]},
            "eval": {"cmd": "python evaluate.py", "deps": ["evaluate.py", "model.h5", "preprocessed"],
                     "metrics": ["metrics.json"]},
            # Their own stage: a plain output, its script run from the shell's view of the path.
            "count": {"cmd": "python3 ./data_report.py", "deps": ["./data_report.py", "subset/"],
                      "outs": ["data_report.json"]},
        }
    }),
    # Written by hand: comments, flow and block lists, one dependency per file.
    "file-level dependencies": Variant(lambda project, spec: """\
stages:
  a:  # extraction
    cmd: python data_extraction.py
    deps: [data, data_extraction.py]
    outs: [subset]
  b:
    cmd: python data_preprocessing.py
    deps: [subset, base.h5, data_preprocessing.py]
    outs:
      - preprocessed/train_features.npy
      - preprocessed/train_labels.npy
      - preprocessed/validation_features.npy
      - preprocessed/validation_labels.npy
      - preprocessed/test_features.npy
      - preprocessed/test_labels.npy
  c:
    cmd: python train.py
    wdir: .
    deps: [train.py, preprocessed/train_features.npy, preprocessed/validation_features.npy]
    outs: [model.h5]
  d:
    cmd: python evaluate.py
    deps: [evaluate.py, model.h5, preprocessed/test_features.npy, preprocessed/test_labels.npy]
    outs: []
    metrics:
      - metrics.json:
          cache: false
  e:  # my own: a report on the data, after the model (one list of commands)
    cmd:
      - python data_report.py
    deps: [data_report.py, subset, model.h5]
    metrics: [data_report.json]
"""),
}


def same_submissions(registry):
    """{name: [the names of the registry's variants that are the same submission]}: one judgement serves them all
    (the same change, run or not, for the same checker)."""
    groups = {}
    for name, variant in registry.items():
        groups.setdefault((id(variant.change), variant.runs, tuple(sorted(variant.env.items()))), []).append(name)
    return {names[0]: names for names in groups.values()}
