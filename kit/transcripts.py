"""Replay the console sessions of a chapter text and compare them with what really happens.

A chapter text shows console sessions in ```console fences: a line starting
with `$ ` is a command, the lines after it are its output. Replaying a chapter
means following the text as a learner would, in a throwaway copy of the kit
(the "atelier", whose path the texts write /home/vous/atelier): build the
chapter's start, then run every command of every console block in order,
doing in between what the prose asks of the learner. Each command's real
output is compared with the text's.

What the prose asks (edit a file, write the shown snippet...) and anything
else the replay needs is written in an HTML comment right before the fence,
invisible to a reader of the rendered text, in TOML:

    <!-- transcript
    cwd = "kit"            # where the block starts: "kit", "workspace" or a path of the text
    before = [             # the learner's actions before the block, in order:
      {files = ["solutions/04-decoupage-du-notebook/*.py"]},  # any chapter.toml step
      {edit = ["train.py", "EPOCHS = 20", "EPOCHS = 10"]},    # replace text in a file
      {write = ".gitignore"},   # the text's last code block before this one, as that file
    ]
    columns = 200          # width of the terminal (default 80), where DVC wraps or cuts lines
    status = 1             # exit status of the block's last command (default 0)
    unordered = true       # output lines shown in any order (e.g. a sample of a long list)
    any_order = "WARNING:" # consecutive lines starting so come in any order among themselves
    background = true      # the command keeps running (a server): compared once its
                           # output is there, stopped when the replay ends
    command = "..."        # a block of output only: the command that prints it
    skip = "why"           # not replayed
    -->

How outputs are compared (what legitimately varies is normalised):
- runs of spaces and tabs count as one space (column widths follow paths);
- a line `[...]`, `[... anything ...]` or `...` stands for any lines, even none;
- paths of the throwaway atelier and its scratch /tmp read as the text's;
- commit ids (hex of 7 to 12 characters, or 38, 40, 64) and DVC's random
  experiment names (`noisy-alga`) may differ from the text's, consistently
  through the chapter (the same text id is always the same real one), and a
  command that names one (`git show --stat ad838c0`) runs with the real one;
- times and dates as git and DVC print them, process ids, Jupyter's token and
  the two-character folders of .git/refs/exps may differ;
- what training computes in floating point differs from one processor to
  another (even between two x86_64 ones), so no text can hold one machine's
  values: content hashes (md5, 32 characters, or cut short by `…`) may differ,
  consistently through the chapter (the same text hash is always the same real
  one, two text hashes two real ones: what the texts claim is "the same model
  as Camille's"), and so may decimal numbers (accuracies), consistently within
  a block (the rows that show one value show one real value).
Sizes, counts and everything else must be exact.

The learner's shell: the kit's venv first on PATH, git and DVC in English,
a git identity, a terminal 80 columns wide; what a terminal changes is
reproduced (`ls` in columns, curl without progress meter, `git log` with
branch and tag names). The ports of the texts (8000, 8888) are free ports.
"""

import os
import re
import shutil
import subprocess
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from kit import KIT_ROOT, chapters, colleague, lang, workspace
from kit.shell import free_port, git, kit_env, run, stop_group

