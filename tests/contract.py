"""Every chapter's contract, written once: its solution passes every check, its untouched exercise fails.

Each tests/test_checks_chapterNN.py runs this test by importing it, with two fixtures of
its own, `solved` and `untouched` (workspaces it builds for its other tests anyway), and
UNTOUCHED, the {check id: message key} the untouched exercise must fail with (at least), and
optionally UNTOUCHED_SAYS, words its report must show.
tests/test_chapters.py makes sure that every published chapter does.
"""

from tests.conftest import judge


def test_solution_passes_and_untouched_exercise_fails(request, solved, untouched):
    number = request.module.__name__[-2:]
    verdict = judge(solved, number)
    assert verdict.returncode == 0 and verdict.failed() == {}, verdict.output
    verdict = judge(untouched, number)
    failed, expected = verdict.failed(), request.module.UNTOUCHED
    assert verdict.returncode == 1 and expected
    assert {check: failed.get(check) for check in expected} == expected, verdict.output
    assert getattr(request.module, "UNTOUCHED_SAYS", "") in verdict.output
