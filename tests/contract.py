"""Every chapter's contract, written once: its solution passes every check, its untouched exercise fails.

Each tests/test_checks_chapterNN.py runs this test by importing it, with two fixtures,
`solved` and `untouched`: the kit's solved and untouched starts below, or its own (workspaces
it builds for its other tests anyway); and UNTOUCHED, the {check id: message key} the
untouched exercise must fail with (at least), and optionally UNTOUCHED_SAYS, words its report
must show.
tests/test_chapters.py makes sure that every published chapter does.
"""

import pytest

from tests.conftest import judge, started


def chapter_of(request):
    return request.module.__name__[-2:]


@pytest.fixture
def solved(request, tmp_path):
    return started(chapter_of(request), tmp_path / "solved", solved=True)


@pytest.fixture
def untouched(request, tmp_path):
    return started(chapter_of(request), tmp_path / "untouched")


def test_solution_passes_and_untouched_exercise_fails(request, solved, untouched):
    number = chapter_of(request)
    verdict = judge(solved, number)
    assert verdict.returncode == 0 and verdict.failed() == {}, verdict.output
    verdict = judge(untouched, number)
    failed, expected = verdict.failed(), request.module.UNTOUCHED
    assert verdict.returncode == 1 and expected
    assert {check: failed.get(check) for check in expected} == expected, verdict.output
    assert getattr(request.module, "UNTOUCHED_SAYS", "") in verdict.output
