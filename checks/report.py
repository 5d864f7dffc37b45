"""A pytest plugin that prints each check as one French line, and nothing else.

A check's title is in its chapter's catalogue ([titles], keyed by the check
function's name, with the test's parameters filled in). A failure shows its CheckFailed message, the hint
that helps and a doc link; a failure in a shared step is reported once, and
the checks that needed it are marked as not checked.
"""

import pytest

from checks.messages import MESSAGES, PHRASE_TEXTS, CheckFailed, titles
from checks.result import FAILED, NOT_CHECKED, PASSED, ChapterResult, CheckResult, hint_line
from kit import lang


def check_title(item, titles):
    """What the learner reads for a check: its title in the kit's language (`titles`), parameters filled
    in; its function's name if it has none (`make lint-course` reports it)."""
    doc = titles.get(item.originalname) or item.name
    shown = {name: PHRASE_TEXTS.get(value, value) if isinstance(value, str) else value  # a phrase's key: its text
             for name, value in check_params(item).items()}
    return doc.format(**shown)


def check_params(item):
    return getattr(getattr(item, "callspec", None), "params", {})


class ReportPlugin:
    def __init__(self, stream, chapter):
        self.stream = stream
        self.chapter = chapter
        self.result = ChapterResult(chapter.number)
        self.reported = set()  # ids of shared failures already shown
        self.titles = titles(chapter.folder)

    def write(self, text=""):
        try:
            self.stream.write(text + "\n")
            self.stream.flush()
        except BrokenPipeError:  # e.g. piped into `head`
            pass

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        params = check_params(item)
        report.check_id = item.originalname + (f"[{','.join(str(v) for v in params.values())}]" if params else "")
        report.check_title = check_title(item, self.titles)
        report.check_error = call.excinfo.value if call.excinfo else None

    def pytest_collectreport(self, report):
        """A checks file that cannot even be imported: one failed check that says so, not "0/0"."""
        if report.failed:
            problem = (report.longreprtext.strip().splitlines() or ["?"])[-1].removeprefix("E").strip()
            self.add(CheckResult("collect", lang.say("check", "collect_title"), FAILED, "internal_error",
                                 MESSAGES["internal_error"].text.format(problem=problem[:300])))

    def pytest_runtest_logreport(self, report):
        if report.when == "call" or (report.when == "setup" and not report.passed):
            self.record(report)

    def record(self, report):
        error = report.check_error
        key, text = None, None
        if report.passed:
            status = PASSED
        elif report.skipped or (error is not None and id(error) in self.reported):
            status, key, text = NOT_CHECKED, "not_checked", MESSAGES["not_checked"].text
        elif isinstance(error, CheckFailed):
            status, key, text = FAILED, error.key, error.text
        else:
            problem = f"{type(error).__name__}: {error}" if error else report.longreprtext.splitlines()[-1]
            status, key = FAILED, "internal_error"
            text = MESSAGES[key].text.format(problem=str(problem)[:300])
        if error is not None:
            self.reported.add(id(error))
        check = CheckResult(report.check_id, report.check_title, status, key, text,
                            hint=self.chapter.hint_for(key) if status == FAILED else None,
                            doc=MESSAGES[key].doc if status == FAILED else None, seconds=round(report.duration, 3))
        self.add(check)

    def add(self, check):
        """Record a check's result and print it."""
        self.result.checks.append(check)
        self.write(f"  {check.symbol} {check.title}")
        if check.status == FAILED:
            for line in check.message.splitlines():
                self.write(f"      {line}")
            if check.hint:
                self.write(f"      {hint_line(self.chapter.number, check.hint)}")
            if check.doc:
                self.write(f"      {lang.say('check', 'doc', doc=check.doc)}")

    def summary(self):
        count = self.result.score
        self.write()
        if self.result.passed:
            self.write(lang.say("check", "all_passed" if count > 1 else "one_passed", count=count,
                                chapter=self.chapter.number))
        else:
            self.write(lang.say("check", "some_failed", score=count, total=len(self.result.checks),
                                chapter=self.chapter.number))
