"""Class grading: `make grade CHAPTER=NN SUBMISSIONS=dir`.

Each entry of SUBMISSIONS is one learner: a workspace folder, a bare git
repository (name.git) or a git bundle (name.bundle). Each is judged in
isolation: a throwaway copy, its own `python -m kit check` process with a
time limit and a memory limit, up to one per core at once. A broken or
hanging submission gets its verdict and never stops the others.

Reports (in GRADES, default grades/chapterNN-<date>): report.html,
report.md, junit.xml, and feedback/<learner>.md for each learner.
"""

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

import psutil

from checks.result import FAILED, NOT_CHECKED, PASSED, SYMBOLS, ChapterResult, hint_line
from kit import KIT_ROOT, jail, lang, limits, submissions
from kit.shell import kit_env

TIME_LIMIT = int(os.environ.get("GRADE_TIME_LIMIT", "300"))  # seconds per submission
MEMORY_LIMIT = int(os.environ.get("GRADE_MEMORY_LIMIT_MB", "8192"))  # address space of the checker
PROCESS_LIMIT = int(os.environ.get("GRADE_PROCESS_LIMIT", "256"))  # processes of one submission at once
CHECKER_PROCESSES = 16  # the checker's own, beside the learner's
FILE_LIMIT_MB = jail.FILE_MB  # the largest file a learner's command may write
DISK_LIMIT_MB = int(os.environ.get("GRADE_DISK_LIMIT_MB", "4096"))  # what one submission's grading may write
WATCH_EVERY, DISK_EVERY = 0.2, 2.0  # seconds between two looks at a submission's processes, at its disk use
# Git runs no command that a learner's repository configures (a hook, an fsmonitor, an ext:: transport).
SAFE_GIT = {"GIT_CONFIG_COUNT": "3", "GIT_CONFIG_KEY_0": "core.fsmonitor", "GIT_CONFIG_VALUE_0": "false",
            "GIT_CONFIG_KEY_1": "core.hooksPath", "GIT_CONFIG_VALUE_1": "/dev/null",
            "GIT_CONFIG_KEY_2": "protocol.ext.allow", "GIT_CONFIG_VALUE_2": "never"}
TEMPLATES = KIT_ROOT / "kit" / "templates"


@dataclass
class Grade:
    learner: str
    checks: list = field(default_factory=list)  # of CheckResult (checks/result.py)
    problem: str | None = None  # the submission could not be judged at all
    metric: float | None = None  # the value of the chapter's graded metric (chapter.toml `metric`), if any
    seconds: float = 0.0

    @property
    def passed(self):
        return self.problem is None and bool(self.checks) and all(c.status == PASSED for c in self.checks)

    @property
    def score(self):
        return sum(c.status == PASSED for c in self.checks)


def kill_tree(pid):
    """Kill a process and all its descendants (the checker starts DVC in sessions of their own)."""
    for process in _family(pid):
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass


def _family(pid):
    try:
        parent = psutil.Process(pid)
        return parent.children(recursive=True) + [parent]
    except psutil.NoSuchProcess:
        return []


def _disk_use(folder):
    """Bytes written in `folder` (each file once, hard links included)."""
    seen, total = set(), 0
    for root, _, files in os.walk(folder):
        for name in files:
            try:
                info = os.lstat(os.path.join(root, name))
            except OSError:
                continue
            if (info.st_dev, info.st_ino) not in seen:
                seen.add((info.st_dev, info.st_ino))
                total += info.st_blocks * 512
    return total


def watch(proc, folder):
    """Wait for the checker `proc`, stopping it (and all it started) at the first limit it passes: time,
    processes, disk written in `folder`. The reason it was stopped (a sentence), or None."""
    started = last_disk = time.monotonic()
    while True:
        try:
            proc.wait(timeout=WATCH_EVERY)
            return None
        except subprocess.TimeoutExpired:
            pass
        now, reason = time.monotonic(), None
        if now - started > TIME_LIMIT:
            reason = lang.say("grade", "time_limit", seconds=TIME_LIMIT)
        elif len(_family(proc.pid)) >= PROCESS_LIMIT:
            reason = lang.say("grade", "process_limit", count=PROCESS_LIMIT)
        elif now - last_disk > DISK_EVERY:
            last_disk = now
            if _disk_use(folder) > DISK_LIMIT_MB * 1024 * 1024:
                reason = lang.say("grade", "disk_limit", megabytes=DISK_LIMIT_MB)
        if reason:
            kill_tree(proc.pid)
            proc.wait()
            return reason


