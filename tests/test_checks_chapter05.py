"""The chapter 05 checks: each mistake fails with its message, correct variants pass.

Judged on the tiny project (tests/conftest.py), through `python -m kit check`,
as a learner or an instructor would run it.
"""

import os
import shutil
import signal
import subprocess
import sys

import pytest

from kit import KIT_ROOT
from kit.shell import kit_env
from tests.conftest import snapshot, solution_spec
from tests.variants import BROKEN, CORRECT, misspell_train, same_submissions
from tests.contract import test_solution_passes_and_untouched_exercise_fails  # noqa: F401 - run here


@pytest.mark.parametrize("names", list(same_submissions(BROKEN).values()), ids=" + ".join)
def test_broken_submission_fails_with_its_message(tiny, names):
    """Each mistake fails its check with its message (one judgement for the mistakes that are the same
    submission: the original bug fails two checks)."""
    variant = BROKEN[names[0]]
    tiny.become(variant)
    verdict = tiny.check(env=variant.env)
    assert verdict.returncode == 1
    for name in names:
        assert verdict.failed().get(BROKEN[name].check) == BROKEN[name].key, (name, verdict.output)
    assert "Traceback" not in verdict.output


def test_no_dvc_yaml(tiny):
    verdict = tiny.check()
    assert verdict.failed()["test_dvc_yaml_loads"] == "no_dvc_yaml"
    # Everything else depends on it: reported as not checked, not as more failures.
    assert verdict.status("test_one_stage_per_script") == "not_checked"


def test_yaml_syntax_error_gives_the_line(tiny):
    tiny.become(BROKEN["dvc.yaml badly indented"])
    assert "ligne 4" in tiny.check().checks["test_dvc_yaml_loads"].message


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


UNTOUCHED = {"test_one_stage_per_script": "script_without_stage"}


@pytest.fixture
def solved(tiny):
    assert tiny.become(CORRECT["the solution"]).ok
    return tiny.path


@pytest.fixture
def untouched(tiny_template, tmp_path):
    """The tiny project with the chapter's dvc.yaml, as the learner receives it."""
    path = tmp_path / "untouched"
    shutil.copytree(tiny_template, path, symlinks=True)
    shutil.copyfile(KIT_ROOT / "chapters" / "05-pipeline" / "dvc.yaml", path / "dvc.yaml")
    return path


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


@pytest.mark.parametrize("name", [name for name in CORRECT if name != "the solution"])  # that one: the contract
def test_correct_submission_passes(tiny, name):
    assert tiny.become(CORRECT[name]).ok
    verdict = tiny.check()
    assert verdict.failed() == {}, verdict.output
    assert verdict.returncode == 0
    assert all(check.status == "passed" for check in verdict.checks.values())


def test_check_leaves_the_workspace_untouched(tiny):
    spec = solution_spec()
    tiny.write_pipeline(spec)
    assert tiny.exp_run().ok
    tiny.write("notes.txt", "uncommitted learner work\n")
    before = snapshot(tiny.path)
    verdict = tiny.check()
    assert verdict.returncode == 0, verdict.output
    assert snapshot(tiny.path) == before


def test_ctrl_c_is_no_verdict(tiny):
    """Ctrl-C after the first checks: no "Bravo" for the checks that ran, exit code 130, no traceback."""
    proc = subprocess.Popen([sys.executable, "-m", "kit", "check", "05", "--workspace", str(tiny.path)], cwd=KIT_ROOT,
                            env=kit_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    said = [proc.stdout.readline(), proc.stdout.readline()]  # the header, then the first check
    os.killpg(proc.pid, signal.SIGINT)
    said.append(proc.stdout.read())
    assert proc.wait(timeout=60) == 130
    text = "".join(said)
    assert said[1].strip()[:1] in "✔✘" and "Vérification interrompue" in text
    assert "Bravo" not in text and "Traceback" not in text
