"""make lint-course: the course passes, and each defect it looks for is found in a broken copy."""

import shutil
import subprocess
import sys

import pytest

from kit import KIT_ROOT
from kit.lint import lint


def test_the_course_is_clean():
    assert lint() == []


def test_make_lint_course_reports_and_exits():
    result = subprocess.run([sys.executable, "-m", "kit.lint"], cwd=KIT_ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and "rien à signaler" in result.stdout


@pytest.fixture
def course(tmp_path):
    """A copy of the course (chapters, solutions, checks) to break."""
    for folder in ("chapters", "solutions", "checks"):
        shutil.copytree(KIT_ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def found(course, *words):
    problems = [f"{path} : {problem}" for path, problem in lint(course)]
    assert any(all(word in line for word in words) for line in problems), problems
    return problems


def test_unknown_manifest_key(course):
    edit(course / "chapters/05-pipeline/chapter.toml", 'title = ', 'titel = "x"\ntitle = ')
    found(course, "05-pipeline/chapter.toml", "titel")


def test_empty_hint(course):
    toml = course / "chapters/02-suivi-des-fichiers/chapter.toml"
    text = toml.read_text(encoding="utf-8")
    first = text.index('text = "') + len('text = "')
    toml.write_text(text[:first] + text[text.index('"', first):], encoding="utf-8")
    found(course, "02-suivi-des-fichiers/chapter.toml", "l'indice 1 est vide")


def test_hint_naming_an_unknown_message(course):
    edit(course / "chapters/03-stockage-distant/chapter.toml", 'helps = ["no_remote"', 'helps = ["no_remot"')
    problems = found(course, "03-stockage-distant", "no_remot", "n'existe pas")
    assert any("aucun indice n'aide avec le message no_remote" in line for line in problems)


def test_message_without_text(course):
    edit(course / "checks/messages.toml", "[no_workspace]", '[blank_one]\ntext = "  "\n\n[no_workspace]')
    found(course, "checks/messages.toml", "blank_one", "pas de texte")


def test_message_with_a_link_that_is_not_one(course):
    edit(course / "chapters/03-stockage-distant/messages.toml", 'doc = "remote"', 'doc = "remot"')
    found(course, "03-stockage-distant/messages.toml", "no_remote", "lien")


def test_message_written_twice_or_malformed(course):
    edit(course / "chapters/04-decoupage-du-notebook/messages.toml", "[script_missing]", '[no_remote]\ntext = "x"\n\n[script_missing]')
    found(course, "04-decoupage-du-notebook/messages.toml", "no_remote", "déjà dans chapters/03-stockage-distant")
    edit(course / "chapters/04-decoupage-du-notebook/messages.toml", '[no_remote]\ntext = "x"', "[no_remote]\ntext = x")
    found(course, "04-decoupage-du-notebook/messages.toml")


def test_phrase_missing_from_the_catalogues(course):
    edit(course / "checks/test_chapter05.py", 'phrase("never_produced")', 'phrase("never_produce")')
    found(course, "checks/test_chapter05.py", "never_produce", "[phrases]")


def test_check_raising_another_chapters_message(course):
    edit(course / "checks/test_chapter06.py", "CheckFailed(\"", "CheckFailed(\"no_remote\") or CheckFailed(\"")
    found(course, "checks/test_chapter06.py", "no_remote", "autre chapitre", "checks/messages.toml")


def test_check_raising_an_unknown_message(course):
    edit(course / "checks/test_chapter06.py", "CheckFailed(\"", "CheckFailed(\"made_up_key\") or CheckFailed(\"")
    found(course, "checks/test_chapter06.py", "made_up_key")


def test_stray_files(course):
    (course / "chapters/04-decoupage-du-notebook/notes.txt").write_text("brouillon")
    (course / "solutions/05-pipeline/old_dvc.yaml").write_text("stages: {}")
    found(course, "chapters/04-decoupage-du-notebook/notes.txt", "en trop")
    found(course, "solutions/05-pipeline/old_dvc.yaml", "en trop")


def test_exercise_without_todo(course):
    path = course / "chapters/05-pipeline/dvc.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("TODO", "à faire"), encoding="utf-8")
    found(course, "chapters/05-pipeline/dvc.yaml", "TODO")


def test_exercise_file_missing_or_unnamed_in_the_text(course):
    (course / "chapters/07-partager-le-modele/use_model/app.py").unlink()
    found(course, "use_model/app.py", "absent")
    edit(course / "chapters/05-pipeline/chapter.toml", 'exercise = ["dvc.yaml"', 'exercise = ["dvc.yaml", "params.yaml"')
    (course / "chapters/05-pipeline/params.yaml").write_text("train: {}\n")
    found(course, "05-pipeline/README.md", "params.yaml")


def test_exercise_shown_from_outside_the_kit(course, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "train.py"
    outside.write_text("print('not the kit')\n")
    (course / "chapters/05-pipeline/train.py").unlink()
    (course / "chapters/05-pipeline/train.py").symlink_to(outside)
    found(course, "05-pipeline/train.py", "hors du kit")


def test_broken_transcript_annotation(course):
    edit(course / "chapters/02-suivi-des-fichiers/README.md", "<!-- transcript\n", "<!-- transcript\nbefor = []\n")
    found(course, "02-suivi-des-fichiers/README.md", "transcript")


def test_missing_checks_file(course):
    (course / "checks/test_chapter03.py").unlink()
    found(course, "03-stockage-distant/chapter.toml", "test_chapter03.py")


def test_check_without_a_title_and_title_without_a_check(course):
    edit(course / "checks/test_chapter06.py", "\ndef test_", "\ndef test_untitled(sandbox):\n    pass\n\n\ndef test_")
    edit(course / "chapters/06-experience-distante/messages.toml", "[titles]\n", "[titles]\ntest_gone = \"disparu\"\n")
    found(course, "06-experience-distante/messages.toml", "test_untitled", "titre")
    found(course, "06-experience-distante/messages.toml", "test_gone", "test_chapter06.py")
