"""`make dag-chapterNN`: the learner's pipeline drawn beside the expected one, differences marked and said.

The learners' variants of the tiny project (tests/variants.py) are drawn as they
hand them in (not run: the drawing needs only dvc.yaml): each mistake about
dependencies is marked where it is, each right variant shows no difference.
"""

import subprocess
import sys

import pytest

from kit import KIT_ROOT, KitError, chapters, dag
from kit.shell import kit_env

from tests import variants
from tests.conftest import snapshot

CHAPTER = chapters.get("05")

# A learner's mistake -> a link the drawing must mark (its text and mark) and words of the sentence that says it.
MARKED = {
    "original bug: evaluation without model.h5": ("train ─ model.h5 → evaluate", "missing", "« evaluate » lit model.h5"),
    "training does not depend on its script": ("train.py → train", "missing", "« train » ne déclare pas train.py"),
    "preprocessing without base.h5": ("base.h5 → data_preprocessing", "missing", "pas base.h5 dans ses deps"),
    "training depends on evaluate.py": ("evaluate.py → train", "extra", "« train » dépend aussi de evaluate.py"),
    "stages merged": ("train.py → train_and_evaluate", "extra",
                      "« train_and_evaluate » lance plusieurs scripts (evaluate.py, train.py) : faites une étape"),
    "declared output never written": ("train ─ model.h5 → evaluate", "missing",
                                      "« train » ne déclare pas model.h5 dans ses outs"),
    "dependency misspelt": ("preprocesed → train", "extra", "vouliez-vous dire preprocessed ?"),
    "metrics.json not declared": ("evaluate → metrics.json", "missing", "metrics.json dans ses outs (ou metrics)"),
}


@pytest.fixture(scope="module")
def expected():
    return dag.expected_drawing(CHAPTER)


def drawn(project, variant, expected):
    variants.apply(project, variants.Variant(variant.change, runs=False))
    return dag.compare(dag.learner_drawing(project), expected)


@pytest.mark.parametrize("name", list(MARKED))
def test_each_dependency_mistake_is_marked_where_it_is(tiny, expected, name):
    rows, said = drawn(tiny.path, variants.BROKEN[name], expected)
    link, mark, words = MARKED[name]
    marked = [(mine or theirs) for mine, theirs, row_mark in rows if row_mark == mark]
    assert link in marked, rows
    assert any(words in sentence for sentence in said), said


@pytest.mark.parametrize("name", list(variants.CORRECT))
def test_right_pipelines_in_other_styles_show_no_difference(tiny, expected, name):
    """The learner's own stage ("À vous") is said as such, its links marked extra; nothing else differs."""
    rows, said = drawn(tiny.path, variants.CORRECT[name], expected)
    assert len(said) == 1 and "une étape à vous" in said[0], said
    own = said[0].split("« ", 1)[1].split(" »", 1)[0]
    assert all(mark == "" or (mark == "extra" and own in mine) for mine, _, mark in rows), (rows, said)
    assert len(rows) >= len(expected.edges)  # every expected link drawn on both sides


def test_a_misspelt_script_is_matched_to_the_one_it_meant(tiny, expected):
    """`python trian.py`: the stage is still the training, and the sentence says which name it meant."""
    rows, said = drawn(tiny.path, variants.BROKEN["script name misspelt in cmd"], expected)
    assert said[0] == "l'étape « train » lance trian.py, qui n'existe pas dans le projet : vouliez-vous dire train.py ?"
    assert len(said) == 2 and "data_report" in said[1]  # the learner's own stage, said as such


def test_a_stage_without_script_is_known_by_its_output(tiny):
    """Chapter 07's expected pipeline adds a stage running no script (models/): a chapter 05 pipeline lacks it."""
    variants.apply(tiny.path, variants.Variant(None, runs=False))
    _, said = dag.compare(dag.learner_drawing(tiny.path), dag.expected_drawing(chapters.get("07")))
    assert any("produit models" in sentence and "generate_artifact" in sentence for sentence in said), said


def dag_command(*args, env=None):
    return subprocess.run([sys.executable, "-m", "kit", "dag", *args], cwd=KIT_ROOT, env=kit_env(env),
                          capture_output=True, text=True, timeout=120)


