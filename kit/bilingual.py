"""The console sessions of an English chapter text, made from the French one's.

A chapter's French text (README.md) is the reference, and its console blocks are
real sessions, replayed by `make transcripts`. Its English text (README.en.md) has
the same blocks, in the same order, where only what the kit itself prints changes
language: the commands and what git, DVC and Python print stay as they are. So the
English blocks are not written by hand: `english_block` derives each one from the
French block through the kit's own catalogues (the interface, the chapter titles,
the checks' titles), line by line, and `python -m kit.bilingual` writes them into
README.en.md. tests/test_languages.py keeps the two texts in step.
"""

import functools
import re
import string
import sys
import tomllib

from checks import messages
from kit import chapters, lang
from kit.transcripts import FENCE

ENGLISH = "en"
MIN_LITERAL = 8  # a template with less fixed text than this could match anything


def _regex(template):
    """A French template ("Chapitre {chapter} : {title}") as a regex capturing its fields."""
    pattern, seen = "", set()
    for literal, field, _, _ in string.Formatter().parse(template):
        pattern += re.escape(literal)
        if field is not None:
            pattern += f"(?P={field})" if field in seen else f"(?P<{field}>.+?)"
            seen.add(field)
    return pattern


def _literal_length(template):
    return sum(len(literal) for literal, _, _, _ in string.Formatter().parse(template))


def _lines(french, english):
    """Pairs of corresponding lines of two texts (none when they do not have the same number of lines)."""
    french_lines, english_lines = french.split("\n"), english.split("\n")
    return list(zip(french_lines, english_lines)) if len(french_lines) == len(english_lines) else []


def _flatten(french, english):
    for key, value in french.items():
        if isinstance(value, dict) and isinstance(english.get(key), dict):
            yield from _flatten(value, english[key])
        elif isinstance(value, str) and isinstance(english.get(key), str):
            yield from _lines(value, english[key])


def _checks_titles(chapter):
    """(French title, English title) of each check of a chapter (its catalogues' [titles])."""
    english = messages.titles(chapter.folder, ENGLISH)
    return [(french, english[name]) for name, french in messages.titles(chapter.folder, lang.DEFAULT).items()
            if name in english]


@functools.lru_cache
def _table():
    """(French regex, English template) for every line the kit can print, most specific first; and the
    values (chapter titles, phrases) that are themselves translated when they fill a field."""
    french = tomllib.loads(lang.INTERFACE.read_text(encoding="utf-8"))
    english = tomllib.loads(lang.translation(lang.INTERFACE, ENGLISH).read_text(encoding="utf-8"))
    pairs = [pair for pair in _flatten(french, english) if _literal_length(pair[0]) >= MIN_LITERAL]
    values = {}
    for chapter in chapters.published():
        manifest = tomllib.loads((chapter.folder / "chapter.toml").read_text(encoding="utf-8"))
        values[manifest["title"]] = tomllib.loads(
            lang.translation(chapter.folder / "chapter.toml", ENGLISH).read_text(encoding="utf-8"))["title"]
        pairs += [(f"  {symbol} {fr}", f"  {symbol} {en}") for fr, en in _checks_titles(chapter) for symbol in "✔✘·"]
    values.update({text: messages.phrases(language=ENGLISH)[key]
                   for key, text in messages.phrases(language=lang.DEFAULT).items()})
    pairs.sort(key=lambda pair: -_literal_length(pair[0]))
    return [(re.compile(_regex(fr)), en) for fr, en in pairs], values


def english_line(line):
    """One line of French console output as the kit prints it in English (unchanged if the kit did not print it)."""
    table, values = _table()
    for regex, template in table:
        match = regex.search(line)
        if match:
            fields = {name: values.get(value, value) for name, value in match.groupdict().items()}
            return english_line(line[:match.start()]) + template.format(**fields) + english_line(line[match.end():])
    return line


def english_block(body, table=None):
    """A French console block's body in English: the kit's own lines translated, and the chapter's own texts
    (`table`: its [translate] table: the commit messages the learner types, the app's errors...) replaced."""
    return "".join(lang.replaced(line if line.startswith("$ ") else english_line(line.rstrip("\n"))
                                 + line[len(line.rstrip("\n")):], table or {})
                   for line in body.splitlines(keepends=True))


def console_blocks(text):
    """The console blocks of a text: (annotation or None, body), in order."""
    return [(match["meta"], match["body"]) for match in FENCE.finditer(text) if match["lang"] == "console"]


def english_text(french, english, chapter):
    """The English text of `chapter` with each console block (and its annotation) derived from the French text's."""
    table = {**lang.translation_table(lang.INTERFACE, lang.TRANSLATE, ENGLISH), **lang.replacements(chapter.folder, ENGLISH)}
    derived = iter([(meta, english_block(body, table)) for meta, body in console_blocks(french)])

    def replace(match):
        if match["lang"] != "console":
            return match[0]
        meta, body = next(derived)
        return (f"<!-- transcript\n{meta}-->\n" if meta is not None else "") + f"```console\n{body}```"

    return FENCE.sub(replace, english)


def main(argv):
    """python -m kit.bilingual [NN...]: write the English console blocks of the chapters' README.en.md."""
    for chapter in chapters.published():
        target = lang.translation(chapter.folder / "README.md", ENGLISH)
        if (argv and chapter.number not in argv) or not target.is_file():
            continue
        french = (chapter.folder / "README.md").read_text(encoding="utf-8")
        english = target.read_text(encoding="utf-8")
        if len(console_blocks(french)) != len(console_blocks(english)):
            sys.exit(f"{target} : {len(console_blocks(english))} blocs console au lieu de {len(console_blocks(french))}")
        target.write_text(english_text(french, english, chapter), encoding="utf-8")
        print(f"{target.relative_to(chapters.CHAPTERS_DIR.parent)} : blocs console écrits")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
