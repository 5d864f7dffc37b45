"""Every console block of every chapter text is a real transcript (kit/transcripts.py).

The replays follow each text as a learner would, in a throwaway atelier, and
compare each command's real output with the text's. The unit tests below show
what the comparison tolerates (what legitimately varies) and what it does not.
"""

import pytest

from kit import KIT_ROOT, chapters, transcripts
from kit.transcripts import Bindings, compare, parse


# A chapter whose start takes a minute to build (a pipeline run, the colleague's training) is
# replayed by its check tests, on a copy of the start they build anyway, before any of them writes
# to the start's origin or DVC remote (the replay copies the workspace and its origin, not the remote).
REPLAYED_BY_CHECK_TESTS = {"06": "tests/test_checks_chapter06.py", "07": "tests/test_checks_chapter07.py",
                           "08": "tests/test_checks_chapter08_ways.py"}


def assert_text_is_what_really_happens(chapter, start=None, text=None):
    _, *outcomes = transcripts.replay(chapter, start=start, text=text)
    assert outcomes, "the text should show console sessions"
    problems = [f"block {o.block.number} (line {o.block.lineno}): {o.problem}" for o in outcomes if o.problem]
    assert not problems, "\n\n".join(problems)
    assert [o.skipped for o in outcomes if o.skipped] == []


@pytest.mark.parametrize("chapter", [c for c in chapters.published() if c.number not in REPLAYED_BY_CHECK_TESTS],
                         ids=lambda c: c.number)
def test_chapter_text_is_what_really_happens(chapter):
    assert_text_is_what_really_happens(chapter)


def test_the_other_chapters_are_replayed_by_their_check_tests():
    for number, path in REPLAYED_BY_CHECK_TESTS.items():
        assert "assert_text_is_what_really_happens(" in (KIT_ROOT / path).read_text(encoding="utf-8"), number


def test_readme_counts_the_replayed_blocks_and_commands():
    texts = [(chapter.folder / "README.md").read_text(encoding="utf-8") for chapter in chapters.published()]
    blocks = [block for text in texts for block in parse(text)]
    commands = sum(len(block.commands) for block in blocks)
    assert f"({len(blocks)} blocs, {commands} commandes" in (KIT_ROOT / "README.md").read_text(encoding="utf-8")


def test_a_wrong_text_is_caught():
    """A made-up text on chapter 01's start: the right output passes, a wrong one fails, naming the command."""
    chapter = chapters.get("01")
    right = "```console\n$ ls\ncats-or-dogs.ipynb\n$ git log --oneline\n0123abc (HEAD -> main, tag: chapter01) Chapitre 01 : point de départ\n```\n"
    assert [o.problem for o in transcripts.replay(chapter, text=right)] == [None, None]  # the start, the block
    wrong = right.replace("cats-or-dogs.ipynb", "cats-or-dogs.ipynb  data")
    _, problem = [o.problem for o in transcripts.replay(chapter, text=wrong)]
    assert problem.startswith("`ls` : la sortie diffère")


def same(expected, actual, bindings=None, **options):
    return compare(expected.splitlines(), actual.splitlines(), bindings or Bindings(), **options) is None


def test_elisions_stand_for_any_lines():
    assert same("a\n[...]\nd", "a\nb\nc\nd")
    assert same("a\n[...]\nd", "a\nd")
    assert same("a\n[... le reste ...]", "a\nb")
    assert same("...\nd", "x\nd")
    assert not same("a\n[...]\nd", "a\nb\nc")
    assert not same("a\nd", "a\nb\nd")


def test_spaces_and_tabs_are_one_space_and_blank_ends_do_not_count():
    assert same("data.dvc:\n    changed outs:", "data.dvc:\n\tchanged outs:\n\n")
    assert not same("a b", "ab")


def test_commit_ids_and_experiment_names_vary_but_consistently():
    bindings = Bindings()
    assert same("[main 9e04fe0] Suivi", "[main 1a2b3c4] Suivi", bindings)
    assert same("HEAD is now at 9e04fe0 Suivi", "HEAD is now at 1a2b3c4 Suivi", bindings)
    assert not same("HEAD is now at 9e04fe0 Suivi", "HEAD is now at 5d6e7f8 Suivi", bindings)
    assert not same("other 0aaaaaa", "other 1a2b3c4", bindings)  # another text id cannot be the same commit
    assert same("Ran experiment(s): noisy-alga", "Ran experiment(s): runty-ages", bindings)
    assert not same("Ran experiment(s): noisy-alga", "Ran experiment(s): about-kine", bindings)


def test_sizes_and_counts_do_not_vary():
    assert not same("  size: 3443824", "  size: 3443825")
    assert not same("train: features (200, 4, 4, 64)", "train: features (201, 4, 4, 64)")
    assert not same("cats-vs-dogs@v0.0.1", "cats-vs-dogs@v0.0.2")  # a version is no measured number
    assert not same("Python 3.11.7", "Python 3.12.7")


