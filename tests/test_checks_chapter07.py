"""Chapter 07 checks: artifact, gto stage, fetched models, and the web app over real HTTP."""

import re
from pathlib import Path

import pytest
import yaml
from dvc.config import Config

from kit import chapters, colleague, workspace
from kit.shell import git
from tests.conftest import copy_workspace, judge, sh, started
from tests import contract
from tests.test_transcripts import assert_text_is_what_really_happens

STEPS = chapters.get("07").solution
# The chapter's walk-through, up to the models fetched into use_model/; then "À vous", a version in prod.
FETCH = next(index for index, step in enumerate(STEPS) if "artifacts get" in step.get("run", ""))
WALK_THROUGH, OWN_TASK = STEPS[:FETCH], STEPS[FETCH + 1:]


@pytest.fixture(scope="module")
def start(tmp_path_factory):
    return started("07", tmp_path_factory.mktemp("ch07-start") / "ws")


@pytest.fixture(scope="module")
def solved(start, tmp_path_factory):
    """A copy of the start, solved in place (it shares the start's origin and DVC remote)."""
    path = copy_workspace(start, tmp_path_factory.mktemp("ch07") / "ws")
    return workspace.solve("07", path)


@pytest.fixture
def variant(solved, tmp_path):
    return copy_workspace(solved, tmp_path / "ws")


def test_text_is_what_really_happens(start):
    """The chapter's text replayed on a copy of this start (tests/test_transcripts.py replays the others).

    First in this file: `solved` pushes the solution to the start's origin and DVC remote, and the
    replay's own pushes must find them as a fresh start has them."""
    assert "cats-vs-dogs@v0.0.1" not in git(colleague.origin_of(start), "tag"), "run before `solved` is built"
    assert_text_is_what_really_happens(chapters.get("07"), start=start)


# Run after the text's replay, which needs the start's origin before `solved` pushes to it.
test_solution_passes_and_untouched_exercise_fails = contract.test_solution_passes_and_untouched_exercise_fails
UNTOUCHED = {"test_artifact_declared": "artifact_missing", "test_artifact_stage": "no_artifact_stage"}


@pytest.fixture
def untouched(start):
    return start


def test_artifact_misnamed_and_app_crashing_on_bad_input(variant):
    """Two independent mistakes in one submission (one check run instead of two): each fails its own check."""
    pipeline = variant / "dvc.yaml"
    pipeline.write_text(pipeline.read_text().replace("\n  cats-vs-dogs:", "\n  cats-and-dogs:"))
    source = (variant / "use_model" / "app.py").read_text()
    source = source.replace("raise HTTPException(415, \"Ce fichier n'est pas une image lisible (JPEG, PNG...).\") from None",
                            "raise")
    (variant / "use_model" / "app.py").write_text(source)
    verdict = judge(variant, "07")
    failed = verdict.failed()
    assert failed["test_artifact_declared"] == "artifact_missing"
    assert "cats-and-dogs" in verdict.checks["test_artifact_declared"].message
    assert failed["test_app_rejects_bad_input[case_not_an_image]"] == "app_bad_input"
    assert not {"test_app_rejects_bad_input[case_empty_file]", "test_app_rejects_bad_input[case_no_file]"} & set(failed)


def test_not_assigned_and_app_always_answering_cat(variant):
    """Two independent mistakes in one submission: the gto assignment and the app's answers, nothing else."""
    sh(variant, "git tag -d 'cats-vs-dogs#test#1'")
    source = (variant / "use_model" / "app.py").read_text()
    (variant / "use_model" / "app.py").write_text(source.replace("return LABELS[int(probability > 0.5)]", 'return "cat"'))
    verdict = judge(variant, "07")
    assert verdict.failed() == {"test_registered_and_assigned": "gto_missing", "test_app_answers_correctly": "app_wrong"}
    assert "sous le seuil de 70 %" in verdict.checks["test_app_answers_correctly"].message