TEXT_KIT = "/home/vous/atelier"  # the kit folder, as the French texts write it (the English: /home/you/workshop)
TEXT_TMP = "/tmp/"
TEXT_HOME = "/home/vous/"
TEXT_PORTS = ("8000", "8888")  # the chapter 07 app's and JupyterLab's ports, as the texts write them
FENCE = re.compile(r"(?:<!-- transcript\n(?P<meta>.*?)-->\n)?```(?P<lang>\w*)\n(?P<body>.*?)^```", re.S | re.M)
ANNOTATION_KEYS = {"cwd", "before", "status", "unordered", "any_order", "background", "command", "skip", "columns"}
ELISION = re.compile(r"^(\[\.\.\..*\]|\.\.\.)$")
VOLATILE = re.compile(
    r"(?P<token>(?<=token=)[0-9a-f]{48}\b)"
    r"|(?P<hex>(?<![0-9a-f])[0-9a-f]{7,64}(?![0-9a-f]))"
    r"|(?P<exp>(?<![\w-])[a-z]{5}-[a-z]{4}(?![\w-]))"
    r"|(?P<time>\b\d\d:\d\d [AP]M\b)"
    r"|(?P<date>\b[A-Z][a-z]{2} [A-Z][a-z]{2} \d{1,2} \d\d:\d\d:\d\d \d{4} [+-]\d{4})"
    r"|(?P<shard>(?<=refs/exps/)[0-9a-f]{2}(?=/))"
    r"|(?P<pid>(?<=process \[)\d+(?=\])|(?<=jpserver-)\d+(?=-))"
    r"|(?P<decimal>(?<![\w.])\d+\.\d+(?![\w.]))"
)
DIGEST_LENGTH = 32  # an md5, as DVC prints it (a shorter hex run cut by "…" is its start)
# What a terminal does that a pipe does not: `ls` lays names out in columns; curl shows
# no progress meter when its output goes to the terminal.
TERMINAL = [(r"^ls\b(?![^|]*\|)", "ls -C"), (r"^curl ", "curl --no-progress-meter ")]
HEX_ID_LENGTHS = {*range(7, 13), 38, 40, 64}  # short and full commit ids, DVC's experiment hashes
BOUND = ("hex", "exp", "decimal")  # the tokens whose real value is bound to the text's
COMMAND_TIMEOUT = 900
BACKGROUND_WAIT = 60


class TranscriptError(Exception):
    """A chapter text whose annotations the replay cannot follow."""


@dataclass
class Command:
    line: str
    expected: list


@dataclass
class Block:
    number: int  # 1-based, among the text's console blocks
    lineno: int  # of the opening fence in the text
    commands: list
    meta: dict
    previous_code: str | None  # the last non-console code block before this one


@dataclass
class Outcome:
    block: Block
    problem: str | None = None  # None: the text is right
    skipped: str | None = None
    seconds: float = 0.0  # to replay it, the learner's actions before it included


@dataclass
class Bindings:
    """Text tokens (commit ids, experiment names, content hashes) and the real ones they stand for, both ways."""
    real_of: dict = field(default_factory=dict)
    text_of: dict = field(default_factory=dict)

    def bind(self, text, real):
        if self.real_of.setdefault(text, real) != real:
            return f"« {text} » désigne déjà « {self.real_of[text]} », et ici « {real} »"
        if self.text_of.setdefault(real, text) != text:
            return f"« {real} » s'écrit déjà « {self.text_of[real]} » dans le texte, et ici « {text} »"
        return None


def parse(text):
    """The console blocks of a chapter text, with their annotations."""
    blocks, previous_code = [], None
    for match in FENCE.finditer(text):
        lineno = text.count("\n", 0, match.start("lang")) + 1
        if match["lang"] != "console":
            if match["meta"]:
                raise TranscriptError(f"ligne {lineno} : une annotation transcript précède un bloc {match['lang']}")
            previous_code = match["body"]
            continue
        try:
            meta = tomllib.loads(match["meta"] or "")
        except tomllib.TOMLDecodeError as error:
            raise TranscriptError(f"ligne {lineno} : annotation illisible ({error})") from None
        if unknown := set(meta) - ANNOTATION_KEYS:
            raise TranscriptError(f"ligne {lineno} : clé(s) inconnue(s) {sorted(unknown)}")
        commands = []
        for line in match["body"].splitlines():
            if line.startswith("$ "):
                commands.append(Command(line[2:], []))
            elif commands:
                commands[-1].expected.append(line)
            elif "command" in meta:
                commands = [Command(meta["command"], [line])]
            elif "skip" not in meta:
                raise TranscriptError(f"ligne {lineno} : sortie sans commande ; ajoutez `command = ...` ou `skip`")
        blocks.append(Block(len(blocks) + 1, lineno, commands, meta, previous_code))
    return blocks


