"""The reports of a class's grading (kit/grading.py): what the instructor, the learners and course systems read.

- report.html: learners × checks, with the failures' messages (kit/templates/report.html);
- report.md: the same table in Markdown; junit.xml: one test suite per learner (CI test reporters);
- feedback/<learner>.md: what each learner gets back;
- results/<learner>.json: Gradescope's results.json format (score, max_score, tests);
- grades.json: every grade, with its submission's fingerprint (the next run, the merge, the gradebook).
"""

import csv
import functools
import json
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path

import jinja2

from checks.result import FAILED, NOT_CHECKED, PASSED, SYMBOLS, CheckResult, hint_line
from kit import KIT_ROOT, lang

TEMPLATES = KIT_ROOT / "kit" / "templates"


@dataclass
class Grade:
    learner: str
    checks: list = field(default_factory=list)  # of CheckResult (checks/result.py)
    problem: str | None = None  # the submission could not be judged at all
    metric: float | None = None  # the value of the chapter's graded metric (chapter.toml `metric`), if any
    seconds: float = 0.0
    fingerprint: str | None = None  # of the submission and of what judged it (kit/grading.py)

    @property
    def passed(self):
        return self.problem is None and bool(self.checks) and all(c.status == PASSED for c in self.checks)

    @property
    def score(self):
        return sum(c.status == PASSED for c in self.checks)

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        return cls(**{**data, "checks": [CheckResult(**check) for check in data.get("checks", [])]})


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
            lines += ["", lang.say("grade", "metric_line", label=chapter.metric["label"], name=chapter.metric["key"],
                                   value=f"{grade.metric:.3f}")]
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
    lines += ["", lang.say("grade", "checks"), ""] + [lang.say("grade", "check_line", number=i + 1, title=titles[check_id])
                                                      for i, check_id in enumerate(ids)]
    problems = [g for g in grades if g.problem]
    if problems:
        lines += ["", lang.say("grade", "not_judged_list"), ""] + [lang.say("grade", "problem_line", learner=g.learner,
                                                                            problem=g.problem) for g in problems]
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


def gradescope(chapter, grade):
    """One learner's result in Gradescope's results.json format (score, max_score, one entry per check)."""
    if grade.problem:
        return {"score": 0, "max_score": 1, "execution_time": round(grade.seconds),
                "output": lang.say("grade", "feedback_problem", problem=grade.problem),
                "tests": [{"name": lang.say("grade", "not_judged"), "score": 0, "max_score": 1, "status": "failed",
                           "output": grade.problem}]}
    tests = [{"name": check.title, "number": str(number), "score": int(check.status == PASSED), "max_score": 1,
              "status": "passed" if check.status == PASSED else "failed",
              "output": "\n".join(filter(None, [check.message, hint_line(chapter.number, check.hint) if check.hint
                                                 else None]))}
             for number, check in enumerate(grade.checks, 1)]
    return {"score": grade.score, "max_score": len(grade.checks), "execution_time": round(grade.seconds),
            "tests": tests}


def write_reports(chapter, grades, out):
    """Every report of a class's grading in `out`: the page, the Markdown table, JUnit, each learner's feedback
    and Gradescope result, and grades.json (what `make grade-merge`, `make gradebook` and the next run read)."""
    out = Path(out)
    for folder in ("feedback", "results"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    (out / "report.html").write_text(html_report(chapter, grades), encoding="utf-8")
    (out / "report.md").write_text(markdown(chapter, grades), encoding="utf-8")
    (out / "junit.xml").write_text(junit(chapter, grades), encoding="utf-8")
    for grade in grades:
        (out / "feedback" / f"{grade.learner}.md").write_text(feedback(chapter, grade), encoding="utf-8")
        (out / "results" / f"{grade.learner}.json").write_text(
            json.dumps(gradescope(chapter, grade), ensure_ascii=False, indent=2), encoding="utf-8")
    save(out / GRADES_FILE, chapter, grades)
    return out


GRADES_FILE = "grades.json"


def save(path, chapter, grades, **extra):
    data = {"chapter": chapter.number, **extra, "grades": [grade.to_dict() for grade in grades]}
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def load(path):
    """(chapter number, [Grade], the file's other fields) of a file written by save; ValueError if not one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return data.pop("chapter"), [Grade.from_dict(grade) for grade in data.pop("grades")], data
    except (OSError, KeyError, TypeError, AttributeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: {error}") from None


# --- The gradebook: learners × chapters, across gradings ------------------------------------------

def gradebook_rows(folder):
    """(chapters, {learner: {chapter: Grade}}) from every grades.json under `folder`: for each chapter, its
    latest grading (by the file's modification time)."""
    latest = {}
    for path in sorted(Path(folder).rglob(GRADES_FILE), key=lambda path: path.stat().st_mtime):
        try:
            number, grades, _ = load(path)
        except ValueError:
            continue
        latest[number] = grades
    learners = {}
    for number, grades in latest.items():
        for grade in grades:
            learners.setdefault(grade.learner, {})[number] = grade
    return sorted(latest), dict(sorted(learners.items()))


def cell(grade):
    """How the gradebook shows one learner's grade for one chapter."""
    if grade is None:
        return "–"
    return lang.say("grade", "not_judged") if grade.problem else f"{grade.score}/{len(grade.checks)}"


def write_gradebook(folder):
    """gradebook.csv and gradebook.html in `folder`; their paths, or None if no grading is there."""
    numbers, learners = gradebook_rows(folder)
    if not numbers:
        return None
    folder = Path(folder)
    header = [lang.say("grade", "learner"), *(lang.say("grade", "chapter_column", chapter=n) for n in numbers),
              lang.say("grade", "chapters_passed")]
    rows = [[learner, *(cell(grades.get(n)) for n in numbers), sum(g.passed for g in grades.values())]
            for learner, grades in learners.items()]
    with open(folder / "gradebook.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                     undefined=jinja2.StrictUndefined)
    page = environment.get_template("gradebook.html").render(
        header=header, learners=learners, numbers=numbers, cell=cell, say=functools.partial(lang.say, "grade"),
        language=lang.chosen())
    (folder / "gradebook.html").write_text(page, encoding="utf-8")
    return folder / "gradebook.csv", folder / "gradebook.html"


def write_results(chapter, learner, result, folder):
    """One learner's verdicts (a ChapterResult) for a CI run: junit.xml and Gradescope's results.json."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    grade = Grade(learner, checks=result.checks)
    (folder / "junit.xml").write_text(junit(chapter, [grade]), encoding="utf-8")
    (folder / "results.json").write_text(json.dumps(gradescope(chapter, grade), ensure_ascii=False, indent=2),
                                         encoding="utf-8")
