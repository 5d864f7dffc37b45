"""The language the kit speaks: French (the reference) or English.

One setting chooses it: the environment variable KIT_LANG (`make check-chapter05
KIT_LANG=en`, or `export KIT_LANG=en`). A workspace remembers the language it was
started in (its kit state), and the kit's commands on that workspace speak it
unless KIT_LANG says otherwise: a learner who started in English stays in English.

Learner text lives in catalogues, never in code: a French TOML file (the
reference: `messages.toml`, `chapter.toml`, `interface.toml`) and, beside it, the
same keys in another language (`messages.en.toml`...). `localised` reads one with
its translation laid over it.
"""

import functools
import os
import tomllib
from pathlib import Path

from kit import state

LANGUAGES = ("fr", "en")
DEFAULT = "fr"
VARIABLE = "KIT_LANG"


class UnknownLanguage(ValueError):
    pass


def chosen():
    """The language of this process: KIT_LANG, else French."""
    value = os.environ.get(VARIABLE, "").strip().lower() or DEFAULT
    if value not in LANGUAGES:  # said in every language: which one the reader wants is what is unknown
        raise UnknownLanguage("\n".join(_interface(language)["cli"]["unknown_language"].format(
            variable=VARIABLE, value=value, languages=" | ".join(LANGUAGES)) for language in LANGUAGES))
    return value


def settle(workspace=None):
    """Fix this process's language (and its children's): KIT_LANG if set, else the one `workspace` was started in."""
    if not os.environ.get(VARIABLE, "").strip() and workspace is not None:
        recorded = state.load(workspace, "start").get("lang")
        if recorded in LANGUAGES:
            os.environ[VARIABLE] = recorded
    return chosen()


def translation(path, lang):
    """The sibling of a French catalogue in `lang`: messages.toml -> messages.en.toml."""
    path = Path(path)
    return path.with_name(f"{path.stem}.{lang}{path.suffix}")


def in_language(path, lang=None):
    """A text (a README) in `lang` (default: chosen()): its translation beside it if there is one, else itself."""
    lang = lang or chosen()
    other = translation(path, lang)
    return other if lang != DEFAULT and other.is_file() else Path(path)


def _lay_over(base, over):
    """`base` with `over`'s values in their place: tables key by key, lists of tables item by item."""
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _lay_over(base[key], value)
        elif isinstance(value, list) and isinstance(base.get(key), list) and all(isinstance(v, dict) for v in value):
            for mine, theirs in zip(base[key], value):
                if isinstance(mine, dict):
                    _lay_over(mine, theirs)
        else:
            base[key] = value
    return base


def localised(path, lang=None):
    """The TOML catalogue at `path`, in `lang` (default: chosen()): the French file, its translation laid over."""
    lang = lang or chosen()
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    other = translation(path, lang)
    if lang != DEFAULT and other.is_file():
        _lay_over(data, tomllib.loads(other.read_text(encoding="utf-8")))
    return data


INTERFACE = Path(__file__).with_name("interface.toml")


@functools.lru_cache
def _interface(language):
    return localised(INTERFACE, language)


def say(section, key, **fields):
    """One line of the kit's interface (kit/interface.toml), in the chosen language, filled in."""
    return _interface(chosen())[section][key].format(**fields)


TRANSLATE = "translate"  # a chapter catalogue's table of {French text: its translation}


def translation_table(path, table, language=None):
    """Table `table` of the translation into `language` of the French catalogue `path`: what only a
    translation has (the checks' titles, the [translate] texts); {} in French or without a translation."""
    language = language or chosen()
    other = translation(path, language)
    if language == DEFAULT or not other.is_file():
        return {}
    return tomllib.loads(other.read_text(encoding="utf-8")).get(table, {})


def replacements(chapter_folder, language=None):
    """{French text: translation} for a chapter's exercise files and console sessions (its [translate] table)."""
    return translation_table(Path(chapter_folder) / "messages.toml", TRANSLATE, language)


def replaced(text, table):
    """`text` with each French text of `table` replaced by its translation (longest first)."""
    for french in sorted(table, key=len, reverse=True):
        text = text.replace(french, table[french])
    return text