def checker_env(folder, sandbox):
    """The checker's environment: its temporary files in the learner's folder, the sandbox for the learner's
    commands, and git told never to run a command that a repository's own configuration names."""
    env = kit_env({"TMPDIR": str(folder / "tmp"), **SAFE_GIT})
    if sandbox:
        env[jail.VARIABLE] = sandbox.to_env()
    return env


def grade_one(chapter, learner, entry, root, hidden=(), sandboxed=True):
    """Judge one submission in its own folder under `root` (the grading's private folder)."""
    start = time.perf_counter()
    grade = Grade(learner)
    folder = Path(tempfile.mkdtemp(prefix="g", dir=root))  # short: a Unix socket's path lives under it
    report = folder.with_suffix(".json")  # beside the folder, outside the sandbox: learner code cannot reach it
    (folder / "tmp").mkdir()
    sandbox = jail.Jail(str(folder), hidden=[str(root), *map(str, hidden)], file_mb=FILE_LIMIT_MB) if sandboxed else None
    # A hard cap on the submission's processes where the system has one (the watchdog stops it there).
    cgroup = limits.make_cgroup(f"kit-grade-{os.getpid()}-{folder.name}", PROCESS_LIMIT + CHECKER_PROCESSES)
    capped = ["--processes", str(PROCESS_LIMIT + CHECKER_PROCESSES)] + (["--cgroup", str(cgroup)] if cgroup else [])
    try:
        copy = submissions.materialise(entry, folder, sandbox)
        proc = subprocess.Popen(
            [sys.executable, "-m", "kit.limits", str(MEMORY_LIMIT), *capped, "--",
             sys.executable, "-m", "kit", "check", chapter.number, "--workspace", str(copy), "--report", str(report)],
            cwd=KIT_ROOT, env=checker_env(folder, sandbox), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        stopped = watch(proc, folder)
        if stopped:
            raise ValueError(stopped)
        if not report.exists():
            raise ValueError(lang.say("grade", "checker_died", code=proc.returncode))
        grade.checks = ChapterResult.load(report).checks
        grade.metric = metric_value(chapter, copy)
    except ValueError as error:
        grade.problem = str(error)
    finally:
        limits.remove_cgroup(cgroup)
        shutil.rmtree(folder, ignore_errors=True)
        report.unlink(missing_ok=True)
    grade.seconds = time.perf_counter() - start
    return grade


def metric_value(chapter, project):
    """The number the chapter's manifest names as its graded metric (a key of a JSON file), or None."""
    if not chapter.metric:
        return None
    try:
        value = json.loads((project / chapter.metric["file"]).read_text(encoding="utf-8")).get(chapter.metric["key"])
    except (OSError, ValueError, AttributeError):
        return None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def grade_all(chapter, folder, jobs=None, out=None, sandboxed=True):
    """Every submission of `folder` judged, up to `jobs` at once; what they cannot see: the submissions
    folder and the reports' (`out`)."""
    entries = submissions.collect(folder)
    hidden = [Path(folder).resolve()] + ([Path(out).resolve()] if out else [])
    with tempfile.TemporaryDirectory(prefix="kit-grade-") as root, \
            ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
        return list(pool.map(lambda item: grade_one(chapter, *item, root=Path(root), hidden=hidden,
                                                    sandboxed=sandboxed), entries))


# --- Reports ------------------------------------------------------------------------

def _titles(grades):
    titles = {}
    for grade in grades:
        for check in grade.checks:
            titles.setdefault(check.id, check.title)
    return titles


def feedback(chapter, grade):
    lines = ["# " + lang.say("grade", "feedback_title", chapter=chapter.number, title=chapter.title,
                             learner=grade.learner), ""]
    if grade.problem:
        lines += [lang.say("grade", "feedback_problem", problem=grade.problem), ""]
    else:
        lines += [lang.say("grade", "feedback_score", score=grade.score, total=len(grade.checks)), ""]
        for check in grade.checks:
            lines.append(f"- {check.symbol} {check.title}")
            if check.status == FAILED:
                lines += [f"  - {line}" for line in check.message.splitlines()]
                if check.hint:
                    lines.append(f"  - {hint_line(chapter.number, check.hint)}")
        if grade.metric is not None:
            lines += ["", f"{chapter.metric['label']} ({chapter.metric['key']}) : {grade.metric:.3f}"]
    return "\n".join(lines) + "\n"


def markdown(chapter, grades):
    titles = _titles(grades)
    ids = list(titles)
    lines = ["# " + lang.say("grade", "class_title", chapter=chapter.number, title=chapter.title), "",
             lang.say("grade", "summary", passed=sum(g.passed for g in grades), total=len(grades)), "",
             f"| {lang.say('grade', 'learner')} | {lang.say('grade', 'score')} | "
             + (f"{chapter.metric['key']} | " if chapter.metric else "")
             + " | ".join(f"C{i + 1}" for i in range(len(ids))) + " |",
             "|---|---|" + ("---|" if chapter.metric else "") + "---|" * len(ids)]
    for grade in grades:
        status = {c.id: c.status for c in grade.checks}
        score = lang.say("grade", "not_judged") if grade.problem else f"{grade.score}/{len(grade.checks)}"
        metric = (f"{grade.metric:.3f} | " if grade.metric is not None else "- | ") if chapter.metric else ""
        lines.append(f"| {grade.learner} | {score} | {metric}"
                     + " | ".join(SYMBOLS.get(status.get(i), "?") for i in ids) + " |")
    lines += ["", lang.say("grade", "checks"), ""] + [f"- C{i + 1} : {titles[check_id]}" for i, check_id in enumerate(ids)]
    problems = [g for g in grades if g.problem]
    if problems:
        lines += ["", lang.say("grade", "not_judged_list"), ""] + [f"- {g.learner} : {g.problem}" for g in problems]
    return "\n".join(lines) + "\n"


def html_report(chapter, grades):
    """The class report as a web page (kit/templates/report.html)."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                     undefined=jinja2.StrictUndefined)
    rows = [(grade, {check.id: check for check in grade.checks},
             [check for check in grade.checks if check.status == FAILED]) for grade in grades]
    return environment.get_template("report.html").render(chapter=chapter, grades=grades, rows=rows,
                                                           titles=_titles(grades), symbol=SYMBOLS,
                                                           say=functools.partial(lang.say, "grade"),
                                                           language=lang.chosen())


def junit(chapter, grades):
    suites = ET.Element("testsuites", name=f"chapter{chapter.number}")
    for grade in grades:
        suite = ET.SubElement(suites, "testsuite", name=grade.learner, time=f"{grade.seconds:.1f}",
                              tests=str(max(len(grade.checks), 1)))
        if grade.problem:
            case = ET.SubElement(suite, "testcase", classname=grade.learner, name="submission")
            ET.SubElement(case, "error", message=grade.problem)
            suite.set("errors", "1")
            continue
        suite.set("failures", str(sum(c.status == FAILED for c in grade.checks)))
        suite.set("skipped", str(sum(c.status == NOT_CHECKED for c in grade.checks)))
        for check in grade.checks:
            case = ET.SubElement(suite, "testcase", classname=grade.learner, name=check.title)
            if check.status == FAILED:
                ET.SubElement(case, "failure", message=check.message or "")
            elif check.status == NOT_CHECKED:
                ET.SubElement(case, "skipped", message=check.message or "")
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)


def write_reports(chapter, grades, out):
    out = Path(out)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    (out / "report.html").write_text(html_report(chapter, grades), encoding="utf-8")
    (out / "report.md").write_text(markdown(chapter, grades), encoding="utf-8")
    (out / "junit.xml").write_text(junit(chapter, grades), encoding="utf-8")
    for grade in grades:
        (out / "feedback" / f"{grade.learner}.md").write_text(feedback(chapter, grade), encoding="utf-8")
    return out


def grade(chapter, folder, out=None, jobs=None):
    folder = Path(folder)
    if not folder.is_dir():
        print(lang.say("grade", "not_a_folder", folder=folder))
        return 2
    sandboxed = os.environ.get("GRADE_UNSAFE", "") != "1"
    if sandboxed and jail.problem():
        print(lang.say("grade", "no_sandbox", problem=jail.problem()))
        return 2
    if not sandboxed:
        print(lang.say("grade", "unsafe"))
    out = Path(out) if out else KIT_ROOT / "grades" / f"chapter{chapter.number}-{time.strftime('%Y%m%d-%H%M%S')}"
    start = time.perf_counter()
    grades = grade_all(chapter, folder, jobs, out=out, sandboxed=sandboxed)
    write_reports(chapter, grades, out)
    print(lang.say("grade", "done", count=len(grades), seconds=f"{time.perf_counter() - start:.0f}",
                   passed=sum(g.passed for g in grades), problems=sum(bool(g.problem) for g in grades)))
    print(lang.say("grade", "reports", out=out))
    return 0
