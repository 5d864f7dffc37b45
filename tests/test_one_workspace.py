"""One workspace from chapter 01 to 07: `make start-chapterNN` carries on the learner's own project.

The learner here is not the solution: other stage names, flow-style YAML, an
epochs constant with another name, work left uncommitted at one chapter and
committed at another. Only the chapter texts' commands and the learner's own
edits move the project on; the kit adds each chapter's context (chapter 06:
the shared `origin` and Camille's experiment, made on this learner's files).
"""

import json
import os
import subprocess
import sys

import pytest
import yaml

from checks.pipeline import experiment_refs
from kit import KIT_ROOT, chapters, progress, workspace
from kit.shell import git, kit_env, run, sh

SOLUTIONS = KIT_ROOT / "solutions"

# The learner's chapter 05 pipeline: their own stage names, lists in flow style.
PIPELINE = """\
stages:
  prepare:
    cmd: python data_extraction.py
    deps: [data_extraction.py, data]
    outs: [subset]
  featurize:
    cmd: python data_preprocessing.py
    deps: [data_preprocessing.py, subset, base.h5]
    outs: [preprocessed]
  fit:
    cmd: python train.py
    deps: [train.py, preprocessed]
    outs: [model.h5]
  score:
    cmd: python evaluate.py
    deps: [evaluate.py, preprocessed, model.h5]
    metrics:
      - metrics.json:
          cache: false
  count:  # their own stage (chapter 05's "À vous"): a shell command, no script
    cmd: ls subset/train/cat > cats.txt
    deps: [subset]
    outs: [cats.txt]
"""


