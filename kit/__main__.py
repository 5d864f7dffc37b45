"""Command line of the kit: `python -m kit COMMAND ...` (the Makefile calls it)."""

import argparse
import sys
from pathlib import Path

from kit import KIT_ROOT, chapters, checker, grading, hints, notebook, progress, workspace

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


def cmd_get_data(args):
    workspace.get_data(args.workspace, args.version)
    extra = " et base.h5" if args.version == "1" else ""
    print(f"Données version {args.version} ({2 * workspace.DATASETS['v' + args.version]} images){extra} "
          f"copiées dans {args.workspace}.")


def cmd_run_notebook(args):
    path = Path(args.workspace) / notebook.NOTEBOOK
    if not path.exists():
        sys.exit(f"Erreur : {path} n'existe pas.")
    print(f"Exécution de toutes les cellules de {path}...")
    try:
        notebook.execute(path)
    except Exception as error:  # noqa: BLE001 - nbclient's CellExecutionError and kernel errors
        sys.exit(f"Erreur : une cellule a échoué ({notebook.error_line(error)}). "
                 "Les sorties des cellules déjà exécutées sont conservées.")
    print("Terminé : les sorties sont enregistrées dans le notebook.")


def cmd_remote_url(args):
    print(workspace.default_remote(args.workspace))


def cmd_status(args):
    sys.exit(progress.status(args.workspace))


def cmd_watch(args):
    sys.exit(progress.watch(published_chapter(args.chapter), args.workspace))


def cmd_grade(args):
    sys.exit(grading.grade(published_chapter(args.chapter), args.submissions, args.out, args.jobs))


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
    get_data = sub.add_parser("get-data")
    get_data.add_argument("version", choices=["1", "2"], nargs="?", default="1")
    get_data.add_argument("--workspace", default=DEFAULT_WORKSPACE, type=Path)
    get_data.set_defaults(func=cmd_get_data)
    run_notebook = sub.add_parser("run-notebook")
    run_notebook.add_argument("--workspace", default=DEFAULT_WORKSPACE, type=Path)
    run_notebook.set_defaults(func=cmd_run_notebook)
    remote_url = sub.add_parser("remote-url")
    remote_url.add_argument("--workspace", default=DEFAULT_WORKSPACE, type=Path)
    remote_url.set_defaults(func=cmd_remote_url)
    status = sub.add_parser("status")
    status.add_argument("--workspace", default=DEFAULT_WORKSPACE, type=Path)
    status.set_defaults(func=cmd_status)
    watch = sub.add_parser("watch")
    watch.add_argument("chapter")
    watch.add_argument("--workspace", default=DEFAULT_WORKSPACE, type=Path)
    watch.set_defaults(func=cmd_watch)
    grade = sub.add_parser("grade")
    grade.add_argument("chapter")
    grade.add_argument("submissions", type=Path)
    grade.add_argument("--out", type=Path)
    grade.add_argument("--jobs", type=int)
    grade.set_defaults(func=cmd_grade)
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
