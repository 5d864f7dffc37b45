"""Command line of the kit: `python -m kit COMMAND ...` (the Makefile calls it)."""

import argparse
import importlib
import os
import sys
from pathlib import Path

from kit import KIT_ROOT, KitError, chapters, lang

DEFAULT_WORKSPACE = KIT_ROOT / "workspace"


def kit(name):
    """The kit module `name`, imported when a command runs it: `check`, which every verdict runs,
    then never pays the second it takes to import nbformat (for the notebook tools)."""
    return importlib.import_module(f"kit.{name}")


def published_chapter(number):
    try:
        chapter = chapters.get(number)
    except chapters.UnknownChapter:
        sys.exit(lang.say("cli", "unknown_chapter", chapter=number,
                          chapters=", ".join(c.number for c in chapters.published())))
    if chapter.draft:
        sys.exit(lang.say("cli", "draft_chapter", chapter=chapter.number, title=chapter.title))
    return chapter


def cmd_start(args):
    chapter = published_chapter(args.chapter)
    done = kit("continuation").start(chapter.number, args.workspace, force=args.force)
    print(lang.say("start", done, workspace=args.workspace.resolve(), tag=chapter.tag, chapter=chapter.number))
    print(lang.say("start", "next", folder=chapter.name, chapter=chapter.number))


def cmd_solve(args):
    chapter = published_chapter(args.chapter)
    path = kit("workspace").solve(chapter.number, args.workspace, force=args.force)
    print(lang.say("cli", "solved", chapter=chapter.number, workspace=path))


def cmd_check(args):
    chapter = published_chapter(args.chapter)
    result = kit("checker").check(chapter, Path(args.workspace), report=args.report)
    if args.results:  # for CI (make ci-template): JUnit and Gradescope's results.json, outside the workspace
        kit("reports").write_results(chapter, Path(args.workspace).name, result, args.results)
    kit("board_client").send(chapter, args.workspace, result)  # to the class board, if joined: never waits
    sys.exit(0 if result.passed else 1)


def cmd_ci_template(args):
    chapter = published_chapter(args.chapter)
    if args.shards is None and not (args.workspace / ".git").is_dir():
        sys.exit(lang.say("workspace", "missing", workspace=args.workspace))
    target = args.dest if args.shards else args.workspace
    written = kit("ci").write(chapter, target, url=args.kit_url, shards=args.shards)
    print(lang.say("cli", "ci_written", paths=", ".join(str(path) for path in written), chapter=chapter.number))
    if kit("ci").kit_url(args.kit_url) == kit("ci").URL_VARIABLES:
        print(lang.say("cli", "ci_kit_url"))


def cmd_get_data(args):
    if args.version not in ("1", "2"):  # make get-data VERSION=3
        sys.exit(lang.say("cli", "bad_version", version=args.version))
    workspace = kit("workspace")
    workspace.get_data(args.workspace, args.version)
    said = "data_and_base_copied" if args.version == "1" else "data_copied"  # version 1 brings the base model
    print(lang.say("cli", said, version=args.version, images=2 * workspace.DATASETS["v" + args.version],
                   workspace=args.workspace))


def cmd_run_notebook(args):
    notebook = kit("notebook")
    path = Path(args.workspace) / notebook.NOTEBOOK
    if not path.exists():
        sys.exit(lang.say("cli", "no_notebook", path=path))
    print(lang.say("cli", "running_notebook", path=path))
    try:
        notebook.execute(path)
    except Exception as error:  # noqa: BLE001 - nbclient's CellExecutionError and kernel errors
        sys.exit(lang.say("cli", "cell_failed", error=notebook.error_line(error)))
    print(lang.say("cli", "notebook_done"))


def cmd_remote_url(args):
    print(kit("workspace").default_remote(args.workspace))


def cmd_status(args):
    sys.exit(kit("progress").status(args.workspace))


def cmd_watch(args):
    sys.exit(kit("progress").watch(published_chapter(args.chapter), args.workspace))


def cmd_grade(args):
    if not args.chapter or not str(args.submissions).strip():  # make grade without CHAPTER= or SUBMISSIONS=
        sys.exit(lang.say("cli", "grade_usage"))
    sys.exit(kit("grading").grade(published_chapter(args.chapter), Path(args.submissions), args.out, args.jobs,
                                  shard=args.shard or None, force=args.force))


def cmd_gradebook(args):
    written = kit("reports").write_gradebook(args.folder)
    if written is None:
        sys.exit(lang.say("grade", "no_gradings", folder=args.folder))
    print(lang.say("grade", "gradebook_written", csv=written[0], html=written[1]))


def cmd_grade_merge(args):
    if not args.chapter or not args.out:  # make grade-merge without CHAPTER= or GRADES=
        sys.exit(lang.say("cli", "merge_usage"))
    sys.exit(kit("grading").merge(published_chapter(args.chapter), args.out))


def cmd_hint(args):
    if args.number is not None and not args.number.isdigit():  # make hint-chapter05 N=deux
        sys.exit(lang.say("cli", "bad_hint_number", number=args.number, chapter=args.chapter))
    kit("hints").show(published_chapter(args.chapter), args.workspace, args.number)


def cmd_solution(args):
    sys.exit(kit("reveal").show(published_chapter(args.chapter), args.workspace, force=args.force))


