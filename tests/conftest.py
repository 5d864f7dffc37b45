"""Fixtures for the kit's own tests.

`tiny` is a chapter-05 workspace in miniature (built by tests/variants.py, with
the learners' variants of it), so a check runs in seconds. Tests break or fix
it, then judge it with `python -m kit check`.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from checks.sandbox import copy_project
from checks.result import FAILED, ChapterResult
from kit import KIT_ROOT, colleague
from kit.shell import git, kit_env, run, sh

from tests import starts, variants
from tests.starts import started  # noqa: F401 - the tests' usual import
from tests.variants import solution_spec  # noqa: F401 - the tests' usual import


# The kit's tests read its French (the reference) unless a test sets KIT_LANG itself: a developer's own
# `export KIT_LANG=en` must not change what they see.
os.environ.pop("KIT_LANG", None)

# Long, independent tests that any free worker may take (one chapter's replay each).
SPREAD = ("tests/test_transcripts.py::test_chapter_text_is_what_really_happens",)
# The longest files and tests, started first so that none is left for last (the whole course in one workspace),
# and the class gradings, whose waits (a submission that hangs until its time limit) then overlap with the
# others' work instead of ending the run.
FIRST = SPREAD + ("tests/test_one_workspace.py::", "tests/test_checks_chapter08.py::",
                  "tests/test_checks_chapter08_ways.py::", "tests/test_hostile.py::", "tests/test_grading.py::")


def pytest_xdist_make_scheduler(config, log):
    """`make test`'s schedule: each test file on one worker, so its module fixtures are built once,
    except the SPREAD tests, which go to whichever worker is free.

    (pytest-xdist's own `--dist loadgroup` would say this with marks, but with
    pytest 9 it silently ignores them: it still writes the node id where pytest 8 kept it.)
    """
    from xdist.scheduler import LoadFileScheduling

    class FilesAndSpread(LoadFileScheduling):
        def _split_scope(self, nodeid):
            return nodeid if nodeid.startswith(SPREAD) else super()._split_scope(nodeid)

    return FilesAndSpread(config, log)


def pytest_collection_modifyitems(items):
    """The long FIRST tests first, so that none is left for last."""
    items.sort(key=lambda item: not item.nodeid.startswith(FIRST))


class Verdict:
    """What `python -m kit check` said: exit code, printed text, and its result ({check id: CheckResult})."""

    def __init__(self, returncode, output, result):
        self.returncode = returncode
        self.output = output
        self.checks = {check.id: check for check in result.checks} if result else {}

    def status(self, check_id):
        return self.checks[check_id].status

    def failed(self):
        return {check_id: check.key for check_id, check in self.checks.items() if check.status == FAILED}


class TinyProject:
    def __init__(self, path):
        self.path = path

    def write(self, name, text):
        variants.write(self.path, name, text)

    def write_pipeline(self, spec):
        variants.write(self.path, "dvc.yaml", yaml.safe_dump(spec, sort_keys=False))

    def become(self, variant):
        """This learner's variant of the project (tests/variants.py), run if they ran it."""
        return variants.apply(self.path, variant)

    def sh(self, command):
        return sh(self.path, command)

    def exp_run(self):
        return run("dvc exp run -q", cwd=self.path, shell=True, timeout=300)

    def check(self, chapter="05", env=None):
        return judge(self.path, chapter, env)


def judge(path, chapter, env=None):
    """Run `python -m kit check` on a workspace, as `make check-chapterNN` does."""
    report = Path(path).parent / f"report-{chapter}.json"
    report.unlink(missing_ok=True)
    proc = subprocess.run(
        [sys.executable, "-m", "kit", "check", chapter, "--workspace", str(path), "--report", str(report)],
        cwd=KIT_ROOT, env=kit_env(env), capture_output=True, text=True, timeout=900,
    )
    output = proc.stdout + proc.stderr
    return Verdict(proc.returncode, output, ChapterResult.load(report) if report.exists() else None)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    node.workerinput["kit_starts"] = str(starts.FOLDER)


def pytest_configure(config):
    """The folder of the session's chapter starts (tests/starts.py): the controller's, shared by its workers."""
    if hasattr(config, "workerinput"):
        starts.FOLDER = Path(config.workerinput["kit_starts"])
    else:
        starts.FOLDER = Path(tempfile.mkdtemp(prefix="kit-starts-"))


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput") and starts.FOLDER:
        shutil.rmtree(starts.FOLDER, ignore_errors=True)


def snapshot(path):
    """Every file's content and mtime (git's and DVC's included), and every git ref: what a check, make dag or
    make quiz must leave alone."""
    path = Path(path)
    files = {str(p.relative_to(path)): (p.read_bytes(), p.stat().st_mtime_ns)
             for p in sorted(path.rglob("*")) if p.is_file() and not p.is_symlink()}
    refs = subprocess.run(["git", "for-each-ref", "--format=%(refname) %(objectname)"], cwd=path,
                          capture_output=True, text=True).stdout
    return files, refs


def copy_workspace(source, target):
    """A copy of a workspace that tests may change freely: its git remote `origin` (chapter 06 on) copied too."""
    copied = copy_project(source, target)
    origin = colleague.origin_of(source)
    if origin.is_dir():
        shutil.copytree(origin, colleague.origin_of(copied), symlinks=True)
        git(copied, "remote", "set-url", "origin", str(colleague.origin_of(copied)))
    return copied


@pytest.fixture(scope="session")
def tiny_template(tmp_path_factory):
    return variants.build(tmp_path_factory.mktemp("template") / "project")


@pytest.fixture
def tiny(tiny_template, tmp_path):
    path = tmp_path / "project"
    shutil.copytree(tiny_template, path, symlinks=True)
    return TinyProject(path)
