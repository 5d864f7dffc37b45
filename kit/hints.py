"""Progressive hints: `make hint-chapterNN` shows the next one and remembers.

How far a learner went is kept in the kit (.kit-state/), never in the
workspace, so hints never change what the checks judge.
"""

import json
import textwrap

from kit import KIT_ROOT

STATE = KIT_ROOT / ".kit-state" / "hints.json"


def _load():
    try:
        return json.loads(STATE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def show(chapter, number=None):
    """Print hint `number` (1-based), or the next one not yet seen; return its number."""
    if not chapter.hints:
        print(f"Le chapitre {chapter.number} n'a pas d'indice.")
        return None
    seen = _load()
    count = len(chapter.hints)
    if number is None:
        number = min(seen.get(chapter.number, 0) + 1, count)
    number = max(1, min(int(number), count))
    print(f"Indice {number}/{count} du chapitre {chapter.number} ({chapter.title}) :\n")
    print(textwrap.fill(chapter.hints[number - 1]["text"], width=90, initial_indent="  ", subsequent_indent="  ") + "\n")
    if number < count:
        print(f"Encore bloqué ? Relancez make hint-chapter{chapter.number} pour l'indice suivant.")
    else:
        print("C'était le dernier indice. make hint-chapter{0} N=1 revient au premier.".format(chapter.number))
    seen[chapter.number] = max(seen.get(chapter.number, 0), number)
    STATE.parent.mkdir(exist_ok=True)
    STATE.write_text(json.dumps(seen), encoding="utf-8")
    return number