def start(number, path):
    """`make start-chapterNN`, as the learner runs it."""
    proc = subprocess.run([sys.executable, "-m", "kit", "start", number, "--workspace", str(path)],
                          cwd=KIT_ROOT, env=kit_env(), capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def carried_on(number, path):
    """Start chapter `number` on the learner's project: it must be carried on, every commit kept."""
    head = git(path, "rev-parse", "HEAD")
    said = start(number, path)
    assert f"prêt pour le chapitre {number}" in said, said
    assert run(["git", "merge-base", "--is-ancestor", head, "HEAD"], cwd=path).ok
    assert git(path, "describe", "--tags", "--exact-match", "HEAD") == f"chapter{number}"


@pytest.fixture(scope="module")
def learner(tmp_path_factory):
    """The learner's workspace, carried on from chapter 01 to a passed chapter 07."""
    return follow_the_course(tmp_path_factory.mktemp("learner") / "workspace")


def test_one_workspace_from_chapter_01_to_07(learner):
    ws, mine, own = learner
    judged = progress.verdict(chapters.get("07"), ws)  # remembered: starting chapter 08 does not judge it again
    assert judged["passed"], judged["failures"]
    assert run(["git", "merge-base", "--is-ancestor", mine, "HEAD"], cwd=ws).ok
    shown = json.loads(sh(ws, "dvc exp show -A --json --no-pager"))
    names = {exp["name"] for rev in shown for run_ in rev.get("experiments") or [] for exp in run_["revs"]
             if exp.get("name")}
    assert own and own <= names, (own, names)


def follow_the_course(ws):
    """Chapters 01 to 07 in one workspace, with the texts' commands and this learner's own edits."""
    start("01", ws)
    # 01: the data, the notebook run, a .gitignore of the learner's own.
    workspace.get_data(ws, 1)
    (ws / ".gitignore").write_text("model.h5\n# made by the notebook\nsubset/\npreprocessed/\n")
    sh(ws, "jupyter nbconvert --to notebook --execute --inplace cats-or-dogs.ipynb --log-level=ERROR")
    sh(ws, "git add .gitignore cats-or-dogs.ipynb && git commit -qm 'Notebook exécuté'")
    # Its second trial: 10 epochs, run again, committed with its outputs.
    notebook_file = ws / "cats-or-dogs.ipynb"
    notebook_file.write_text(notebook_file.read_text().replace("EPOCHS = 20", "EPOCHS = 10"))
    sh(ws, "jupyter nbconvert --to notebook --execute --inplace cats-or-dogs.ipynb --log-level=ERROR")
    sh(ws, "git commit -qam 'Essai à 10 epochs'")
    mine = git(ws, "rev-parse", "HEAD")

    carried_on("02", ws)
    sh(ws, "dvc init -q && dvc add -q data base.h5 && git add -A && git commit -qm 'data v1' && git tag chapter02-v1")
    workspace.get_data(ws, 2)
    sh(ws, "dvc add -q data && git add data.dvc && git commit -qm 'data v2' && git tag chapter02-v2")
    # Version 3 on main, then main brought back to version 2 by committing v2's data.dvc again.
    sh(ws, "rm data/*.49?.jpg && dvc add -q data && git commit -qam 'data v3' && git tag chapter02-v3"
           " && git checkout chapter02-v2 -- data.dvc && dvc checkout -q && git commit -qam 'back to v2'")

    carried_on("03", ws)
    remote = workspace.default_remote(ws)
    sh(ws, f"dvc remote add -d stockage {remote} && git add .dvc/config && git commit -qm 'remote' && dvc push -q"
           " && for v in 1 3; do git checkout chapter02-v$v -- data.dvc && dvc push -q data.dvc; done"
           " && git checkout HEAD -- data.dvc")
    # Their backup copy, configured for them alone, every version sent there in one loop over the tags.
    sh(ws, f"dvc remote add --local sauvegarde {ws.parent / 'sauvegarde'} && for tag in main chapter02-v1"
           " chapter02-v3; do git checkout $tag -- data.dvc && dvc push -q -r sauvegarde; done"
           " && git checkout HEAD -- data.dvc")

    carried_on("04", ws)  # the four scripts, as the notebook's cells; the learner's, left uncommitted
    for script in (SOLUTIONS / "04-decoupage-du-notebook").glob("*.py"):
        text = script.read_text(encoding="utf-8")
        (ws / script.name).write_text(text.replace("EPOCHS", "NB_EPOCHS"), encoding="utf-8")
    # Its fifth script: the mistakes counted its own way, one line per kind.
    (ws / "errors.py").write_text(
        "import keras\nimport numpy as np\n\nlabels = np.load('preprocessed/test_labels.npy')\n"
        "model = keras.models.load_model('model.h5', compile=False)\n"
        "dog = model.predict(np.load('preprocessed/test_features.npy'), verbose=0)[:, 0] > 0.5\n"
        "print('cats seen as cats:', np.sum(~dog & (labels == 0)))\nprint('cats seen as dogs:', np.sum(dog & (labels == 0)))\n"
        "print('dogs seen as cats:', np.sum(~dog & (labels == 1)))\nprint('dogs seen as dogs:', np.sum(dog & (labels == 1)))\n")

    carried_on("05", ws)
    assert "NB_EPOCHS = 20" in (ws / "train.py").read_text()  # the learner's script, kept
    (ws / "dvc.yaml").write_text(PIPELINE)
    (ws / "evaluate.py").write_text((SOLUTIONS / "05-pipeline" / "evaluate.py").read_text())
    sh(ws, "dvc exp run -q")
    own = {name for name, _, _ in experiment_refs(ws)}
    sh(ws, "git add -A && git commit -qm 'Pipeline'")  # committed after running

    carried_on("06", ws)
    sh(ws, "dvc exp pull -q origin my-better-exp && dvc exp apply -q my-better-exp")
    assert "fit" in yaml.safe_load((ws / "dvc.yaml").read_text())["stages"]  # her change, on the learner's pipeline
    assert yaml.safe_load((ws / "params.yaml").read_text()) == {"train": {"epochs": 40}}
    sh(ws, "dvc exp run -q --force")  # a real reproduction, as chapter 06 asks
    # Their own experiment for Camille, run aside (--temp: the workspace keeps her files), then shared.
    sh(ws, "dvc exp run -q --temp -S train.epochs=25 -n a-moi && dvc exp push -q origin a-moi")

    carried_on("07", ws)
    pipeline = yaml.safe_load((ws / "dvc.yaml").read_text())
    pipeline = {"artifacts": {"cats-vs-dogs": {"path": "models", "type": "model"}}, **pipeline}
    pipeline["stages"]["package"] = {"cmd": "mkdir -p models && cp model.h5 base.h5 models/",
                                     "deps": ["model.h5", "base.h5"], "outs": ["models"]}
    (ws / "dvc.yaml").write_text(yaml.safe_dump(pipeline, sort_keys=False))
    sh(ws, "dvc exp run -q && git add -A && git commit -qm 'Artefact' && dvc push -q"
           " && gto register cats-vs-dogs && gto assign cats-vs-dogs --stage test && git push -q origin main --tags")
    sh(ws / "use_model", 'dvc artifacts get -q "$(git remote get-url origin)" cats-vs-dogs --stage test')
    # Its own production version: fewer epochs, a minor version bump, pushed data first.
    sh(ws, "dvc exp run -q -S train.epochs=15 && git add -A && git commit -qm 'Modèle de production'"
           " && gto register cats-vs-dogs --bump-minor && gto assign cats-vs-dogs --stage prod"
           " && dvc push -q && git push -q origin main --tags")

    return ws, mine, own


# A new chapter, as an author would add it: only its own folders and checks file.
CHAPTER_08 = {
    "chapters/08-notes-de-version/chapter.toml": '''\
title = "Notes de version"
exercise = ["RELEASE.md"]
checks = "test_chapter08.py"

[[hints]]
text = "Ouvrez RELEASE.md et remplacez la ligne TODO par ce qui a changé depuis le chapitre 07."
helps = ["release_notes_missing", "release_notes_todo"]

[[solution]]
files = ["solutions/08-notes-de-version/RELEASE.md"]
[[solution]]
commit = "Notes de version"
''',
    "chapters/08-notes-de-version/README.md": "# Chapitre 08 : notes de version\n\nComplétez RELEASE.md.\n",
    "chapters/08-notes-de-version/RELEASE.md": "# Version 1.0\n\nTODO : ce qui a changé.\n",
    "chapters/08-notes-de-version/messages.toml": '''\
[release_notes_missing]
text = "RELEASE.md manque à la racine du projet : récupérez-le avec `git checkout chapter08 -- RELEASE.md`."

[release_notes_todo]
text = "RELEASE.md contient encore un TODO (ligne {line}) : remplacez-le par vos notes de version."

[titles]
test_release_notes_written = "RELEASE.md est rédigé (plus de TODO)"
''',
    "solutions/08-notes-de-version/RELEASE.md": "# Version 1.0\n\nLe modèle est publié au stade test.\n",
    "checks/test_chapter08.py": '''\
"""Chapter 08, "Notes de version": a stub that the kit's tests add to a copy of the kit."""

from checks.messages import CheckFailed


def test_release_notes_written(sandbox):
    path = sandbox / "RELEASE.md"
    if not path.is_file():
        raise CheckFailed("release_notes_missing")
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if "TODO" in line:
            raise CheckFailed("release_notes_todo", line=number)
''',
}


# The kit's own chapter 08, left out of the copy in which the test adds a chapter after the learner's 07.
KIT_CHAPTER_08 = ("chapters/08-", "solutions/08-", "checks/test_chapter08.py", "tests/test_checks_chapter08.py")


def kit_copy(target, leave_out=()):
    """The kit as it is now (its working tree, not only its commits), as a git repository of its own,
    without the files whose path starts with one of `leave_out`."""
    files = git(KIT_ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    for name in filter(None, files):
        if name.startswith(tuple(leave_out)):
            continue
        source, copy = KIT_ROOT / name, target / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():  # chapter 05's scripts: links to their one copy
            copy.symlink_to(os.readlink(source))
        elif source.is_file():
            copy.write_bytes(source.read_bytes())
    (target / ".venv").symlink_to(KIT_ROOT / ".venv")
    sh(target, "git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm kit")
    return target


def kit_command(kit, *args, expect=0):
    """`python -m kit ...` in the copy of the kit, as its Makefile runs it."""
    proc = subprocess.run([sys.executable, "-m", *args], cwd=kit, env=kit_env(), capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == expect, proc.stdout + proc.stderr
    return proc.stdout


def test_a_chapter_08_touches_only_its_own_folders(learner, tmp_path):
    """Started, checked, hinted, graded and linted, with no change to any file of the kit (the kit as it
    was with seven chapters: the learner's workspace is at the end of chapter 07)."""
    ws = learner[0]
    kit = kit_copy(tmp_path / "kit", leave_out=KIT_CHAPTER_08)
    for name, text in CHAPTER_08.items():
        (kit / name).parent.mkdir(parents=True, exist_ok=True)
        (kit / name).write_text(text, encoding="utf-8")
    changed = sh(kit, "git status --porcelain --untracked-files=all").splitlines()
    assert sorted(line.split()[-1] for line in changed) == sorted(CHAPTER_08)

    assert "rien à signaler" in kit_command(kit, "kit.lint")
    assert "prêt pour le chapitre 08" in kit_command(kit, "kit", "start", "08", "--workspace", str(ws))
    assert (ws / "RELEASE.md").read_text() == CHAPTER_08["chapters/08-notes-de-version/RELEASE.md"]
    said = kit_command(kit, "kit", "check", "08", "--workspace", str(ws), expect=1)
    assert "RELEASE.md contient encore un TODO (ligne 3)" in said and "make hint-chapter08" in said
    assert "remplacez la ligne TODO" in kit_command(kit, "kit", "hint", "08", "--workspace", str(ws))

    (ws / "RELEASE.md").write_text("# Version 1.0\n\nUn modèle publié, et une application pour s'en servir.\n")
    assert "Bravo ! La vérification du chapitre 08 est réussie" in kit_command(kit, "kit", "check", "08",
                                                                              "--workspace", str(ws))

    submissions = tmp_path / "submissions"
    submissions.mkdir()
    (submissions / "alice").symlink_to(ws)
    kit_command(kit, "kit", "grade", "08", str(submissions), "--out", str(tmp_path / "grades"))
    assert "1/1 apprenants ont tout réussi" in (tmp_path / "grades" / "report.md").read_text()
    assert sh(kit, "git status --porcelain --untracked-files=all").splitlines() == changed  # the kit, untouched
