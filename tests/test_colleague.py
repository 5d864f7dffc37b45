"""Camille's change (chapter 06), made on whatever pipeline the learner has.

She makes the training read its number of epochs from params.yaml and sets
it to 40: on the kit's own files this gives exactly the diff chapter 06 shows;
on a learner's files, it follows their stage names, YAML style and names.
"""

import shutil

import pytest
import yaml

from kit import KIT_ROOT, chapters
from kit.colleague import ChangeImpossible, change_epochs, publish_experiment
from kit.shell import sh

SOLUTIONS = KIT_ROOT / "solutions"


@pytest.fixture
def project(tmp_path):
    shutil.copyfile(SOLUTIONS / "05-pipeline" / "dvc.yaml", tmp_path / "dvc.yaml")
    shutil.copyfile(SOLUTIONS / "04-decoupage-du-notebook" / "train.py", tmp_path / "train.py")
    return tmp_path


def change(project):
    step = next(step["colleague_experiment"] for step in chapters.get("06").after_start
                if "colleague_experiment" in step)
    change_epochs(project, step["param"], step["value"])
    return {name: (project / name).read_text(encoding="utf-8") for name in ("dvc.yaml", "train.py", "params.yaml")}


def test_on_the_kit_files_only_the_epochs_change(project):
    before = {name: (project / name).read_text(encoding="utf-8") for name in ("dvc.yaml", "train.py")}
    after = change(project)
    assert set(before["train.py"].splitlines()) - set(after["train.py"].splitlines()) == {"EPOCHS = 20"}
    assert set(after["train.py"].splitlines()) - set(before["train.py"].splitlines()) == {
        "import yaml", 'with open("params.yaml", encoding="utf-8") as f:',
        '    EPOCHS = yaml.safe_load(f)["train"]["epochs"]'}
    # dvc.yaml: the same text, plus the declared parameter, after the training's deps.
    assert after["dvc.yaml"].replace("    params:\n      - train.epochs\n", "") == before["dvc.yaml"]
    assert yaml.safe_load(after["dvc.yaml"])["stages"]["train"]["params"] == ["train.epochs"]
    assert yaml.safe_load(after["params.yaml"]) == {"train": {"epochs": 40}}


def test_the_learner_s_stage_names_style_and_constant(project):
    (project / "dvc.yaml").write_text(
        "# my pipeline\nstages:\n"
        "  fit: {cmd: python train.py, deps: [train.py, preprocessed], outs: [model.h5]}\n"
        "  score:\n    cmd: python evaluate.py\n    deps: [model.h5]\n")
    train = project / "train.py"
    train.write_text(train.read_text().replace("EPOCHS", "nb_epochs").replace("= 20", "=20  # assez"))
    after = change(project)
    assert "# my pipeline" in after["dvc.yaml"]
    stages = yaml.safe_load(after["dvc.yaml"])["stages"]
    assert stages["fit"]["params"] == ["train.epochs"] and "params" not in stages["score"]
    assert 'nb_epochs = yaml.safe_load(f)["train"]["epochs"]' in after["train.py"]
    assert "nb_epochs=20" not in after["train.py"]


@pytest.mark.parametrize("params, declared", [
    ("train:\n  epochs: 20  # mine\n  seed: 42\n", ["train.epochs"]),
    ("epochs: 20\nbatch: 32\n", [{"params.yaml": ["epochs"]}]),
])
def test_a_learner_who_already_reads_params_yaml(project, params, declared):
    """Already parametrised: only the value changes; the script and the pipeline stay as they are."""
    (project / "params.yaml").write_text(params)
    spec = yaml.safe_load((project / "dvc.yaml").read_text())
    spec["stages"]["train"]["params"] = declared
    (project / "dvc.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    before = {name: (project / name).read_text() for name in ("dvc.yaml", "train.py")}
    after = change(project)
    assert {name: after[name] for name in before} == before
    values = yaml.safe_load(after["params.yaml"])
    assert values == ({"train": {"epochs": 40, "seed": 42}} if "train" in params else {"epochs": 40, "batch": 32})
    assert "# mine" in after["params.yaml"] or "train" not in params


def test_params_yaml_with_an_epochs_key_but_not_declared(project):
    (project / "params.yaml").write_text("training:\n  n_epochs: 20\n")
    after = change(project)
    assert yaml.safe_load(after["params.yaml"]) == {"training": {"n_epochs": 40}}
    assert yaml.safe_load(after["dvc.yaml"])["stages"]["train"]["params"] == ["training.n_epochs"]


@pytest.mark.parametrize("pipeline, reason", [
    ("stages: {}\n", "aucune étape"),
    ("stages:\n  score: {cmd: python evaluate.py}\n", "model.h5"),
    ("stages:\n  train: {cmd: python train.py, outs: [model.h5]}\n", "EPOCHS = 20"),
])
def test_what_she_cannot_change_is_said(project, pipeline, reason):
    (project / "dvc.yaml").write_text(pipeline)
    train = project / "train.py"
    train.write_text(train.read_text().replace("EPOCHS = 20", "EPOCHS = int('20')"))
    with pytest.raises(ChangeImpossible, match=reason):
        change(project)


def test_her_outputs_reach_the_remote_the_learner_uses(tmp_path):
    """A copy of a project (what tests and grading judge) keeps the committed remote of the original and
    uses its own through .dvc/config.local: her clone of origin gets the committed one only, so she must be
    given the learner's, or her outputs go to the original's remote and the learner never gets them."""
    ws, own, original = tmp_path / "ws", tmp_path / "ws-remote", tmp_path / "original-remote"
    ws.mkdir()
    (ws / "params.yaml").write_text("train:\n  epochs: 20\n", encoding="utf-8")
    (ws / "train.py").write_text("import yaml\nepochs = yaml.safe_load(open('params.yaml'))['train']['epochs']\n"
                                 "open('model.txt', 'w').write(str(epochs))\n", encoding="utf-8")
    (ws / "dvc.yaml").write_text("stages:\n  train:\n    cmd: python train.py\n    deps: [train.py]\n"
                                 "    params: [train.epochs]\n    outs: [model.txt]\n", encoding="utf-8")
    sh(ws, f"git init -q -b main && git config user.name L && git config user.email l@example.org && dvc init -q"
           f" && dvc remote add -d default {original} && dvc remote add --local default {own}"
           f" && dvc repro -q && dvc push -q && git add -A && git commit -qm pipeline")
    publish_experiment(ws, "her-exp", "train.epochs", 40)
    assert not original.exists()
    sh(ws, "rm -rf .dvc/cache && dvc exp pull -q origin her-exp && dvc exp apply -q her-exp")
    assert (ws / "model.txt").read_text(encoding="utf-8") == "40"
