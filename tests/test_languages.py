"""The kit in two languages: French, the reference, and English, chosen with KIT_LANG.

Every catalogue has its translation with the same keys and placeholders; the same
submission gets the same verdicts in both, with messages naming the same files and stages.
"""

import ast
import re
import shutil
import string
import subprocess
import sys
import tomllib

import pytest

from checks import messages
from checks.result import ChapterResult
from kit import KIT_ROOT, bilingual, chapters, lang
from kit.shell import kit_env
from tests.french import french_words
from tests.variants import BROKEN

ENGLISH = "en"
CATALOGUES = [KIT_ROOT / messages.SHARED, lang.INTERFACE, KIT_ROOT / "kit" / "notebook.toml",
              *sorted((KIT_ROOT / "chapters").glob("*/messages.toml"))]


def read(path):
    return tomllib.loads(path.read_text(encoding="utf-8"))


def placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def texts(table, prefix=""):
    """{dotted key: text} of every string of a catalogue (links and doc addresses are not text)."""
    found = {}
    for key, value in table.items():
        if isinstance(value, dict):
            found.update(texts(value, f"{prefix}{key}."))
        elif isinstance(value, str) and key != "doc" and prefix != f"{messages.LINKS}.":
            found[prefix + key] = value
    return found


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.relative_to(KIT_ROOT).as_posix())
def test_every_text_has_its_translation_with_the_same_placeholders(path):
    french = texts(read(path))
    english = texts(read(lang.translation(path, ENGLISH)))
    english = {key: text for key, text in english.items() if not key.startswith(f"{lang.TRANSLATE}.")}  # English only
    assert set(english) == set(french)
    for key, text in french.items():
        assert placeholders(english[key]) == placeholders(text), key
        assert english[key].strip() or not text.strip(), key


@pytest.mark.parametrize("chapter", chapters.published(), ids=lambda c: c.number)
def test_every_chapter_has_its_title_hints_and_check_titles_in_english(chapter):
    french, english = read(chapter.folder / "chapter.toml"), read(lang.translation(chapter.folder / "chapter.toml", ENGLISH))
    assert set(english) <= {"title", "hints", "metric", "alternatives"} and english["title"] != french["title"]
    assert bool(english.get("alternatives")) == bool(french.get("alternatives")) == True  # noqa: E712
    assert set(english.get("metric", {})) == ({"label"} if "metric" in french else set())
    assert len(english["hints"]) == len(french["hints"])
    assert all(hint["text"].strip() and set(hint) == {"text"} for hint in english["hints"])
    tree = ast.parse(chapter.checks_path.read_text(encoding="utf-8"))
    checks = {node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}
    french, english = messages.titles(chapter.folder, lang.DEFAULT), messages.titles(chapter.folder, ENGLISH)
    assert set(french) == set(english) == checks
    assert all(english[name] != french[name] for name in checks)


def judged(tiny, language):
    """`python -m kit check 05` on the tiny project, in `language`: {check id: (status, key, message)}."""
    report = tiny.path.parent / f"report-{language}.json"
    proc = subprocess.run([sys.executable, "-m", "kit", "check", "05", "--workspace", str(tiny.path),
                           "--report", str(report)], cwd=KIT_ROOT, env=kit_env({"KIT_LANG": language}),
                          capture_output=True, text=True, timeout=300)
    result = ChapterResult.load(report)
    return proc.stdout, {check.id: (check.status, check.key, check.message or "") for check in result.checks}


def test_the_same_submission_gets_the_same_verdicts_in_both_languages(tiny):
    tiny.become(BROKEN["script name misspelt in cmd"])
    french_output, french = judged(tiny, "fr")
    english_output, english = judged(tiny, ENGLISH)
    assert {check: verdict[:2] for check, verdict in french.items()} == \
           {check: verdict[:2] for check, verdict in english.items()}
    message = english["test_one_stage_per_script"][2]
    assert "train" in message and "trian.py" in message and "train.py" in message
    assert message != french["test_one_stage_per_script"][2]
    assert "Chapter 05" in english_output and "Hint: make hint-chapter05" in english_output
    assert french_words(english_output) == [] and french_words(french_output) != []
    assert "Chapitre 05" in french_output and "Indice : make hint-chapter05" in french_output


def test_an_unknown_language_is_refused_in_one_sentence_per_language(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "kit", "hint", "05", "--workspace", str(tmp_path)], cwd=KIT_ROOT,
                          env=kit_env({"KIT_LANG": "de"}), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == ["KIT_LANG=de : langue inconnue, choisissez fr | en.",
                                        "KIT_LANG=de: unknown language, choose fr | en."]


