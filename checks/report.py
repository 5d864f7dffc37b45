"""A pytest plugin that prints each check as one French line, and nothing else.

A check's title is the first line of its docstring (with the test's
parameters filled in). A failure shows its CheckFailed message, the hint
that helps and a doc link; a failure in a shared step is reported once, and
the checks that needed it are marked as not checked.
"""

import json

import pytest

from checks.messages import MESSAGES, CheckFailed

PASSED, FAILED, NOT_CHECKED = "passed", "failed", "not_checked"
SYMBOLS = {PASSED: "✔", FAILED: "✘", NOT_CHECKED: "·"}


def check_title(item):
    """What the learner reads for a check: its docstring's first line, parameters filled in."""
    doc = (item.function.__doc__ or item.name).strip().splitlines()[0]
    return doc.format(**check_params(item))


def check_params(item):
    return getattr(getattr(item, "callspec", None), "params", {})


class ReportPlugin:
    def __init__(self, stream, chapter):
        self.stream = stream
        self.chapter = chapter
        self.results = []
        self.reported = set()  # ids of shared failures already shown

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
        report.check_title = check_title(item)
        report.check_error = call.excinfo.value if call.excinfo else None

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
        self.results.append({"id": report.check_id, "title": report.check_title, "status": status,
                             "key": key, "message": text})
        self.write(f"  {SYMBOLS[status]} {report.check_title}")
        if status == FAILED:
            for line in text.splitlines():
                self.write(f"      {line}")
            hint = self.chapter.hint_for(key)
            if hint:
                self.write(f"      Indice : make hint-chapter{self.chapter.number} N={hint}")
            if MESSAGES[key].doc:
                self.write(f"      Doc : {MESSAGES[key].doc}")

    @property
    def passed(self):
        return bool(self.results) and all(r["status"] == PASSED for r in self.results)

    def summary(self):
        count = sum(r["status"] == PASSED for r in self.results)
        self.write()
        if self.passed:
            self.write(f"Bravo ! Les {count} vérifications du chapitre {self.chapter.number} sont réussies.")
        else:
            self.write(f"{count}/{len(self.results)} vérifications réussies. Corrigez la première en échec, puis relancez "
                       f"make check-chapter{self.chapter.number}.")

    def save(self, path):
        path.write_text(json.dumps({"chapter": self.chapter.number, "passed": self.passed,
                                    "checks": self.results}, ensure_ascii=False, indent=2), encoding="utf-8")