def normalise(line):
    return re.sub(r"[ \t]+", " ", line).strip()


def _line_pattern(expected):
    """A regex for one expected line, and the volatile tokens it holds, in order."""
    parts, tokens, end = [], [], 0
    for token in VOLATILE.finditer(expected):
        kind = token.lastgroup
        value = token.group()
        digest = len(value) == DIGEST_LENGTH or expected.startswith("…", token.end())  # bound as an id is
        if kind == "hex" and not digest and (len(value) not in HEX_ID_LENGTHS or not re.search("[a-f]", value)):
            continue  # a size, a count
        parts.append(re.escape(expected[end:token.start()]))
        parts.append({"hex": f"([0-9a-f]{{{len(value)}}})",
                      "decimal": r"(\d+\.\d+)", "exp": r"([a-z]{5}-[a-z]{4})",
                      "time": r"(\d\d:\d\d [AP]M)", "date": r"([A-Z][a-z]{2} [A-Z][a-z]{2} \d{1,2} [\d:]{8} \d{4} [+-]\d{4})",
                      "shard": r"([0-9a-f]{2})", "pid": r"(\d+)", "token": r"([0-9a-f]{48})"}[kind])
        tokens.append((kind, value))
        end = token.end()
    parts.append(re.escape(expected[end:]))
    return re.compile("".join(parts)), tokens


def _line_match(expected, actual):
    """The (kind, text, real) triples of the tokens to bind if `actual` matches `expected`, else None."""
    pattern, tokens = _line_pattern(expected)
    found = pattern.fullmatch(actual)
    if not found:
        return None
    return [(kind, value, real) for (kind, value), real in zip(tokens, found.groups()) if kind in BOUND]


def compare(expected, actual, bindings, unordered=False, any_order=None):
    """None if the real output `actual` is what the text shows (`expected`), else what differs."""
    expected = _sort_runs([normalise(line) for line in expected], any_order)
    actual = _sort_runs([normalise(line) for line in actual], any_order)
    while expected and not expected[-1]:
        expected.pop()
    while actual and not actual[-1]:
        actual.pop()
    pairs = _align_unordered(expected, actual) if unordered else _align(expected, actual)
    if pairs is None:
        return "la sortie diffère"
    decimals = {}  # within this block only: two results that are equal on one machine may not be on another
    for kind, text, real in pairs:
        if kind == "decimal":
            if decimals.setdefault(text, real) != real:
                return f"« {text} » vaut ici « {decimals[text]} » et « {real} »"
        elif problem := bindings.bind(text, real):
            return problem
    return None


def _sort_runs(lines, prefix):
    """Sort each run of consecutive lines that start with `prefix` (they come in any order)."""
    if not prefix:
        return lines
    result, run_ = [], []
    for line in lines + [None]:
        if line is not None and line.startswith(prefix):
            run_.append(line)
            continue
        result += sorted(run_)
        run_ = []
        if line is not None:
            result.append(line)
    return result


def _align(expected, actual):
    """Bound pairs of a line-by-line match, elisions standing for any lines; None if none."""
    n, m = len(expected), len(actual)
    elided = [bool(ELISION.match(line)) for line in expected]
    found = {}  # (i, j) -> pairs of expected[i] and actual[j], when they match
    # ok[i][j]: expected[i:] matches actual[j:]
    ok = [[False] * (m + 1) for _ in range(n + 1)]
    ok[n][m] = True
    for i in range(n - 1, -1, -1):
        for j in range(m, -1, -1):
            if elided[i]:
                ok[i][j] = ok[i + 1][j] or (j < m and ok[i][j + 1])
            elif j < m and ok[i + 1][j + 1]:
                pairs = _line_match(expected[i], actual[j])
                if pairs is not None:
                    found[(i, j)] = pairs
                    ok[i][j] = True
    if not ok[0][0]:
        return None
    pairs, i, j = [], 0, 0
    while i < n:
        if elided[i]:
            if ok[i + 1][j]:
                i += 1
            else:
                j += 1
        else:
            pairs += found[(i, j)]
            i, j = i + 1, j + 1
    return pairs


