"""make ci-template: CI files for a learner's project and for a sharded class grading, valid for their platforms.

Each file is validated offline against the platform's published schema (check-jsonschema's
vendored copies of GitHub's workflow schema and GitLab's CI schema), and its structure is read:
it sets up the kit, checks the chapter (or grades a shard, then merges) and publishes the verdicts.
"""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import yaml

from kit import KIT_ROOT
from kit.shell import kit_env
from tests.variants import CORRECT

SCHEMAS = {".github/workflows/dvc-workshop.yml": "vendor.github-workflows", ".gitlab-ci.yml": "vendor.gitlab-ci",
           ".github/workflows/class-grading.yml": "vendor.github-workflows"}
URL = "https://example.org/teacher/dvc-workshop-kit.git"


def kit(*args):
    return subprocess.run([sys.executable, "-m", "kit", *args], cwd=KIT_ROOT, env=kit_env(), capture_output=True,
                          text=True, timeout=120)


def valid(path, schema):
    """check-jsonschema's verdict on `path` against a vendored schema (offline): (ok, what it said)."""
    proc = subprocess.run([str(KIT_ROOT / ".venv" / "bin" / "check-jsonschema"), "--builtin-schema", schema,
                           str(path)], capture_output=True, text=True, timeout=120)
    return proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def learner_files(tmp_path_factory):
    ws = tmp_path_factory.mktemp("learner") / "ws"
    ws.mkdir()
    subprocess.run(["git", "init", "-q", str(ws)], check=True)
    said = kit("ci-template", "05", "--workspace", str(ws), "--kit-url", URL)
    assert said.returncode == 0, said.stderr
    return ws, said.stdout


@pytest.mark.parametrize("name", [".github/workflows/dvc-workshop.yml", ".gitlab-ci.yml"])
def test_learner_ci_files_are_valid_for_their_platform(learner_files, name):
    ws, _ = learner_files
    ok, said = valid(ws / name, SCHEMAS[name])
    assert ok, said


def test_the_github_workflow_checks_the_chapter_on_every_push_and_publishes_the_verdicts(learner_files):
    ws, said = learner_files
    flow = yaml.safe_load((ws / ".github/workflows/dvc-workshop.yml").read_text(encoding="utf-8"))
    assert "push" in flow[True]  # YAML 1.1 reads the key `on` as True
    steps = flow["jobs"]["check"]["steps"]
    runs = " ".join(step.get("run", "") for step in steps)
    assert f'git clone --depth 1 "{URL}" kit' in runs and "make -C kit setup" in runs
    assert "make -C kit check-chapter05" in runs and 'RESULTS="$GITHUB_WORKSPACE/results"' in runs
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["if"] == "always()" and upload["with"]["path"] == "results/"
    assert "Commitez et poussez" in said


def test_the_gitlab_job_checks_the_chapter_and_reports_junit(learner_files):
    ws, _ = learner_files
    job = yaml.safe_load((ws / ".gitlab-ci.yml").read_text(encoding="utf-8"))["dvc-workshop-chapter05"]
    assert any("check-chapter05" in line for line in job["script"])
    assert job["artifacts"]["when"] == "always" and job["artifacts"]["reports"]["junit"] == "results/junit.xml"


def test_without_a_kit_address_the_ci_reads_a_variable_and_the_instructor_is_told(tmp_path):
    (tmp_path / "ws").mkdir()
    subprocess.run(["git", "init", "-q", str(tmp_path / "ws")], check=True)
    said = kit("ci-template", "03", "--workspace", str(tmp_path / "ws"))
    assert said.returncode == 0 and "DVC_KIT_URL" in said.stdout
    assert "${{ vars.DVC_KIT_URL }}" in (tmp_path / "ws/.github/workflows/dvc-workshop.yml").read_text()
    assert '"$DVC_KIT_URL"' in (tmp_path / "ws/.gitlab-ci.yml").read_text()
    assert valid(tmp_path / "ws/.gitlab-ci.yml", SCHEMAS[".gitlab-ci.yml"])[0]


def test_no_workspace_no_ci_files(tmp_path):
    said = kit("ci-template", "05", "--workspace", str(tmp_path / "absent"))
    assert said.returncode == 1 and "make start-chapter01" in said.stderr and "Traceback" not in said.stderr


def test_the_sharded_class_grading_example(tmp_path):
    """A matrix of 4 `make grade ... SHARD=k/4` jobs, then one `make grade-merge` job that needs them all."""
    said = kit("ci-template", "05", "--shards", "4", "--dest", str(tmp_path), "--kit-url", URL)
    assert said.returncode == 0, said.stderr
    path = tmp_path / ".github/workflows/class-grading.yml"
    ok, problem = valid(path, SCHEMAS[".github/workflows/class-grading.yml"])
    assert ok, problem
    flow = yaml.safe_load(path.read_text(encoding="utf-8"))
    grade, merge = flow["jobs"]["grade"], flow["jobs"]["merge"]
    assert grade["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]
    runs = " ".join(step.get("run", "") for step in grade["steps"])
    assert "bubblewrap" in runs and "SHARD=${{ matrix.shard }}/4" in runs and "make -C kit grade CHAPTER=05" in runs
    assert merge["needs"] == "grade"
    assert any("make -C kit grade-merge CHAPTER=05" in step.get("run", "") for step in merge["steps"])


def test_the_validator_catches_a_broken_workflow(learner_files, tmp_path):
    """The schema test can fail: a job without runs-on, artifacts kept at an unknown time."""
    ws, _ = learner_files
    broken = tmp_path / "broken.yml"
    broken.write_text((ws / ".github/workflows/dvc-workshop.yml").read_text().replace("    runs-on: ubuntu-latest\n", ""))
    assert not valid(broken, "vendor.github-workflows")[0]
    job = yaml.safe_load((ws / ".gitlab-ci.yml").read_text())
    job["dvc-workshop-chapter05"]["artifacts"]["when"] = "sometimes"
    broken.write_text(yaml.safe_dump(job))
    assert not valid(broken, "vendor.gitlab-ci")[0]


def test_a_check_writes_junit_and_results_json_for_the_ci(tiny, tmp_path):
    tiny.become(CORRECT["the solution"])
    proc = subprocess.run([sys.executable, "-m", "kit", "check", "05", "--workspace", str(tiny.path), "--results",
                           str(tmp_path / "results")], cwd=KIT_ROOT, env=kit_env(), capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout
    suite = ET.parse(tmp_path / "results" / "junit.xml").getroot()[0]
    results = json.loads((tmp_path / "results" / "results.json").read_text(encoding="utf-8"))
    assert int(suite.get("tests")) == results["max_score"] == results["score"] == 16


def test_the_kits_own_remote_is_used_only_when_a_ci_can_reach_it(monkeypatch):
    from kit import ci
    from kit.shell import Result

    for origin, expected in (("https://example.org/kit.git", "https://example.org/kit.git"),
                             ("git@example.org:kit.git", "git@example.org:kit.git"),
                             ("/home/me/kit", ci.URL_VARIABLES["github"])):
        monkeypatch.setattr(ci, "run", lambda *a, origin=origin, **k: Result(0, origin + "\n"))
        assert ci.kit_url()["github"] == expected
    assert ci.kit_url("https://given.example/kit.git")["gitlab"] == "https://given.example/kit.git"
