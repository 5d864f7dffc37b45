"""What the chapter texts say about the checks is what the checks are.

The titles come from the checks themselves (collected by pytest, titled from their catalogue, as
`make check-chapterNN` names them); every `make check-chapterNN` transcript in
a text lists titles that exist, in the checks' order, and a successful one
lists them all (unless it elides some with `[...]`) with the right count.
"""

import json
import re
import subprocess
import sys

import pytest

from kit import KIT_ROOT, chapters

COLLECT = """
import json, sys, pytest
from checks.messages import titles
from checks.report import check_title

class Titles:
    def pytest_collection_modifyitems(self, items):
        print("TITLES=" + json.dumps([check_title(item, titles(sys.argv[2], "fr")) for item in items]))

pytest.main(["-q", "--collect-only", "-p", "no:xdist", "-p", "no:cacheprovider", sys.argv[1]], plugins=[Titles()])
"""
TRANSCRIPT = re.compile(r"```console\n(\$ make check-chapter(\d\d)[^\n]*\n.*?)```", re.S)
LINE = re.compile(r"^  [✔✘·] (.+)$", re.M)
SUCCESS = re.compile(r"Bravo ! Les (\d+) vérifications du chapitre (\d\d) sont réussies\.")


@pytest.fixture(scope="module")
def titles():
    """{chapter number: [check titles, in order]} for every published chapter."""
    found = {}
    for chapter in chapters.published():
        proc = subprocess.run([sys.executable, "-c", COLLECT, str(chapter.checks_path), str(chapter.folder)], cwd=KIT_ROOT,
                              capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin"})
        line = next(line for line in proc.stdout.splitlines() if line.startswith("TITLES="))
        found[chapter.number] = json.loads(line.removeprefix("TITLES="))
    return found


@pytest.mark.parametrize("chapter", chapters.published(), ids=lambda c: c.number)
def test_stated_counts_are_the_checks(chapter, titles):
    text = (chapter.folder / "README.md").read_text(encoding="utf-8")
    stated = SUCCESS.findall(text)
    assert stated, "the text should say what success looks like"
    for count, number in stated:
        assert number == chapter.number and int(count) == len(titles[chapter.number])


@pytest.mark.parametrize("chapter", chapters.published(), ids=lambda c: c.number)
def test_check_transcripts_list_real_checks_in_order(chapter, titles):
    text = (chapter.folder / "README.md").read_text(encoding="utf-8")
    for block, number in TRANSCRIPT.findall(text):
        shown = LINE.findall(block)
        expected = titles[number]
        assert all(title in expected for title in shown), set(shown) - set(expected)
        assert shown == sorted(shown, key=expected.index)
        if SUCCESS.search(block) and "[...]" not in block:
            assert shown == expected