USAGE_ERRORS = {  # a learner's or an instructor's malformed command: (command, what French says, what English says)
    "hint number": (["python", "-m", "kit", "hint", "05", "deux"], "N=deux : le numéro d'un indice est un nombre",
                    "N=deux: a hint's number is a number"),
    "data version": (["python", "-m", "kit", "get-data", "3"], "VERSION=3 : les données existent en version 1 ou 2",
                     "VERSION=3: the data comes in version 1 or 2"),
    "argparse": (["python", "-m", "kit", "check"], "Commande mal formée (python -m kit check:",
                 "Malformed command (python -m kit check:"),
    "make grade": (["make", "-s", "grade", "CHAPTER=05"], "Usage : make grade CHAPTER=05 SUBMISSIONS=dossier",
                   "Usage: make grade CHAPTER=05 SUBMISSIONS=folder"),
    "no python": (["make", "-s", "doctor", "BOOT_PYTHON="], "Python 3 est introuvable", "Python 3 cannot be found"),
}


@pytest.mark.parametrize("case", USAGE_ERRORS)
def test_usage_errors_are_said_in_the_kits_language(case):
    command, french, english = USAGE_ERRORS[case]
    command = [sys.executable if word == "python" else word for word in command]
    for language, expected in (("fr", french), (ENGLISH, english)):
        proc = subprocess.run(command, cwd=KIT_ROOT, env=kit_env({"KIT_LANG": language}), capture_output=True,
                              text=True, timeout=60)
        assert proc.returncode != 0 and expected in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_a_workspace_keeps_the_language_it_was_started_in(tmp_path):
    ws = tmp_path / "ws"
    run = lambda *args, **env: subprocess.run([sys.executable, "-m", "kit", *args, "--workspace", str(ws)],  # noqa: E731
                                              cwd=KIT_ROOT, env=kit_env(env), capture_output=True, text=True,
                                              timeout=300)
    assert run("start", "01", KIT_LANG=ENGLISH).returncode == 0
    english = chapters.get("01")  # read here in French: the hint must come from the English manifest
    said = run("hint", "01").stdout  # no KIT_LANG: the workspace's language
    assert "Hint 1/" in said and english.hints[0]["text"][:30] not in said
    assert "Indice 2/" in run("hint", "01", KIT_LANG="fr").stdout  # KIT_LANG still wins (and the next hint)
    status = run("status").stdout
    assert "Progress in" in status and "✘ to finish (failing: " in status and "Next step: " in status
    assert "Progression" not in status


def test_setup_and_doctor_speak_english_with_the_same_names_keys_and_placeholders():
    """kit/system_messages.py runs before .venv exists, on any Python: its English is a module beside it."""
    from kit import system_messages, system_messages_en

    def public(module):
        return {name: value for name, value in vars(module).items() if name.isupper()}

    french, english = public(system_messages), public(system_messages_en)
    assert set(french) == set(english)
    for name, value in french.items():
        pairs = [(value, english[name])] if isinstance(value, str) else \
            [(value[key], english[name][key]) for key in value] if isinstance(value, dict) else list(zip(value, english[name]))
        if isinstance(value, dict):
            assert list(value) == list(english[name]), name
        for fr, en in pairs:
            assert placeholders(fr) == placeholders(en), (name, fr)
    said = subprocess.run([sys.executable, "-c", "from kit import system_messages as m; print(m.SETUP['starting'])"],
                          cwd=KIT_ROOT, env=kit_env({"KIT_LANG": ENGLISH}), capture_output=True, text=True)
    assert said.stdout.startswith("Installing")


@pytest.mark.parametrize("chapter", chapters.published(), ids=lambda c: c.number)
def test_every_chapter_has_an_english_text_whose_sessions_are_the_french_ones_in_english(chapter):
    """README.en.md's console blocks are README.md's (replayed by the transcript tests), with what the kit
    prints in English (python -m kit.bilingual writes them): same commands, same outputs of git and DVC."""
    french = (chapter.folder / "README.md").read_text(encoding="utf-8")
    english = lang.translation(chapter.folder / "README.md", ENGLISH).read_text(encoding="utf-8")
    assert bilingual.english_text(french, english, chapter) == english, "python -m kit.bilingual rewrites them"
    blocks = bilingual.console_blocks(english)
    assert len(blocks) == len(bilingual.console_blocks(french))
    assert [line for _, body in blocks for line in body.splitlines() if french_words(line)] == []


def test_kit_output_lines_are_translated_through_the_catalogues():
    assert bilingual.english_line("Bravo ! Les 6 vérifications du chapitre 03 sont réussies.") == \
        "Well done! All 6 checks of chapter 03 pass."
    assert bilingual.english_line("Chapitre 03 : Stockage distant  (espace de travail : /w)") == \
        "Chapter 03: Remote storage  (workspace: /w)"
    assert bilingual.english_line("dd5fb3a (tag: chapter01) Chapitre 01 : point de départ") == \
        "dd5fb3a (tag: chapter01) Chapter 01: starting point"
    assert bilingual.english_line("modified:   data") == "modified:   data"  # DVC's own output: unchanged


