"""make grade: every submission judged in isolation, four kinds of report."""

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import yaml

from checks.result import FAILED, PASSED, CheckResult
from kit import KIT_ROOT, chapters, grading, reports, submissions
from tools import make_submissions
from tests.conftest import TinyProject, sh, started
from tests.test_hostile import tree_hash
from tests.variants import BROKEN, CORRECT


@pytest.fixture(scope="module")
def graded(tiny_template, tmp_path_factory):
    """Five tiny submissions: right, wrong, hanging, not a repository, a git bundle."""
    folder = tmp_path_factory.mktemp("submissions")

    def learner(name, variant):
        project = TinyProject(folder / name)
        shutil.copytree(tiny_template, project.path, symlinks=True)
        project.become(variant)
        return project

    learner("alice", CORRECT["the solution"])
    learner("bob", BROKEN["evaluation not re-run after retraining"])
    learner("carol", BROKEN["training hangs"])
    (folder / "dave").mkdir()
    (folder / "dave" / "notes.txt").write_text("pas un dépôt")
    eve = learner("eve-source", CORRECT["the solution"])
    sh(eve.path, f"git add -A && git commit -qm done && git bundle create -q {folder / 'eve.bundle'} --all")
    shutil.rmtree(eve.path)

    out = tmp_path_factory.mktemp("grades")
    mp = pytest.MonkeyPatch()
    mp.setattr(grading, "TIME_LIMIT", 40)  # carol hangs: stopped by the grader, not by her stage's own limit
    mp.setenv("DVC_CHECK_STAGE_TIMEOUT", "600")
    try:
        grades = grading.grade_all(chapters.get("05"), folder)
        reports.write_reports(chapters.get("05"), grades, out)
    finally:
        mp.undo()
    return {grade.learner: grade for grade in grades}, out


def test_each_submission_gets_its_own_verdict(graded):
    grades, _ = graded
    assert sorted(grades) == ["alice", "bob", "carol", "dave", "eve"]
    assert grades["alice"].passed and grades["alice"].metric is not None
    bob = {c.id: c for c in grades["bob"].checks}
    assert bob["test_change_reruns_downstream[train.py]"].key == "not_invalidated"
    assert "limite de temps" in grades["carol"].problem
    assert "ni un dépôt git" in grades["dave"].problem
    assert grades["eve"].problem is None and not grades["eve"].passed  # cloned, judged: no data in a bundle


def test_four_kinds_of_report(graded):
    grades, out = graded
    page = (out / "report.html").read_text(encoding="utf-8")
    assert all(name in page for name in grades) and "Non vérifié" in page
    assert "| alice |" in (out / "report.md").read_text(encoding="utf-8")
    suites = ET.parse(out / "junit.xml").getroot()
    assert {suite.get("name") for suite in suites} == set(grades)
    bob = next(suite for suite in suites if suite.get("name") == "bob")
    assert int(bob.get("failures")) >= 1
    assert "Indice : make hint-chapter05" in (out / "feedback" / "bob.md").read_text(encoding="utf-8")
    assert sorted(p.stem for p in (out / "feedback").glob("*.md")) == sorted(grades)


def test_html_report_escapes_what_learners_wrote():
    """Learner names, check messages and problems are text, never markup, in the page."""
    checks = [CheckResult("a", "t1", PASSED), CheckResult("b", "t2", FAILED, "k", "stage <train> failed")]
    grades = [reports.Grade("<script>alert(1)</script>", checks=checks, metric=0.8),
              reports.Grade("zoe", problem="pas un <dépôt>"),
              reports.Grade("yann", checks=checks[:1])]  # all passed, one check not reported
    page = reports.html_report(chapters.get("05"), grades)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "stage &lt;train&gt; failed" in page and "Non vérifié : pas un &lt;dépôt&gt;" in page
    assert "1/3 apprenants ont tout réussi." in page and ">1/2</td>" in page and ">0.800</td>" in page
    assert '<td class="not_checked">?</td>' in page and "<summary>yann</summary>" not in page


@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed (.ci/run installs it)")
def test_html_report_renders_in_a_browser(graded, tmp_path):
    """Headless Chromium renders the page; the screenshot is kept beside the report to look at."""
    _, out = graded
    shot = out / "report.png"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,900",
                    f"--screenshot={shot}", (out / "report.html").as_uri()],
                   check=True, capture_output=True, timeout=120)
    assert shot.stat().st_size > 10_000  # a real picture, not an empty page
    shutil.copyfile(shot, tmp_path / "report.png")


def test_make_submissions_builds_a_class_from_the_registry(tmp_path):
    """tools/make_submissions.py: the tests' own tiny project and variants, the usual mistakes first."""
    assert set(make_submissions.MISTAKES) - {"not a repo"} <= set(BROKEN)
    folder = tmp_path / "class"
    subprocess.run([sys.executable, "tools/make_submissions.py", str(folder), "--count", "2"], cwd=KIT_ROOT,
                   check=True, capture_output=True)
    assert sorted(path.name for path in folder.iterdir()) == ["learner-01", "learner-02"]
    assert (folder / "learner-01" / "dvc.lock").is_file()  # run, as the learner did
    # The first mistake of the list: the original workshop's bug, the evaluation without model.h5.
    assert "model.h5" not in yaml.safe_load((folder / "learner-01" / "dvc.yaml").read_text())["stages"]["evaluate"]["deps"]


