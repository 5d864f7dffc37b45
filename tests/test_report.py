"""The checker's report: what a learner reads when the checks themselves are broken."""

import io

import pytest

from checks.report import ReportPlugin
from kit import chapters
from kit.checker import PYTEST_ARGS


def test_a_checks_file_that_cannot_load_is_one_clear_failure(tmp_path):
    broken = tmp_path / "test_chapter99.py"
    broken.write_text("import not_a_module_of_the_kit\n\n\ndef test_never():\n    pass\n")
    printed = io.StringIO()
    plugin = ReportPlugin(printed, chapters.get("05"))
    pytest.main([str(broken), *PYTEST_ARGS, "-p", "no:xdist", "--rootdir", str(tmp_path)], plugins=[plugin])
    plugin.summary()
    [check] = plugin.result.checks
    assert (check.status, check.key) == ("failed", "internal_error") and not plugin.result.passed
    assert "not_a_module_of_the_kit" in check.message and "signalez-le à l'animateur" in check.message
    assert "0/1 vérifications réussies" in printed.getvalue() and "Traceback" not in printed.getvalue()
