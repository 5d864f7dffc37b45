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
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from checks.sandbox import copy_project
from checks.result import FAILED, NOT_CHECKED, PASSED, SYMBOLS, ChapterResult, hint_line
from kit import KIT_ROOT, lang
from kit.shell import kit_env, run

TIME_LIMIT = int(os.environ.get("GRADE_TIME_LIMIT", "300"))  # seconds per submission
MEMORY_LIMIT = int(os.environ.get("GRADE_MEMORY_LIMIT_MB", "8192"))  # address space per submission
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


def submissions(folder):
    """(learner name, path) for each submission, sorted by name."""
    found = []
    for entry in sorted(Path(folder).iterdir()):
        if entry.name.startswith("."):
            continue
        name = entry.name.removesuffix(".bundle").removesuffix(".git")
        found.append((name, entry))
    return found


def materialise(entry, target):
    """A throwaway working copy of one submission in `target`, or raise ValueError with a French reason."""
    if entry.is_dir() and (entry / ".git").exists():
        copy_project(entry, target)
    elif entry.suffix in (".bundle", ".git"):
        cloned = run(["git", "clone", "-q", str(entry), str(target)], cwd=entry.parent, timeout=300)
        if not cloned.ok:
            raise ValueError(lang.say("grade", "cannot_clone", name=entry.name, detail=cloned.last_lines(1)))
        if (target / ".dvc").is_dir():  # data and outputs come from the project's DVC remote
            run(["dvc", "pull", "-q"], cwd=target, timeout=600)
    else:
        raise ValueError(lang.say("grade", "not_a_submission", name=entry.name))


def kill_tree(pid):
    """Kill a process and all its descendants (the checker starts DVC in sessions of their own)."""
    import psutil

    try:
        parent = psutil.Process(pid)
        family = parent.children(recursive=True) + [parent]
    except psutil.NoSuchProcess:
        return
    for process in family:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass


def grade_one(chapter, learner, entry):
    start = time.perf_counter()
    grade = Grade(learner)
    with tempfile.TemporaryDirectory(prefix=f"grade-{learner}-") as tmp:
        copy = Path(tmp) / "workspace"
        report = Path(tmp) / "report.json"
        try:
            materialise(entry, copy)
            proc = subprocess.Popen(
                [sys.executable, "-m", "kit.limits", str(MEMORY_LIMIT), "--",
                 sys.executable, "-m", "kit", "check", chapter.number, "--workspace", str(copy), "--report", str(report)],
                cwd=KIT_ROOT, env=kit_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
            try:
                proc.wait(timeout=TIME_LIMIT)
            except subprocess.TimeoutExpired:
                kill_tree(proc.pid)
                proc.wait()
                raise ValueError(lang.say("grade", "time_limit", seconds=TIME_LIMIT)) from None
            if not report.exists():
                raise ValueError(lang.say("grade", "checker_died", code=proc.returncode))
            grade.checks = ChapterResult.load(report).checks
            grade.metric = metric_value(chapter, copy)
        except ValueError as error:
            grade.problem = str(error)
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


def grade_all(chapter, folder, jobs=None):
    entries = submissions(folder)
    with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
        return list(pool.map(lambda item: grade_one(chapter, *item), entries))


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
    out = Path(out) if out else KIT_ROOT / "grades" / f"chapter{chapter.number}-{time.strftime('%Y%m%d-%H%M%S')}"
    start = time.perf_counter()
    grades = grade_all(chapter, folder, jobs)
    write_reports(chapter, grades, out)
    print(lang.say("grade", "done", count=len(grades), seconds=f"{time.perf_counter() - start:.0f}",
                   passed=sum(g.passed for g in grades), problems=sum(bool(g.problem) for g in grades)))
    print(lang.say("grade", "reports", out=out))
    return 0