# --- A class as instructors collect it, sharded grading, fingerprints, the course systems' formats --------

def test_siblings_belong_to_their_learner(tmp_path):
    """alice-remote and alice-origin.git (made by make start beside subs/alice) are alice's, not learners."""
    for name in ("alice/.git", "alice-remote/files", "alice-origin.git/refs", "carol-remote", "dave"):
        (tmp_path / name).mkdir(parents=True)
    (tmp_path / "bob.bundle").write_text("bundle")
    assert [learner for learner, _ in submissions.collect(tmp_path)] == ["alice", "bob", "carol-remote", "dave"]
    assert [path.name for path in submissions.siblings(tmp_path / "alice")] == ["alice-remote", "alice-origin.git"]


def test_a_remote_of_any_name_beside_a_workspace_is_its_own(tmp_path):
    """Chapter 03's backup remote is named by the learner: a folder beside the workspace that its DVC config
    (shared or local) or git names as a remote is the workspace's; another learner's workspace never is."""
    for name in ("alice", "bob", "my-backup", "spare", "stray"):
        (tmp_path / name).mkdir()
    for name in ("alice", "bob"):
        subprocess.run(["git", "init", "-q"], cwd=tmp_path / name, check=True)
    (tmp_path / "alice" / ".dvc").mkdir()
    (tmp_path / "alice" / ".dvc" / "config").write_text("[core]\n    remote = b\n['remote \"b\"']\n    url = ../../my-backup\n")
    (tmp_path / "alice" / ".dvc" / "config.local").write_text("['remote \"s\"']\n    url = " + str(tmp_path / "spare") + "\n")
    subprocess.run(["git", "remote", "add", "friend", "../bob"], cwd=tmp_path / "alice", check=True)
    assert sorted(path.name for path in submissions.siblings(tmp_path / "alice")) == ["my-backup", "spare"]
    assert [learner for learner, _ in submissions.collect(tmp_path)] == ["alice", "bob", "stray"]
    (tmp_path / "alice" / ".dvc" / "config").write_text("['remote \"b\"'\n")  # malformed: names nothing
    assert sorted(path.name for path in submissions.siblings(tmp_path / "alice")) == ["spare"]


def test_a_class_made_with_make_start_is_graded_with_its_own_remotes(tmp_path):
    """Chapter 03 needs each learner's DVC remote: the sandbox sees its copy, and the original is untouched."""
    subs = tmp_path / "subs"
    started("03", subs / "alice", solved=True)
    before = tree_hash(subs / "alice-remote")
    grades = {grade.learner: grade for grade in grading.grade_all(chapters.get("03"), subs)}
    assert sorted(grades) == ["alice"]
    assert grades["alice"].passed, grades["alice"]
    assert tree_hash(subs / "alice-remote") == before


@pytest.fixture(scope="module")
def small_class(tiny_template, tmp_path_factory):
    folder = tmp_path_factory.mktemp("small-class")
    for name, variant in (("alice", CORRECT["the solution"]), ("bob", BROKEN["metrics.json not declared"])):
        shutil.copytree(tiny_template, folder / name, symlinks=True)
        TinyProject(folder / name).become(variant)
    (folder / "dave").mkdir()
    return folder


def comparable(out):
    """What a grading wrote, without what depends on the clock (durations)."""
    texts = {path.relative_to(out).as_posix(): path.read_text(encoding="utf-8") for path in sorted(out.rglob("*"))
             if path.is_file() and path.suffix in (".md", ".json", ".xml") and "shards" not in path.parts}
    texts = {name: re.sub(r'(time="|"execution_time": |"seconds": )[0-9.]+', r"\1T", text) for name, text in texts.items()}
    return {name: re.sub(r'"fingerprint": "\w+"', "F", text) if name == "grades.json" else text
            for name, text in texts.items()}


@pytest.fixture(scope="module")
def one_run(small_class, tmp_path_factory):
    """The small class graded once, into its own GRADES folder."""
    out = tmp_path_factory.mktemp("one-run")
    assert grading.grade(chapters.get("05"), small_class, out) == 0
    return out


def test_sharded_then_merged_grading_equals_one_run(small_class, one_run, tmp_path):
    chapter = chapters.get("05")
    shutil.copytree(one_run, tmp_path / "one")
    assert [grading.grade(chapter, small_class, tmp_path / "sharded", shard=f"{k}/3") for k in (1, 2, 3)] == [0] * 3
    shards = [reports.load(path)[1] for path in sorted((tmp_path / "sharded" / "shards").glob("*.json"))]
    assert sorted(grade.learner for grades in shards for grade in grades) == ["alice", "bob", "dave"]
    assert grading.merge(chapter, tmp_path / "sharded") == 0
    assert comparable(tmp_path / "sharded") == comparable(tmp_path / "one")
    assert len(comparable(tmp_path / "one")) == 3 + 3 + 3  # feedback and results of 3 learners, 3 reports