def cmd_reset(args):
    chapter = published_chapter(args.chapter)
    if not args.file.strip():  # make reset-chapterNN without FILE=
        sys.exit(lang.say("reset", "usage", chapter=chapter.number))
    target, backup = kit("reset").reset(chapter, args.workspace, args.file)
    print(lang.say("reset", "done", name=args.file, chapter=chapter.number, tag=chapter.tag))
    if backup:
        print(lang.say("reset", "kept", backup=backup.relative_to(Path(args.workspace).resolve()).as_posix()))


def cmd_dag(args):
    sys.exit(kit("dag").show(published_chapter(args.chapter), args.workspace))


def cmd_board(args):
    kit("board").serve(args.folder, args.host, args.port)


def cmd_board_join(args):
    kit("board_client").join(args.workspace, args.url, args.token, args.name)


def cmd_board_leave(args):
    kit("board_client").leave(args.workspace)


def cmd_quiz(args):
    sys.exit(kit("quiz").run(published_chapter(args.chapter), args.workspace))


def cmd_check_solutions(args):
    sys.exit(kit("solutions").check_all([published_chapter(n) for n in args.chapters] or chapters.published()))


def cmd_transcripts(args):
    sys.exit(kit("transcripts").main(args.chapters))


CHAPTER = (("chapter",), {})
WORKSPACE = (("--workspace",), {"default": DEFAULT_WORKSPACE, "type": Path})
FORCE = (("--force",), {"action": "store_true"})
# Each command: its name, its function, its arguments (as given to argparse's add_argument).
COMMANDS = [
    ("start", cmd_start, [CHAPTER, WORKSPACE, FORCE]),
    ("solve", cmd_solve, [CHAPTER, WORKSPACE, FORCE]),
    ("check", cmd_check, [CHAPTER, WORKSPACE, (("--report",), {"type": Path, "help": "write the verdicts as JSON"}),
                          (("--results",), {"type": Path, "help": "a folder for junit.xml and results.json"})]),
    ("ci-template", cmd_ci_template, [CHAPTER, WORKSPACE, (("--kit-url",), {}), (("--shards",), {"type": int}),
                                      (("--dest",), {"type": Path, "default": Path("grading-ci")})]),
    ("get-data", cmd_get_data, [(("version",), {"nargs": "?", "default": "1"}), WORKSPACE]),
    ("run-notebook", cmd_run_notebook, [WORKSPACE]),
    ("remote-url", cmd_remote_url, [WORKSPACE]),
    ("status", cmd_status, [WORKSPACE]),
    ("watch", cmd_watch, [CHAPTER, WORKSPACE]),
    ("grade", cmd_grade, [CHAPTER, (("submissions",), {}), (("--out",), {"type": Path}),
                          (("--jobs",), {"type": int}), (("--shard",), {}), FORCE]),
    ("grade-merge", cmd_grade_merge, [CHAPTER, (("--out",), {})]),
    ("gradebook", cmd_gradebook, [(("folder",), {"type": Path, "nargs": "?", "default": KIT_ROOT / "grades"})]),
    ("hint", cmd_hint, [CHAPTER, (("number",), {"nargs": "?"}), WORKSPACE]),
    ("reset", cmd_reset, [CHAPTER, (("file",), {}), WORKSPACE]),
    ("solution", cmd_solution, [CHAPTER, WORKSPACE, FORCE]),
    ("dag", cmd_dag, [CHAPTER, WORKSPACE]),
    ("quiz", cmd_quiz, [CHAPTER, WORKSPACE]),
    ("board", cmd_board, [(("--port",), {"type": int}), (("--host",), {}), (("--folder",), {"type": Path})]),
    ("board-join", cmd_board_join, [(("url",), {}), (("token",), {}), (("--name",), {}), WORKSPACE]),
    ("board-leave", cmd_board_leave, [WORKSPACE]),
    ("check-solutions", cmd_check_solutions, [(("chapters",), {"nargs": "*"})]),
    ("transcripts", cmd_transcripts, [(("chapters",), {"nargs": "*"})]),
]


class Parser(argparse.ArgumentParser):
    """argparse, with its usage errors said in the kit's language (argparse's own detail in brackets)."""

    def error(self, message):
        try:
            said = lang.say("cli", "usage", problem=f"{self.prog}: {message}")
        except lang.UnknownLanguage as error:
            said = str(error)
        self.exit(2, said + "\n")


def main(argv=None):
    parser = Parser(prog="python -m kit")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for name, func, arguments in COMMANDS:
        command = sub.add_parser(name)
        for flags, options in arguments:
            command.add_argument(*flags, **options)
        command.set_defaults(func=func)
    args = parser.parse_args(argv)
    try:
        lang.settle(getattr(args, "workspace", None))  # KIT_LANG, else the language the workspace was started in
        args.func(args)
    except lang.UnknownLanguage as error:
        sys.exit(str(error))
    except (KitError, RuntimeError) as error:
        sys.exit(lang.say("cli", "error", error=error))
    except KeyboardInterrupt:  # Ctrl-C: stop quietly, as a shell tool does
        print()
        sys.exit(130)
    except BrokenPipeError:  # the reader stopped reading (e.g. `| head`): stop quietly, as a shell tool does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    main()