def _align_unordered(expected, actual):
    shown = [line for line in expected if not ELISION.match(line)]
    elided = len(shown) < len(expected)
    if not elided and len(shown) != len(actual):
        return None
    left, pairs = list(actual), []
    for line in shown:
        for index, candidate in enumerate(left):
            if (found := _line_match(line, candidate)) is not None:
                pairs += found
                del left[index]
                break
        else:
            return None
    return pairs


def diff(expected, actual):
    """Expected and real output side by side, for the author."""
    width = max([len(line) for line in expected] + [20])
    rows = [f"    {'texte':<{width}} | réel"]
    for index in range(max(len(expected), len(actual))):
        left = expected[index] if index < len(expected) else ""
        right = actual[index] if index < len(actual) else ""
        mark = " " if normalise(left) == normalise(right) else "≠"
        rows.append(f"  {mark} {left:<{width}} | {right}")
    return "\n".join(rows)


class Atelier:
    """A throwaway kit folder (symbolic links to the real kit) where a chapter's text is followed."""

    def __init__(self, root, chapter):
        self.root = Path(root)
        self.chapter = chapter
        self.kit = self.root / "atelier"
        self.tmp = self.root / "tmp"
        self.home = self.root / "home"
        for folder in (self.kit, self.tmp, self.home):
            folder.mkdir(parents=True)
        # A learner whose git knows who they are (the kit's own default identity); `git log`
        # shows branches and tags as it does on a terminal.
        name, email = workspace.default_identity()
        (self.home / ".gitconfig").write_text(f"[user]\n\tname = {name}\n\temail = {email}\n[log]\n\tdecorate = short\n",
                                              encoding="utf-8")
        for entry in KIT_ROOT.iterdir():
            if not entry.name.startswith(("workspace", ".git", ".kit-state", ".pytest_cache", "grades")):
                (self.kit / entry.name).symlink_to(entry)
        self.workspace = self.kit / "workspace"
        paths = lang.translation_table(lang.INTERFACE, lang.TRANSLATE)  # the texts' paths in the kit's language
        self.text_kit, self.text_home = lang.replaced(TEXT_KIT, paths), lang.replaced(TEXT_HOME, paths)
        self.ports = {port: str(free_port()) for port in TEXT_PORTS}
        self.cwd = self.workspace
        self.oldpwd = self.kit
        self.background = []

    def to_real(self, command):
        """A command of the text, as typed in this atelier (and in a terminal: see TERMINAL)."""
        for pattern, replacement in TERMINAL:
            command = re.sub(pattern, replacement, command)
        table = {self.text_kit: str(self.kit), TEXT_TMP: f"{self.tmp}/"}
        for text, real in self.ports.items():
            table.update({f":{text}": f":{real}", f"--port {text}": f"--port {real}"})
        return _translate(command, table)

    def to_text(self, output):
        table = {str(self.kit): self.text_kit, f"{self.tmp}/": TEXT_TMP, f"{self.home}/": self.text_home,
                 str(self.home): self.text_home.rstrip("/")}
        table.update({f":{real}": f":{text}" for text, real in self.ports.items()})
        return _translate(output, table)

    def env(self, columns=80):
        """The learner's shell: the kit's venv activated, git and DVC in English, nothing of the caller's make."""
        env = {key: value for key, value in os.environ.items() if key not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
        return kit_env({"COLUMNS": str(columns), "HOME": str(self.home), "TMPDIR": str(self.tmp), "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8",
                        "LANGUAGE": "", "PYTHONUNBUFFERED": "1", "GIT_CONFIG_NOSYSTEM": "1",
                        "JUPYTER_PORT": self.ports["8888"], "JUPYTER_PORT_RETRIES": "0",
                        "OLDPWD": str(self.oldpwd)}, base=env)

    def place(self, where):
        if where == "kit":
            self.cwd = self.kit
        elif where == "workspace":
            self.cwd = self.workspace
        else:
            self.cwd = Path(self.to_real(where))

    def run(self, command, columns=80):
        """Run one command of the text as the learner would type it; its status and output (as the text writes)."""
        marker = self.tmp / ".cwd"
        script = f'cd "$0" || exit 97\neval "$1"\nstatus=$?\npwd > "{marker}"\nexit $status'
        result = run(["bash", "-c", script, str(self.cwd), self.to_real(command)], cwd=self.cwd, env=self.env(columns),
                     timeout=COMMAND_TIMEOUT)
        if marker.exists():
            new = Path(marker.read_text().strip())
            if new != self.cwd:
                self.oldpwd, self.cwd = self.cwd, new
            marker.unlink()
        return result.returncode, self.to_text(result.output)

    def start_background(self, command):
        log = self.tmp / f".background-{len(self.background)}.log"
        handle = log.open("w")
        proc = subprocess.Popen(["bash", "-c", self.to_real(command)], cwd=self.cwd, env=self.env(), stdout=handle,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        self.background.append((proc, handle))
        return proc, log

    def stop(self):
        for proc, handle in self.background:
            stop_group(proc)
            handle.close()


def _translate(text, table):
    """Replace every key of `table` by its value, in one pass (longest key first)."""
    keys = sorted(table, key=len, reverse=True)
    return re.sub("|".join(re.escape(key) for key in keys), lambda found: table[found.group()], text)


def _do(atelier, step, block):
    """One of the learner's actions before a block."""
    (kind, value), = step.items()
    if kind == "edit":
        path, old, new = value
        target = atelier.workspace / path
        content = target.read_text(encoding="utf-8")
        if old not in content:
            raise TranscriptError(f"bloc {block.number} : « {old} » est absent de {path}")
        target.write_text(content.replace(old, new, 1), encoding="utf-8")
    elif kind == "write":
        if block.previous_code is None:
            raise TranscriptError(f"bloc {block.number} : aucun bloc de code à écrire dans {value}")
        (atelier.workspace / value).write_text(block.previous_code, encoding="utf-8")
    elif kind in chapters.STEP_KINDS:
        missing = [pattern for pattern in value if not list(KIT_ROOT.glob(pattern))] if kind == "files" else []
        if missing:
            raise TranscriptError(f"bloc {block.number} : aucun fichier du kit ne correspond à {missing}")
        workspace.apply_step(atelier.workspace, step, atelier.chapter.folder)
    else:
        raise TranscriptError(f"bloc {block.number} : action inconnue {kind}")


def _replay_block(atelier, block, bindings):
    meta = block.meta
    if "cwd" in meta:
        atelier.place(meta["cwd"])
    for step in meta.get("before", []):
        _do(atelier, step, block)
    problems = []
    for index, command in enumerate(block.commands):
        last = index == len(block.commands) - 1
        if meta.get("background"):
            if problem := _await_background(atelier, command, bindings):
                problems.append(problem)
            continue
        # The learner types the ids their screen shows: the real ones the text's stand for.
        line = re.sub(r"[\w-]+", lambda word: bindings.real_of.get(word.group(), word.group()), command.line)
        status, output = atelier.run(line, meta.get("columns", 80))
        wanted = meta.get("status", 0) if last else 0
        if status != wanted:
            problems.append(f"`{command.line}` : code de sortie {status} au lieu de {wanted}\n"
                            + diff(command.expected, output.splitlines()))
        elif problem := compare(command.expected, output.splitlines(), bindings, meta.get("unordered", False),
                                  meta.get("any_order")):
            problems.append(f"`{command.line}` : {problem}\n" + diff(command.expected, output.splitlines()))
    return "\n".join(problems) or None


def _await_background(atelier, command, bindings):
    proc, log = atelier.start_background(command.line)
    deadline = time.monotonic() + BACKGROUND_WAIT
    expected = command.expected + ["[...]"]  # a server goes on printing
    while True:
        output = atelier.to_text(log.read_text(errors="replace"))
        if compare(expected, output.splitlines(), Bindings(dict(bindings.real_of), dict(bindings.text_of))) is None:
            return compare(expected, output.splitlines(), bindings)
        if proc.poll() is not None or time.monotonic() > deadline:
            return f"`{command.line}` : la sortie diffère\n" + diff(command.expected, output.splitlines())
        time.sleep(0.2)


def replay(chapter, root=None, text=None, start=None):
    """Follow `chapter`'s text in a throwaway atelier; the outcome of each console block, in order.

    `start`: a workspace the kit already built at this chapter's start, to copy
    instead of building one, with its git remote `origin` (it keeps its DVC remote).
    """
    if text is None:  # the chapter's text in the kit's language (`make transcripts CHAPTER=02 KIT_LANG=en`)
        text = lang.in_language(chapter.folder / "README.md").read_text(encoding="utf-8")
    blocks = parse(text)
    with tempfile.TemporaryDirectory(prefix=f"transcript-{chapter.number}-", dir=root) as tmp:
        atelier = Atelier(tmp, chapter)
        try:
            return _replay(chapter, atelier, blocks, start)
        finally:
            atelier.stop()


def _copy_start(start, target):
    """A copy of a built start, and of its `origin` beside it, with the copy's `origin` pointing at the copied one."""
    shutil.copytree(start, target, symlinks=True)
    origin = colleague.origin_of(start)
    if origin.exists():
        copied = colleague.origin_of(target)
        shutil.copytree(origin, copied, symlinks=True)
        git(target, "remote", "set-url", "origin", str(copied))


def _replay(chapter, atelier, blocks, start=None):
    """The start (as the text's set-up says) and then every block; the start is outcome 0 (no block)."""
    began = time.monotonic()
    first = next((block.commands[0].line for block in blocks if block.commands and "skip" not in block.meta), "")
    if first.startswith("make start-chapter"):
        atelier.place("kit")
    elif start is not None:
        _copy_start(start, atelier.workspace)
    else:
        workspace.build(chapter.number, atelier.workspace)
    bindings, outcomes = Bindings(), [Outcome(None, seconds=time.monotonic() - began)]
    for block in blocks:
        began = time.monotonic()
        if "skip" in block.meta:
            outcomes.append(Outcome(block, skipped=block.meta["skip"]))
        else:  # after a difference too: the next blocks' own differences are worth knowing
            problem = _replay_block(atelier, block, bindings)
            outcomes.append(Outcome(block, problem=problem, seconds=time.monotonic() - began))
    return outcomes


def main(numbers):
    """`python -m kit transcripts [NN...]`: replay chapter texts, report each block; exit 1 if any differs."""
    selected = [chapters.get(number) for number in numbers] if numbers else chapters.published()
    failures = 0
    for chapter in selected:
        print(f"Chapitre {chapter.number} : {chapter.title}")
        start, *outcomes = replay(chapter)
        print(f"  · point de départ construit ({start.seconds:.0f} s)")
        for outcome in outcomes:
            where = f"bloc {outcome.block.number} (ligne {outcome.block.lineno}, {outcome.seconds:.0f} s)"
            if outcome.skipped:
                print(f"  · {where} : {outcome.skipped}")
            elif outcome.problem:
                failures += 1
                print(f"  ✘ {where} : {outcome.problem}")
            else:
                print(f"  ✔ {where}")
        print(f"  {len(outcomes)} blocs, {sum(len(o.block.commands) for o in outcomes)} commandes, "
              f"{sum(o.seconds for o in [start, *outcomes]):.0f} s")
    return 1 if failures else 0