def test_merge_refuses_an_incomplete_or_mixed_set_of_shards(small_class, tmp_path, capsys):
    chapter = chapters.get("05")
    grading.grade(chapter, small_class, tmp_path, shard="1/2")
    assert grading.merge(chapter, tmp_path) == 2 and "2/2" in capsys.readouterr().out
    reports.save(tmp_path / "shards" / "shard-1-of-3.json", chapter, [], shard=[1, 3])
    assert grading.merge(chapter, tmp_path) == 2 and "mélange" in capsys.readouterr().out
    assert grading.grade(chapter, small_class, tmp_path, shard="3/2") == 2 and "SHARD=3/2" in capsys.readouterr().out


def test_an_unchanged_submission_is_not_graded_again(small_class, one_run, tmp_path, monkeypatch):
    chapter, judged = chapters.get("05"), []
    real = grading.grade_one
    monkeypatch.setattr(grading, "grade_one", lambda chapter, learner, *a, **k: judged.append(learner) or
                        real(chapter, learner, *a, **k))
    shutil.copytree(one_run, tmp_path, dirs_exist_ok=True)  # an earlier grading into this GRADES folder
    first = (tmp_path / "report.md").read_text(encoding="utf-8")
    grading.grade(chapter, small_class, tmp_path)
    assert judged == [] and (tmp_path / "report.md").read_text(encoding="utf-8") == first
    (small_class / "dave" / "notes.txt").write_text("changed")
    grading.grade(chapter, small_class, tmp_path)
    assert judged == ["dave"]
    judged.clear()
    grading.grade(chapter, small_class, tmp_path, force=True)
    assert sorted(judged) == ["alice", "bob", "dave"]
    (small_class / "dave" / "notes.txt").unlink()


def test_gradescope_results_and_the_gradebook(one_run, tmp_path):
    shutil.copytree(one_run, tmp_path / "ch05")
    alice = json.loads((tmp_path / "ch05" / "results" / "alice.json").read_text(encoding="utf-8"))
    bob = json.loads((tmp_path / "ch05" / "results" / "bob.json").read_text(encoding="utf-8"))
    dave = json.loads((tmp_path / "ch05" / "results" / "dave.json").read_text(encoding="utf-8"))
    assert alice["score"] == alice["max_score"] == len(alice["tests"]) and {t["status"] for t in alice["tests"]} == {"passed"}
    failed = [test for test in bob["tests"] if test["status"] == "failed"]
    assert bob["score"] < bob["max_score"] and failed and all(test["output"] for test in failed)
    assert dave["score"] == 0 and "dépôt git" in dave["tests"][0]["output"]
    assert set(alice) <= {"score", "max_score", "execution_time", "output", "tests"}  # Gradescope's own keys
    assert all(set(test) <= {"name", "number", "score", "max_score", "status", "output"} for test in bob["tests"])
    # A second chapter's grading beside it, then the gradebook of both.
    ch04 = [reports.Grade("alice", checks=[CheckResult("a", "t", PASSED)]), reports.Grade("erin", problem="x")]
    (tmp_path / "ch04").mkdir()
    reports.save(tmp_path / "ch04" / reports.GRADES_FILE, chapters.get("04"), ch04)
    proc = subprocess.run([sys.executable, "-m", "kit", "gradebook", str(tmp_path)], cwd=KIT_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "gradebook.csv" in proc.stdout
    rows = list(csv.reader((tmp_path / "gradebook.csv").open(encoding="utf-8")))
    assert rows[0] == ["Apprenant", "Chapitre 04", "Chapitre 05", "Chapitres réussis"]
    table = {row[0]: row[1:] for row in rows[1:]}
    assert table["alice"][0] == "1/1" and table["alice"][2] == "2"
    assert table["erin"] == ["non vérifié", "–", "0"] and table["bob"][0] == "–"
    assert "<td class=\"learner\">bob</td>" in (tmp_path / "gradebook.html").read_text(encoding="utf-8")


def test_make_grade_refuses_to_run_learners_code_without_the_sandbox(small_class, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(grading.jail, "problem", lambda: "bwrap not installed")
    assert grading.grade(chapters.get("05"), small_class, tmp_path) == 2
    said = capsys.readouterr().out
    assert "sudo apt install bubblewrap" in said and "GRADE_UNSAFE=1" in said and not (tmp_path / "report.md").exists()


def test_a_submission_holding_a_pipe_or_a_device_link_cannot_block_the_grader(tmp_path):
    """Copying a named pipe would wait forever and /dev/zero never ends: neither is read."""
    learner = tmp_path / "subs" / "mallory"
    (learner / ".git").mkdir(parents=True)
    os.mkfifo(learner / "pipe")
    (learner / "metrics.json").symlink_to("/dev/zero")
    copy = submissions.materialise(learner, tmp_path / "work")  # returns: the pipe is skipped
    assert not (copy / "pipe").exists() and (copy / "metrics.json").is_symlink()
    assert grading.metric_value(chapters.get("05"), copy) is None