def test_tags_not_pushed(start, tmp_path):
    """Everything done locally (models fetched from the workspace itself), nothing pushed to origin."""
    path = copy_workspace(start, tmp_path / "ws")
    sh(path, "git remote set-url origin " + str(tmp_path / "other-origin.git"))
    sh(path, f"git init -q --bare {tmp_path / 'other-origin.git'} && git push -q origin main")
    for step in WALK_THROUGH:
        if "gto" in step.get("run", ""):
            step = {"run": step["run"].replace(" && git push -q origin main --tags", "")}
        workspace.apply_step(path, step)
    sh(path, "cd use_model && dvc artifacts get -q .. cats-vs-dogs --stage test")
    assert judge(path, "07").failed() == {"test_published": "artifact_not_published",
                                          "test_second_version_in_prod": "no_prod_version"}


def test_models_not_fetched(variant):
    """The message gives the exact command, from use_model/, and it works."""
    sh(variant, "rm -r use_model/models")
    verdict = judge(variant, "07")
    failed = verdict.failed()
    assert failed["test_fetched_into_app_folder"] == "artifact_not_fetched"
    assert failed["test_app_answers_correctly"] == "app_not_started"
    command = re.search(r"`(dvc artifacts get [^`]+)`", verdict.checks["test_fetched_into_app_folder"].message)
    assert command and "--force" in command.group(1)
    sh(variant / "use_model", command.group(1))
    assert judge(variant, "07").failed() == {}


def test_stage_not_run(start, tmp_path):
    """Stage and artifact declared and committed, but the pipeline never run."""
    path = copy_workspace(start, tmp_path / "ws")
    workspace.apply_step(path, STEPS[0])
    sh(path, "git add -A && git commit -qm 'artefact déclaré'")
    assert judge(path, "07").failed()["test_artifact_stage"] == "artifact_stale"



# --- "À vous": a second version, another model, in prod and published -------------------------------------

def test_prod_on_the_first_model(variant):
    """prod given to the first version (the latest assignment wins): nothing new in production."""
    sh(variant, "gto assign cats-vs-dogs --version v0.0.1 --stage prod > /dev/null && git push -q origin --tags")
    verdict = judge(variant, "07")
    assert verdict.failed() == {"test_second_version_in_prod": "prod_same_model"}
    assert "(v0.0.1)" in verdict.checks["test_second_version_in_prod"].message


def test_prod_not_published(variant):
    """The prod tag missing on origin, then the new model's data missing on the DVC remote: each named."""
    prod = git(variant, "tag", "--list", "cats-vs-dogs#prod#*")
    sh(variant, f"git push -q origin --delete '{prod}'")
    verdict = judge(variant, "07")
    assert verdict.failed() == {"test_second_version_in_prod": "prod_not_published"}
    assert prod in verdict.checks["test_second_version_in_prod"].message
    sh(variant, "git push -q origin --tags")
    models = next(out["md5"] for stage in yaml.safe_load((variant / "dvc.lock").read_text())["stages"].values()
                  for out in stage.get("outs", []) if out["path"] == "models")
    config = Config(dvc_dir=str(variant / ".dvc"))
    remote = Path(config["remote"][config["core"]["remote"]]["url"])  # shared with `solved`: put back below
    stored = remote / "files" / "md5" / models[:2] / models[2:]
    saved = stored.read_bytes()
    stored.unlink()
    try:
        verdict = judge(variant, "07")  # main's last commit is that version: the first check sees it too
        assert verdict.failed() == {"test_second_version_in_prod": "prod_not_published",
                                    "test_published": "artifact_not_published"}
        assert "models" in verdict.checks["test_second_version_in_prod"].message
    finally:
        stored.write_bytes(saved)
    assert judge(variant, "07").failed() == {}


def test_another_way_to_production(start, tmp_path):
    """An experiment kept on a branch of its own (`dvc exp branch`), numbered v1.0.0, in prod; test stays."""
    path = copy_workspace(start, tmp_path / "ws")
    for step in STEPS[:FETCH + 1]:
        workspace.apply_step(path, step)
    sh(path, "dvc exp run -q --temp -n longer -S train.epochs=25 && dvc exp branch -q longer candidate"
             " && gto register cats-vs-dogs candidate --version v1.0.0 > /dev/null"
             " && gto assign cats-vs-dogs --version v1.0.0 --stage prod > /dev/null"
             " && git checkout -q candidate && dvc push -q && git checkout -q main && dvc checkout -q"
             " && git push -q origin main candidate --tags")
    assert judge(path, "07").failed() == {}