def test_make_dag_draws_both_pipelines_and_writes_nothing(tiny):
    variants.apply(tiny.path, variants.BROKEN["original bug: evaluation without model.h5"])  # run, as learners do
    before = snapshot(tiny.path)
    shown = dag_command("05", "--workspace", str(tiny.path))
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[2].split("│")[0].strip() == "Votre pipeline" and lines[2].split("│")[1].strip() == "Pipeline attendue"
    assert any(line.startswith("  ✘ ") and line.endswith("│ train ─ model.h5 → evaluate") for line in lines)
    assert any(line.startswith("    data → data_extraction") and line.endswith("│ data → data_extraction")
               for line in lines)
    assert "Traceback" not in shown.stdout + shown.stderr
    assert snapshot(tiny.path) == before


def test_the_drawing_speaks_english(tiny, monkeypatch, capsys):
    variants.apply(tiny.path, variants.Variant(variants.drop_dep("train.py", "train.py"), runs=False))
    monkeypatch.setenv("KIT_LANG", "en")
    assert dag.show(CHAPTER, tiny.path) == 0
    shown = capsys.readouterr().out
    assert "Expected pipeline" in shown and 'the stage "train" does not declare train.py in its deps' in shown


def test_bad_input_gets_one_clear_sentence(tiny, tmp_path):
    with pytest.raises(KitError, match="nowhere"):
        dag.show(CHAPTER, tmp_path / "nowhere")
    with pytest.raises(KitError, match="Le chapitre 01 n'a pas de pipeline à dessiner"):
        dag.show(chapters.get("01"), tiny.path)
    variants.apply(tiny.path, variants.BROKEN["dvc.yaml badly indented"])
    unreadable = dag_command("05", "--workspace", str(tiny.path))  # as make dag-chapter05 says it
    assert unreadable.returncode == 1 and "Traceback" not in unreadable.stderr and unreadable.stdout == ""
    assert "DVC ne peut pas lire votre pipeline : dvc.yaml n'est pas du YAML valide (ligne 4" in unreadable.stderr


def test_dependency_failures_point_to_the_drawing():
    """The checks' messages about dependencies tell the learner where to see them (in both languages)."""
    for catalogue in ("messages.toml", "messages.en.toml"):
        text = (CHAPTER.folder / catalogue).read_text(encoding="utf-8")
        for key in ("undeclared_dependency", "not_invalidated", "over_invalidated"):
            entry = text.split(f"[{key}]\n", 1)[1].split("\n", 1)[0]
            assert "make dag-chapter05" in entry, (catalogue, key)


def test_the_untouched_exercise_lacks_three_stages(tiny, expected):
    """Chapter 05's start: only the extraction stage is written; the drawing asks for the three others."""
    (tiny.path / "dvc.yaml").write_text((CHAPTER.folder / "dvc.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    rows, said = dag.compare(dag.learner_drawing(tiny.path), expected)
    assert said == [f"aucune étape ne lance {script} : ajoutez-en une (cmd: python {script})."
                    for script in ("data_preprocessing.py", "train.py", "evaluate.py")]
    assert [mine for mine, _, mark in rows if mark == "" and mine] == [
        "data → data_extraction", "data_extraction.py → data_extraction",
        "data_extraction → subset"]  # read by no stage yet, but the expected stage writes it too: not a mistake
    assert sum(mark == "missing" for _, _, mark in rows) == len(expected.edges) - 2


def test_an_extra_stage_reading_the_metrics_is_no_missing_link(tiny, expected):
    """A report stage of the learner's own reads metrics.json: evaluate still writes it (no ✘), and the extra
    stage is said, as allowed. (The checks pass such a pipeline.)"""
    def add_report(project, spec):
        spec["stages"]["report"] = {"cmd": "cat metrics.json > report.txt", "deps": ["metrics.json", "model.h5"],
                                    "outs": ["report.txt"]}
    rows, said = drawn(tiny.path, variants.Variant(add_report), expected)
    assert not [row for row in rows if row[2] == "missing"], rows
    assert ("evaluate ─ metrics.json → report", "", "extra") in rows
    assert [sentence for sentence in said if "« report »" in sentence] == [
        "l'étape « report » ne lance aucun des quatre scripts : une étape à vous (« À vous » au chapitre 05) ? "
        "Ses liens sont marqués + ; elle doit lire au moins une sortie de la pipeline."]
