"""`make quiz-chapterNN`: the learner predicts what `dvc exp run` re-runs; DVC answers on a throwaway copy.

The tiny project has a first version of its data tagged chapter02-v1, as a real
chapter 05 workspace has: the four questions of chapter 05 are asked. Most tests
call the quiz in process with the learner's answers; one runs `python -m kit quiz`.
"""

import shutil
import subprocess
import sys

import pytest

from kit import KIT_ROOT, KitError, chapters, quiz
from kit.shell import kit_env

from tests import variants
from tests.conftest import TinyProject, snapshot

CHAPTER = chapters.get("05")
RIGHT = ["0", "3 4", "2 3 4", "1 2 3 4 5"]  # the solution's answers, stages numbered in pipeline order


def two_data_versions(project):
    """The tiny project with two versions of its data: chapter02-v1 (the first), then one more image."""
    project.sh("git tag chapter02-v1")
    (project.path / "data" / "cat.9.jpg").write_bytes(b"one more cat")
    project.sh("dvc add -q data && git add data.dvc && git commit -qm 'data v2'")
    return project


@pytest.fixture
def project(tiny):
    return two_data_versions(tiny)


@pytest.fixture(scope="module")
def solved(tiny_template, tmp_path_factory):
    """The solution, run: shared by the tests that only take the quiz (which changes nothing, as tested)."""
    path = tmp_path_factory.mktemp("quiz") / "project"
    shutil.copytree(tiny_template, path, symlinks=True)
    project = two_data_versions(TinyProject(path))
    project.become(variants.CORRECT["the solution"])
    return project


def feed(*lines):
    """stdin's readline for the quiz: these answers, then the end of input."""
    remaining = list(lines)

    def read():
        return remaining.pop(0) + "\n" if remaining else ""
    return read


def take(project, capsys, *lines):
    code = quiz.run(CHAPTER, project.path, read=feed(*lines))
    assert code == 0
    return capsys.readouterr().out


def test_right_predictions_score_full_marks_and_nothing_changes(solved, capsys):
    project = solved
    before = snapshot(project.path)
    said = take(project, capsys, *RIGHT)
    assert "Vos étapes : 1) data_extraction  2) data_preprocessing  3) train  4) evaluate  5) data_report" in said
    assert said.count("✔ Juste") == 4 and "4/4 prédictions justes." in said
    assert "Q4. Vous revenez aux données du tag chapter02-v1" in said
    assert "✔ Juste : DVC relance « data_extraction », « data_preprocessing », « train », « evaluate » et « data_report »." in said
    assert "✔ Juste : DVC ne relance aucune étape." in said
    assert snapshot(project.path) == before  # the learner's files, cache and git untouched
    assert take(project, capsys, *RIGHT) == said  # the same project, the same quiz


def test_a_wrong_prediction_is_explained_from_the_pipeline(solved, capsys):
    project = solved
    said = take(project, capsys, "0", "3", "1 2 3 4", "1 2 3 4 5")
    assert "✘ DVC relance « train » et « evaluate » ; vous aviez prédit : « train »." in said
    assert "« evaluate » est relancée : elle lit model.h5, que « train » réécrit." in said
    assert "« data_extraction » n'est pas relancée : ni data_preprocessing.py ni aucun fichier réécrit" in said
    assert "make dag-chapter05" not in said  # the learner's pipeline is right: only their guess was wrong
    assert "2/4 prédictions justes." in said


def test_the_original_bug_shows_in_what_dvc_does(project, capsys):
    """Evaluation without model.h5: DVC does not re-run it after retraining, and the expected pipeline would."""
    project.become(variants.BROKEN["original bug: evaluation without model.h5"])
    said = take(project, capsys, "0", "3 4", "2 3 4", "1 2 3 4 5")
    assert "✘ DVC relance « train » ; vous aviez prédit : « train » et « evaluate »." in said
    assert "« evaluate » n'est pas relancée : ni train.py ni aucun fichier réécrit par une étape relancée" in said
    assert "Dans la pipeline attendue, « evaluate » serait relancée aussi : il manque une dépendance à la " \
           "vôtre (make dag-chapter05)." in said
    right = take(project, capsys, "0", "3", "2 3 4", "1 2 3 4 5")  # right for their pipeline: still told
    assert "4/4 prédictions justes." in right
    assert right.count("« evaluate » serait relancée aussi") == 1  # after train.py (it reads preprocessed too)