@pytest.mark.parametrize("chapter", chapters.published(), ids=lambda c: c.number)
def test_translated_texts_of_exercises_and_sessions_exist_in_french(chapter):
    """Each [translate] entry replaces a text that is really there (an exercise file, a session of the text,
    a commit message or command of the chapter's steps, a file its solution copies)."""
    table = lang.replacements(chapter.folder, ENGLISH)
    solution = KIT_ROOT / "solutions" / chapter.name
    french = "".join(path.read_text(encoding="utf-8") for path in [
        chapter.folder / "README.md", chapter.folder / "chapter.toml", *(chapter.folder / name for name in chapter.exercise),
        *(path for path in solution.rglob("*") if path.is_file() and path.name != "README.md")])
    assert [text for text in table if text not in french] == []


def test_exercise_files_are_given_in_the_kits_language(tmp_path, monkeypatch):
    from kit import workspace

    monkeypatch.setenv(lang.VARIABLE, ENGLISH)
    (tmp_path / "ws").mkdir()
    workspace.copy_exercise(chapters.get("05"), tmp_path / "ws")
    pipeline = (tmp_path / "ws" / "dvc.yaml").read_text(encoding="utf-8")
    assert "# TODO: the stage that runs train.py" in pipeline and "étape" not in pipeline
    assert (tmp_path / "ws" / "train.py").read_text() == (chapters.get("05").folder / "train.py").read_text()


def test_the_notebook_is_written_in_the_kits_language(monkeypatch):
    from kit import notebook

    french = notebook.build()
    monkeypatch.setenv(lang.VARIABLE, ENGLISH)
    english = notebook.build()
    assert english.cells[0].source.startswith("# Cats or dogs?") and "## 2. Preprocessing" in english.cells[5].source
    assert [cell.source for cell in english.cells if cell.cell_type == "code"] == \
        [cell.source for cell in french.cells if cell.cell_type == "code"]  # the same code: the same results


def strings(value, skip=(lang.TRANSLATE,)):
    """Every string of a catalogue's values ([translate]'s keys are the French texts it replaces)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in skip:
                yield from strings(item, skip)
            elif isinstance(item, dict):
                yield from item.values()
    elif isinstance(value, list):
        for item in value:
            yield from strings(item, skip)


ENGLISH_FILES = sorted({*KIT_ROOT.glob("README.en.md"), *KIT_ROOT.glob("chapters/*/*.en.*"),
                        *KIT_ROOT.glob("solutions/*/README.en.md"),
                        *KIT_ROOT.glob("checks/*.en.toml"), *KIT_ROOT.glob("kit/*.en.*")})


@pytest.mark.parametrize("path", ENGLISH_FILES, ids=lambda p: p.relative_to(KIT_ROOT).as_posix())
def test_no_french_in_the_english_edition(path):
    text = path.read_text(encoding="utf-8")
    texts = list(strings(tomllib.loads(text))) if path.suffix == ".toml" else text.splitlines()
    assert [line for line in texts if french_words(line)] == []


def test_no_french_in_the_english_system_messages():
    tree = ast.parse((KIT_ROOT / "kit" / "system_messages_en.py").read_text(encoding="utf-8"))
    said = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    assert said and [text for text in said if french_words(text)] == []


def test_the_french_word_finder_finds_french():
    assert french_words("Le notebook a produit model.h5 dans le projet.") == ["le", "dans", "le", "projet"]
    assert french_words("Lancez `dvc init`, puis commitez .dvc/.") == ["lancez", "puis", "commitez"]
    assert french_words("Run `dvc init` in chapters/02-suivi-des-fichiers, then commit .dvc/.") == []
    french = (KIT_ROOT / "chapters" / "05-pipeline" / "messages.toml").read_text(encoding="utf-8")
    messages_texts = [entry["text"] for entry in tomllib.loads(french).values() if "text" in entry]
    assert messages_texts and all(french_words(text) for text in messages_texts)


@pytest.mark.parametrize("chapter", chapters.published(), ids=lambda c: c.number)
def test_the_exercise_files_and_notebook_in_english_hold_no_french(chapter, tmp_path, monkeypatch):
    from kit import notebook, workspace

    monkeypatch.setenv(lang.VARIABLE, ENGLISH)
    workspace.copy_exercise(chapter, tmp_path)
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    lines = [f"{path.name}: {line}" for path in files for line in path.read_text(encoding="utf-8").splitlines()
             if french_words(line)]
    for script in (path for path in files if path.suffix == ".py"):  # a translation must not break the code
        ast.parse(script.read_text(encoding="utf-8"), filename=script.name)
    if chapter.number == "01":
        lines += [cell.source for cell in notebook.build().cells if french_words(cell.source)]
    assert lines == []


# Modules whose French strings are meant: the French catalogue of what runs before .venv, and the course
# authors' tools, which check the French reference files (README: "Left in French").
FRENCH_BY_DESIGN = {"kit/system_messages.py", "kit/lint.py", "kit/transcripts.py", "kit/bilingual.py",
                    "kit/chapters.py", "checks/messages.py"}


def test_code_holds_no_learner_text():
    """What a learner or an instructor reads comes from a catalogue: no French string in the kit's code."""
    found = []
    for path in sorted([*KIT_ROOT.glob("kit/*.py"), *KIT_ROOT.glob("checks/*.py")]):
        name = path.relative_to(KIT_ROOT).as_posix()
        if name in FRENCH_BY_DESIGN:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(node)}
        found += [f"{name}:{node.lineno}: {node.value[:60]}" for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                  and french_words(node.value)]
    assert found == []


