"""The result of a chapter's checks: the one type that the checker returns and every report reads.

`make check-chapterNN` prints it, `--report` writes it as JSON (its only
serialisation), and `make status`, `make grade` and the kit's tests load it
back. A leaf module: plain data, no pytest, no DVC (the hint line's words come from kit/interface.toml).
"""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kit import lang

PASSED, FAILED, NOT_CHECKED = "passed", "failed", "not_checked"
SYMBOLS = {PASSED: "✔", FAILED: "✘", NOT_CHECKED: "·"}


def hint_line(chapter_number, hint):
    """How a failure points to the hint that helps (terminal, feedback files)."""
    return lang.say("check", "hint", chapter=chapter_number, hint=hint)


@dataclass
class CheckResult:
    id: str  # the test's name, with its parameters: test_change_reruns_downstream[train.py]
    title: str  # what the learner reads
    status: str  # PASSED, FAILED or NOT_CHECKED
    key: str | None = None  # the message's key in a catalogue (see checks/messages.py) (None when passed)
    message: str | None = None  # its text, filled in
    hint: int | None = None  # number of the chapter's hint that helps with this failure
    doc: str | None = None  # a DVC documentation link for this failure
    seconds: float = 0.0

    @property
    def symbol(self):
        return SYMBOLS[self.status]


@dataclass
class ChapterResult:
    chapter: str
    checks: list = field(default_factory=list)  # of CheckResult, in order

    @property
    def passed(self):
        return bool(self.checks) and all(check.status == PASSED for check in self.checks)

    @property
    def score(self):
        return sum(check.status == PASSED for check in self.checks)

    @property
    def failures(self):
        return [check for check in self.checks if check.status == FAILED]

    def save(self, path):
        data = {"chapter": self.chapter, "passed": self.passed, "checks": [asdict(check) for check in self.checks]}
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, path):
        """Read a saved result; raise ValueError if the file is not one."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            return cls(data["chapter"], [CheckResult(**check) for check in data["checks"]])
        except (OSError, KeyError, TypeError, json.JSONDecodeError) as error:
            raise ValueError(f"not a check result: {path} ({error})") from None
