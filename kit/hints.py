"""Progressive hints: `make hint-chapterNN` shows the next one and remembers.

How far a learner went is kept per workspace, in its .git/kit-state/
(kit/state.py): no check reads it, so hints never change a verdict, and
another workspace starts again from the first hint.
"""

import textwrap

from kit import lang, state


def show(chapter, workspace, number=None):
    """Print hint `number` (1-based), or the next one not yet seen; return its number."""
    if not chapter.hints:
        print(lang.say("hint", "none", chapter=chapter.number))
        return None
    seen = state.load(workspace, "hints")
    count = len(chapter.hints)
    if number is None:
        number = min(seen.get(chapter.number, 0) + 1, count)
    number = max(1, min(int(number), count))
    print(lang.say("hint", "header", number=number, count=count, chapter=chapter.number, title=chapter.title) + "\n")
    print(textwrap.fill(chapter.hints[number - 1]["text"], width=90, initial_indent="  ", subsequent_indent="  ") + "\n")
    print(lang.say("hint", "more" if number < count else "last", chapter=chapter.number))
    seen[chapter.number] = max(seen.get(chapter.number, 0), number)
    state.save(workspace, "hints", seen)  # no workspace yet: nothing to remember
    return number