def test_every_solution_note_has_its_english_one():
    notes = sorted(KIT_ROOT.glob("solutions/*/README.md"))
    assert notes and [note for note in notes if not lang.translation(note, ENGLISH).is_file()] == []


def test_a_learner_and_an_instructor_in_english_read_no_french(tmp_path):
    """start, check, hint, status on a chapter 02 workspace, then grade it beside a folder that is no
    submission: nothing printed or written for them holds French (the HTML read without its tags)."""
    ws, subs, grades = tmp_path / "ws", tmp_path / "subs", tmp_path / "grades"

    def kit(*args):
        proc = subprocess.run([sys.executable, "-m", "kit", *args], cwd=KIT_ROOT, env=kit_env({"KIT_LANG": ENGLISH}),
                              capture_output=True, text=True, timeout=300)
        return proc.stdout + proc.stderr

    said = [kit("start", "02", "--workspace", str(ws)), kit("check", "02", "--workspace", str(ws)),
            kit("hint", "02", "--workspace", str(ws)), kit("status", "--workspace", str(ws))]
    shutil.copytree(ws, subs / "alice", symlinks=True)
    (subs / "bob").mkdir()
    said.append(kit("grade", "02", str(subs), "--out", str(grades)))
    said += [re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")) for path in sorted(grades.rglob("*"))
             if path.is_file()]
    assert "Chapter 02" in said[1] and "Hint 1/" in said[2] and len(said) == 5 + 4 + 2 + 2  # 4 reports, 2 feedbacks, 2 results
    assert [line for text in said for line in text.splitlines() if french_words(line)] == []


def test_the_commits_the_kit_makes_are_in_the_kits_language(tmp_path, monkeypatch):
    """Every commit step of every chapter (starts, solutions), as the kit applies it to a learner's project,
    and the starting-point commits: in English, the kit's commit messages hold no French."""
    from kit import workspace

    monkeypatch.setenv(lang.VARIABLE, ENGLISH)
    workspace.init_repo(tmp_path / "ws")
    for chapter in chapters.published():
        for step in chapter.start + chapter.after_start + chapter.solution:
            if "commit" in step:
                workspace.apply_step(tmp_path / "ws", step, chapter.folder)
        workspace.apply_step(tmp_path / "ws", {"commit": lang.say("workspace", "start_commit", chapter=chapter.number)})
    subjects = subprocess.run(["git", "log", "--format=%s"], cwd=tmp_path / "ws", capture_output=True, text=True,
                              check=True).stdout.splitlines()
    assert "Track data (version 1) and base.h5 with DVC" in subjects and "Default DVC remote" in subjects
    assert len(subjects) >= 10 and [subject for subject in subjects if french_words(subject)] == []


def test_grading_reports_of_a_chapter_with_a_metric_hold_no_french(monkeypatch):
    """Chapter 05's feedback names its metric (chapter.toml's label, chapter.en.toml's in English)."""
    from checks.result import FAILED, PASSED, CheckResult
    from kit import reports

    monkeypatch.setenv(lang.VARIABLE, ENGLISH)
    chapter = chapters.get("05")
    checks = [CheckResult("test_a", "a check", PASSED), CheckResult("test_b", "another", FAILED, "k", "it failed")]
    grades = [reports.Grade("alice", checks=checks, metric=0.85), reports.Grade("bob", problem="no repository")]
    said = reports.feedback(chapter, grades[0]) + reports.markdown(chapter, grades)
    assert "Your model's accuracy (test_accuracy): 0.850" in said and "- bob: no repository" in said
    assert [line for line in said.splitlines() if french_words(line)] == []