def test_answers_by_name_misspelt_or_not_understood(project, capsys):
    project.become(variants.CORRECT["other stage names, flow style, ./ paths, python3"])
    said = take(project, capsys, "aucune", "fitt, EVAL", "what?", "", "features fit eval", "x", "y", "z")
    assert "Vos étapes : 1) extract  2) features  3) fit  4) eval  5) count" in said
    assert "Je n'ai pas compris « what? » : tapez des numéros de 1 à 5, des noms d'étapes, ou 0." in said
    assert "Tapez votre prédiction : des numéros ou des noms d'étapes, ou 0 pour aucune." in said
    assert "Question passée : elle ne compte pas." in said  # Q4: three answers not understood, not scored
    assert "3/3 prédictions justes." in said


def test_the_end_of_input_stops_quietly(solved, capsys):
    project = solved
    said = take(project, capsys, "0")
    assert said.rstrip().endswith("Quiz interrompu : relancez-le quand vous voulez.")
    assert "Q2." in said and "Q3." not in said


def test_a_pipeline_out_of_date_is_said_first(solved, tmp_path, capsys):
    project = TinyProject(shutil.copytree(solved.path, tmp_path / "project", symlinks=True))
    variants.append(project.path, "train.py", "\n# edited, not run again\n")
    said = take(project, capsys, "0")
    assert "Attention : votre pipeline n'est pas à jour ; sans rien changer, DVC relancerait déjà « train » " \
           "et « evaluate »." in said
    assert "« train » est relancée : elle n'était déjà plus à jour (dvc status)." in said
    assert "« evaluate » est relancée : elle lit model.h5, que « train » réécrit." in said  # as dvc status says


def test_bad_input_gets_one_clear_sentence(tiny, tmp_path):
    never_run = subprocess.run([sys.executable, "-m", "kit", "quiz", "05", "--workspace", str(tiny.path)],
                               cwd=KIT_ROOT, env=kit_env(), capture_output=True, text=True, timeout=120, input="")
    assert never_run.returncode == 1 and "Traceback" not in never_run.stderr
    assert "n'a encore jamais tourné (pas de dvc.lock) : lancez d'abord `dvc exp run`" in never_run.stderr
    with pytest.raises(KitError, match="nowhere"):
        quiz.run(CHAPTER, tmp_path / "nowhere", read=feed())
    with pytest.raises(KitError, match="Le chapitre 01 n'a pas de quiz"):
        quiz.run(chapters.get("01"), tiny.path, read=feed())
    tiny.become(variants.CORRECT["the solution"])
    variants.write(tiny.path, "dvc.yaml", "stages:\n  a:\n    cmd: python train.py\n     deps: [x]\n")
    with pytest.raises(KitError, match="DVC ne peut pas lire votre pipeline"):
        quiz.run(CHAPTER, tiny.path, read=feed())


def test_the_chapter_text_counts_the_questions():
    """Chapter 05's text says how many questions the quiz asks (a number in a text is tested)."""
    words = {4: ("quatre questions", "four questions")}[len(CHAPTER.quiz)]
    assert words[0] in (CHAPTER.folder / "README.md").read_text(encoding="utf-8")
    assert words[1] in (CHAPTER.folder / "README.en.md").read_text(encoding="utf-8")


def test_data_gone_from_the_cache_skips_that_question(solved, tmp_path, capsys):
    """After `dvc gc`, the tag's data cannot come back: the question says why and does not count."""
    project = TinyProject(shutil.copytree(solved.path, tmp_path / "project", symlinks=True))
    project.sh("dvc gc -q -w -f")
    said = take(project, capsys, *RIGHT)
    assert "DVC ne peut pas faire ce changement sur la copie (" in said and "question passée" in said
    assert "3/3 prédictions justes." in said
