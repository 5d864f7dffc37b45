"""Command line of the kit: `python -m kit COMMAND ...` (the Makefile calls it)."""

import argparse
import sys
from pathlib import Path

from kit import KIT_ROOT, chapters, checker, hints, workspace

DEFAULT_WORKSPACE = KIT_ROOT / "workspace"


def published_chapter(number):
    try:
        chapter = chapters.get(number)
    except chapters.UnknownChapter:
        sys.exit(f"Le chapitre {number} n'existe pas. Chapitres : {', '.join(c.number for c in chapters.published())}")
    if chapter.draft:
        sys.exit(f"Le chapitre {chapter.number} ({chapter.title}) n'est pas encore disponible dans ce kit.")
    return chapter


def cmd_start(args):
    chapter = published_chapter(args.chapter)
    path = workspace.build(chapter.number, args.workspace, force=args.force)
    print(f"Espace de travail prêt : {path} (tag {chapter.tag}).")
    print(f"Lisez chapters/{chapter.name}/README.md, puis vérifiez avec : make check-chapter{chapter.number}")


def cmd_solve(args):
    chapter = published_chapter(args.chapter)
    path = workspace.solve(chapter.number, args.workspace, force=args.force)
    print(f"Solution du chapitre {chapter.number} appliquée dans {path}.")


def cmd_check(args):
    chapter = published_chapter(args.chapter)
    sys.exit(checker.check(chapter, Path(args.workspace), report=args.report))


def cmd_hint(args):
    hints.show(published_chapter(args.chapter), args.number)


def cmd_check_solutions(args):
    sys.exit(checker.check_solutions([published_chapter(n) for n in args.chapters] or chapters.published()))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m kit")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func in (("start", cmd_start), ("solve", cmd_solve), ("check", cmd_check)):
        command = sub.add_parser(name)
        command.add_argument("chapter")
        command.add_argument("--workspace", default=DEFAULT_WORKSPACE, type=Path)
        command.set_defaults(func=func)
        if name != "check":
            command.add_argument("--force", action="store_true")
        else:
            command.add_argument("--report", type=Path, help="write the verdicts as JSON")
    hint = sub.add_parser("hint")
    hint.add_argument("chapter")
    hint.add_argument("number", nargs="?", type=int)
    hint.set_defaults(func=cmd_hint)
    solutions = sub.add_parser("check-solutions")
    solutions.add_argument("chapters", nargs="*")
    solutions.set_defaults(func=cmd_check_solutions)
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except (workspace.WorkspaceError, RuntimeError) as error:
        sys.exit(f"Erreur : {error}")


if __name__ == "__main__":
    main()