def test_content_hashes_vary_between_processors_but_consistently():
    """The same model trained on another processor has other bytes: a text's hash stands for the real one
    throughout the chapter, as a commit id does; what the text claims is which files are the same."""
    bindings = Bindings()
    assert same("workspace 0.85 47fd64dbde53d38d421ff8c19e86b701\nmain 0.8 356329832523810fef683706859f0ea8",
                "workspace 0.85 7c130b866312b6c96b6521f0bf466195\nmain 0.8 05cbd33b0f78eaba37cc0fcf991dbd7c", bindings)
    assert same("first-try 47fd64dbde53d38d421ff8c19e86b701", "first-try 7c130b866312b6c96b6521f0bf466195", bindings)
    assert not same("camille 47fd64dbde53d38d421ff8c19e86b701", "camille 05cbd33b0f78eaba37cc0fcf991dbd7c", bindings)
    assert not same("other 11111111111111111111111111111111", "other 7c130b866312b6c96b6521f0bf466195", bindings)
    assert same("- md5: e21e6ba028ac0278687c5514a527d435.dir", "- md5: 0a1e6ba028ac0278687c5514a527d436.dir")
    assert not same("- md5: e21e6ba028ac0278687c5514a527d435.dir", "- md5: e21e6ba028ac0278687c5514a527d436")
    cut = Bindings()
    assert same("a f943d10e6a682… …\nb f943d10e6a682… …", "a 0b43d10e6a682… …\nb 0b43d10e6a682… …", cut)
    assert not same("a f943d10e6a682… …\nb f943d10e6a682… …", "a 0b43d10e6a682… …\nb 1c43d10e6a682… …")


def test_the_same_hash_is_bound_to_itself_once_seen():
    """A text hash seen as itself cannot stand for another real hash later, nor another text hash for it."""
    bindings = Bindings()
    assert same("a 9e04fe0", "a 9e04fe0", bindings)
    assert not same("b 9e04fe0", "b 1a2b3c4", bindings)
    assert not same("c 0aaaaaa", "c 9e04fe0", bindings)


def test_measured_decimals_vary_but_consistently_within_a_block():
    assert same("validation accuracy: 0.780\ntest accuracy: 0.800", "validation accuracy: 0.790\ntest accuracy: 0.790")
    assert same("workspace 0.85 40\nmy-exp 0.85 40\nmain 0.8 -", "workspace 0.9 40\nmy-exp 0.9 40\nmain 0.75 -")
    assert not same("workspace 0.85 40\nmy-exp 0.85 40", "workspace 0.9 40\nmy-exp 0.95 40")
    assert not same("workspace 0.85 40", "workspace 0.85 41")  # a parameter is an integer here: exact
    bindings = Bindings()  # a decimal is bound within its block only
    assert same("test accuracy: 0.800", "test accuracy: 0.790", bindings)
    assert same("test accuracy: 0.800", "test accuracy: 0.810", bindings)


def test_times_and_dates_vary():
    assert same("main 04:08 PM -", "main 09:35 AM -")
    assert same("Date:   Thu Nov 26 17:07:03 2026 +0000", "Date:   Sun Nov 29 09:31:38 2026 +0000")
    assert not same("main 04:08 PM -", "main 09:35 -")


def test_unordered_and_any_order():
    assert same("new: b\nnew: a\n...", "new: a\nnew: c\nnew: b", unordered=True)
    assert not same("new: b\nnew: z\n...", "new: a\nnew: c\nnew: b", unordered=True)
    assert same("W: 2\nW: 1\nend", "W: 1\nW: 2\nend", any_order="W:")
    assert not same("W: 2\nW: 1\nend", "W: 1\nW: 2\nend")


def test_annotations_are_read_and_checked():
    block, = parse('<!-- transcript\ncwd = "kit"\nstatus = 1\n-->\n```console\n$ false\n```\n')
    assert block.meta == {"cwd": "kit", "status": 1} and block.commands[0].line == "false"
    with pytest.raises(transcripts.TranscriptError, match="inconnue"):
        parse('<!-- transcript\nbefor = []\n-->\n```console\n$ ls\n```\n')
    with pytest.raises(transcripts.TranscriptError, match="sans commande"):
        parse("```console\nsome output\n```\n")
    with pytest.raises(transcripts.TranscriptError, match="illisible"):
        parse("<!-- transcript\ncwd = \n-->\n```console\n$ ls\n```\n")


def test_write_uses_the_code_block_just_before():
    block, = parse("```text\n/subset\n```\n\n<!-- transcript\nbefore = [{write = '.gitignore'}]\n-->\n```console\n$ ls\n```\n")
    assert block.previous_code == "/subset\n"
