"""Every message a check can show the learner: catalogues, not code.

The texts live in TOML catalogues (French, the reference language):
`checks/messages.toml` for the messages several chapters share, and
`chapters/NN-*/messages.toml` for a chapter's own. A message has a key (what a
check raises and what the hints of a chapter.toml name in `helps`), a text with
{placeholders} and a doc link (a URL, or the name of one in the shared
catalogue's [links] table). A key lives in one catalogue only.

Beside each catalogue, its translation (`messages.en.toml`: the same keys, the
same placeholders) is laid over it when the kit speaks that language (kit/lang.py).
A chapter's catalogue also holds its checks' titles: [titles], keyed by the check
function's name.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from kit import KIT_ROOT, lang

SHARED = Path("checks") / "messages.toml"
CHAPTER_CATALOGUE = "messages.toml"
LINKS = "links"
TITLES = "titles"
PHRASES = "phrases"  # pieces a check puts inside a message ({why}, {where}...), in the same language


@dataclass(frozen=True)
class Message:
    text: str
    doc: str | None = None
    catalogue: str = ""  # where it is written, relative to the course root


class CatalogueError(ValueError):
    pass


def catalogues(root=KIT_ROOT):
    """The catalogue files of the course under `root`: the shared one first, then each chapter's."""
    root = Path(root)
    return [root / SHARED] + sorted((root / "chapters").glob(f"*/{CHAPTER_CATALOGUE}"))


def load(root=KIT_ROOT, language=None):
    """{key: Message} from every catalogue of the course under `root`, in `language` (default: the kit's)."""
    return _read(root, language)[0]


def phrases(root=KIT_ROOT, language=None):
    """{key: text} of the [phrases] tables of every catalogue, in `language`."""
    return _read(root, language)[1]


def _read(root, language):
    root = Path(root)
    messages, links, pieces = {}, {}, {}
    for path in catalogues(root):
        where = path.relative_to(root).as_posix()
        try:
            data = lang.localised(path, language)
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise CatalogueError(f"{where} : {error}") from None
        links.update(data.pop(LINKS, {}) if path == root / SHARED else {})
        data.pop(TITLES, None)
        data.pop(lang.TRANSLATE, None)  # texts of the exercise files and sessions, not messages
        pieces.update(data.pop(PHRASES, {}))
        for key, entry in data.items():
            if key in messages:
                raise CatalogueError(f"{where} : le message {key} est déjà dans {messages[key].catalogue}")
            if not isinstance(entry, dict) or set(entry) - {"text", "doc"} or not isinstance(entry.get("text"), str):
                raise CatalogueError(f"{where} : [{key}] doit avoir un texte (text = \"...\") et au plus un lien (doc)")
            doc = entry.get("doc")
            messages[key] = Message(entry["text"], links.get(doc, doc), where)
    return messages, pieces


def titles(chapter_folder, language=None):
    """{check function: title} of a chapter's checks in `language` (default: the kit's)."""
    path = Path(chapter_folder) / CHAPTER_CATALOGUE
    try:
        return lang.localised(path, language).get(TITLES, {})
    except (OSError, tomllib.TOMLDecodeError):
        return {}  # the checks then show their names; `make lint-course` says what is wrong


MESSAGES, PHRASE_TEXTS = _read(KIT_ROOT, None)


def phrase(key, **fields):
    """A piece of a message, in the kit's language: phrase("quoted", name="train") -> « train »."""
    return PHRASE_TEXTS[key].format(**fields)


def quoted(names):
    """Stage names as a message shows them: « a », « b »."""
    return ", ".join(phrase("quoted", name=name) for name in names)


class CheckFailed(Exception):
    """Raised by a check: what is wrong, where, and how to fix it (in the kit's language)."""

    def __init__(self, key, **fields):
        self.key = key
        self.message = MESSAGES[key]
        self.text = self.message.text.format(**fields)
        super().__init__(self.text)
