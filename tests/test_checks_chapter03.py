"""Chapter 03 checks: a default remote, committed, pushed, pullable by a colleague.

The S3 path runs against a real S3-compatible server (moto's server mode) on
a loopback port, with dvc-s3: what an instructor gets with
DVC_WORKSHOP_REMOTE=s3://bucket/{user}.
"""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from kit.shell import VENV_BIN, run
from tests.conftest import judge, sh, started
from tests.contract import solved, test_solution_passes_and_untouched_exercise_fails, untouched  # noqa: F401 - run here


@pytest.fixture
def start(tmp_path):
    return started("03", tmp_path / "ws")


UNTOUCHED = {"test_default_remote": "no_remote"}


def test_remote_only_local(start, tmp_path):
    sh(start, f"dvc remote add --local -d default {tmp_path / 'remote'} && dvc push -q")
    failed = judge(start, "03").failed()
    assert failed["test_remote_committed"] == "remote_not_committed"
    assert failed["test_colleague_can_pull"] == "clone_pull_failed"


def test_not_pushed(start, tmp_path):
    sh(start, f"dvc remote add -d default {tmp_path / 'remote'} && git commit -qam remote")
    assert judge(start, "03").failed()["test_remote_has_everything"] == "remote_missing_data"


def test_tagged_version_not_pushed(start, tmp_path):
    """A plain dvc push sends version 2 only: the listings of chapter02-v1 and -v3 stay local.
    Each message names one tag, and its command fixes it."""
    sh(start, f"dvc remote add -d default {tmp_path / 'remote'} && dvc push -q && git commit -qam remote")
    backup(start, tmp_path)
    for tag in ("chapter02-v1", "chapter02-v3"):
        verdict = judge(start, "03")
        assert verdict.failed() == {"test_tagged_versions_can_be_pulled": "tag_version_not_pushed"}, verdict.output
        message = verdict.checks["test_tagged_versions_can_be_pulled"].message
        command = f"git checkout {tag} -- data.dvc && dvc push data.dvc && git checkout HEAD -- data.dvc"
        assert command in message
        sh(start, command)
    assert judge(start, "03").failed() == {}
    # A tag of the learner's own whose data is on the backup only: not a chapter02-vN version, not judged by
    # this check (`dvc status -c --all-tags` reports it, so the check falls back on the colleague's clone).
    sh(start, "git checkout -q -b side && echo draft > notes.txt && dvc add -q notes.txt"
              " && git add notes.txt.dvc .gitignore && git commit -qm draft && git tag my-draft"
              " && dvc push -q -r secours notes.txt.dvc && git checkout -q main && dvc checkout -q")
    assert judge(start, "03").failed() == {}


def backup(project, folder, name="secours"):
    """The chapter's own task done: a second remote in `folder`, every version pushed there."""
    sh(project, f"dvc remote add {name} {folder / 'backup'} && dvc push -q -r {name} && for v in 1 3; do"
                f" git checkout -q chapter02-v$v -- data.dvc && dvc push -q -r {name} data.dvc; done"
                " && git checkout -q HEAD -- data.dvc")


def test_backup_remote(start, tmp_path):
    """No second remote; one in the same place as the default, or inside the project; one with the current
    version only (a plain push); then every version."""
    sh(start, f"dvc remote add -d default {tmp_path / 'remote'} && dvc push -q && git commit -qam remote")
    sh(start, "for v in 1 3; do git checkout -q chapter02-v$v -- data.dvc && dvc push -q data.dvc; done"
              " && git checkout -q HEAD -- data.dvc")
    said = []
    for setup in ("", f"dvc remote add --local copy {tmp_path / 'remote'}",
                  "dvc remote remove --local copy && dvc remote add --local copy inside",
                  f"dvc remote modify --local copy url {tmp_path / 'copy'} && dvc push -q -r copy"):
        if setup:
            sh(start, setup)
        verdict = judge(start, "03")
        failed = dict(verdict.failed())
        assert set(failed) == {"test_backup_remote_has_every_version"}, verdict.output
        said.append(failed["test_backup_remote_has_every_version"])
    assert said == ["no_backup_remote", "backup_same_place", "backup_inside_workspace",
                                   "backup_missing_data"]
    sh(start, "for v in 1 3; do git checkout -q chapter02-v$v -- data.dvc && dvc push -q -r copy data.dvc; done"
              " && git checkout -q HEAD -- data.dvc")
    verdict = judge(start, "03")
    assert verdict.failed() == {}, verdict.output


def test_remote_inside_workspace(start):
    sh(start, "dvc remote add -d default storage && dvc push -q && git commit -qam remote")
    assert judge(start, "03").failed()["test_remote_outside_workspace"] == "remote_inside_workspace"


def test_relative_path(start):
    """`dvc remote add -d default ../ws-remote`: DVC keeps it relative to .dvc/, and resolves it from each
    clone's place (a colleague's, `dvc get`'s). Only that is said; an absolute path, committed, fixes it."""
    sh(start, "dvc remote add -d default ../ws-remote && dvc push -q && git commit -qam remote")
    sh(start, "for v in 1 3; do git checkout -q chapter02-v$v -- data.dvc && dvc push -q data.dvc; done"
              " && git checkout -q HEAD -- data.dvc")
    backup(start, start.parent)
    verdict = judge(start, "03")
    assert verdict.failed() == {"test_remote_found_from_any_clone": "remote_path_relative"}, verdict.output
    assert "../../ws-remote" in verdict.checks["test_remote_found_from_any_clone"].message
    sh(start, f"dvc remote modify default url {start.parent / 'ws-remote'} && git commit -qam absolute")
    verdict = judge(start, "03")
    assert verdict.failed() == {}, verdict.output


def test_variant_home_path(start):
    """`~/...` is the learner's home wherever the clone is: DVC expands it."""
    remote = Path.home() / f"kit-test-{start.parent.name}-remote"
    try:
        sh(start, f"dvc remote add -d default ~/{remote.name} && dvc push -q && git commit -qam remote")
        assert "test_remote_found_from_any_clone" not in judge(start, "03").failed()
    finally:
        shutil.rmtree(remote, ignore_errors=True)


@pytest.fixture
def s3(tmp_path):
    """A moto S3 server on a free loopback port, and the AWS variables that point at it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}
    try:
        deadline = time.monotonic() + 120  # a busy 2-core machine may take long to start it: wait, then say so
        while True:
            assert server.poll() is None, "moto_server stopped at start"
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline, "moto_server did not listen within 120 s"
            time.sleep(0.1)
        yield env
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_instructor_s3_remote(s3, tmp_path, monkeypatch):
    """DVC_WORKSHOP_REMOTE=s3://...: the chain pushes there, and a colleague pulls from there.

    (It is also the chain's test: the start of chapter 04 passes chapter 03's checks.)"""
    for key, value in s3.items():
        monkeypatch.setenv(key, value)
    bucket = run(["python", "-c", "import boto3; boto3.client('s3').create_bucket(Bucket='atelier')"], cwd=tmp_path)
    assert bucket.ok, bucket.output
    monkeypatch.setenv("DVC_WORKSHOP_REMOTE", "s3://atelier/{user}")
    path = started("04", tmp_path / "ws")  # chapter 03's solution ran with that remote
    assert "s3://atelier/" in (path / ".dvc" / "config").read_text()
    verdict = judge(path, "03", env=s3)
    assert verdict.failed() == {}, verdict.output
    listing = run(["python", "-c", "import boto3; print(boto3.client('s3').list_objects_v2(Bucket='atelier')['KeyCount'])"],
                  cwd=tmp_path)
    assert int(listing.output.strip()) > 0
