"""make grade: every submission judged in isolation, four kinds of report."""

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import yaml

from checks.result import FAILED, PASSED, CheckResult
from kit import KIT_ROOT, chapters, grading
from tools import make_submissions
from tests.conftest import TinyProject, sh
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
        grading.write_reports(chapters.get("05"), grades, out)
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
    grades = [grading.Grade("<script>alert(1)</script>", checks=checks, metric=0.8),
              grading.Grade("zoe", problem="pas un <dépôt>"),
              grading.Grade("yann", checks=checks[:1])]  # all passed, one check not reported
    page = grading.html_report(chapters.get("05"), grades)
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
