"""Every message a check can show the learner, in French, in one place.

A message has a key (used by the kit's tests and by the hints of each
chapter.toml, which name the keys they help with), a text with
{placeholders} and a doc link.
"""

from dataclasses import dataclass

DOC_STAGES = "https://dvc.org/doc/user-guide/project-structure/dvcyaml-files#stages"
DOC_METRICS = "https://dvc.org/doc/user-guide/project-structure/dvcyaml-files#metrics"
DOC_EXP_RUN = "https://dvc.org/doc/command-reference/exp/run"
DOC_EXP_SHOW = "https://dvc.org/doc/command-reference/exp/show"
DOC_STATUS = "https://dvc.org/doc/command-reference/status"
DOC_GITIGNORE = "https://git-scm.com/docs/gitignore"
DOC_INIT = "https://dvc.org/doc/command-reference/init"
DOC_ADD = "https://dvc.org/doc/command-reference/add"
DOC_CHECKOUT = "https://dvc.org/doc/command-reference/checkout"
DOC_REMOTE = "https://dvc.org/doc/command-reference/remote/add"
DOC_PUSH = "https://dvc.org/doc/command-reference/push"


@dataclass(frozen=True)
class Message:
    text: str
    doc: str | None = None


MESSAGES = {
    # Loading the pipeline
    "no_workspace": Message(
        "L'espace de travail {workspace} n'existe pas. Créez-le avec : make start-chapter{chapter}",
    ),
    "no_dvc_yaml": Message(
        "Il n'y a pas de fichier dvc.yaml à la racine du projet. Créez-le (le chapitre en donne un squelette).",
        doc=DOC_STAGES,
    ),
    "yaml_syntax": Message(
        "dvc.yaml n'est pas du YAML valide{where} : {problem}. Vérifiez l'indentation (des espaces, pas de tabulations) "
        "et les deux-points après chaque clé.",
        doc=DOC_STAGES,
    ),
    "yaml_schema": Message(
        "DVC refuse dvc.yaml{where} : {problem} (dans {path}). Les clés d'une étape sont cmd, deps, outs, metrics...",
        doc=DOC_STAGES,
    ),
    "dvc_error": Message(
        "DVC ne peut pas lire le projet : {problem}",
        doc=DOC_STAGES,
    ),
    # Stages and scripts
    "cmd_file_missing": Message(
        "L'étape « {stage} » lance {file}, qui n'existe pas dans le projet : vouliez-vous dire {script} ? "
        "Corrigez le nom dans la ligne cmd de cette étape (dvc.yaml).",
        doc=DOC_STAGES,
    ),
    "script_without_stage": Message(
        "Aucune étape de dvc.yaml ne lance {script}. Ajoutez une étape dont la commande (cmd) est `python {script}`.",
        doc=DOC_STAGES,
    ),
    "stage_runs_several": Message(
        "L'étape « {stage} » lance plusieurs scripts ({scripts}). Faites une étape par script : "
        "DVC pourra alors ne relancer que ce qui a changé.",
        doc=DOC_STAGES,
    ),
    "script_in_several": Message(
        "{script} est lancé par plusieurs étapes ({stages}). Gardez une seule étape par script.",
        doc=DOC_STAGES,
    ),
    # Running
    "missing_input": Message(
        "L'étape « {stage} » ne peut pas démarrer : {path} n'existe pas dans le projet. "
        "Vérifiez l'orthographe de ses deps, ou récupérez les données avec `dvc checkout`.",
        doc=DOC_STAGES,
    ),
    "stage_failed": Message(
        "L'étape « {stage} » (`{cmd}`) a échoué en partant de zéro. Dernière ligne d'erreur :\n{error}\n"
        "Lancez `dvc exp run` et lisez l'erreur complète.",
    ),
    "stage_timeout": Message(
        "L'étape « {stage} » (`{cmd}`) ne s'est pas terminée en {seconds} s : le script boucle-t-il ou attend-il une saisie ?",
    ),
    "missing_output": Message(
        "Après l'exécution, {path} manque : {why}",
        doc=DOC_STAGES,
    ),
    "undeclared_dependency": Message(
        "L'étape « {stage} » lit un fichier qu'elle ne déclare pas dans ses deps : lancée avec ses seules dépendances, "
        "elle échoue ({error}). Ajoutez ce fichier à ses deps.",
        doc=DOC_STAGES,
    ),
    "writes_outside": Message(
        "Une étape écrit hors du projet ({paths}) : DVC ne suit que ce qui est dans le projet, et un collègue "
        "n'aura pas ces fichiers. Écrivez dans le projet et déclarez-les dans outs.",
        doc=DOC_STAGES,
    ),
    # Caching
    "rerun_needed": Message(
        "Juste après une exécution complète, DVC relancerait encore {stages}. {why}",
        doc=DOC_STATUS,
    ),
    "not_invalidated": Message(
        "Après une modification de {changed}, DVC ne relancerait pas {stages} : il manque une dépendance "
        "(l'étape doit dépendre de {changed} ou d'une sortie d'une étape qui en dépend). {detail}",
        doc=DOC_STAGES,
    ),
    "over_invalidated": Message(
        "Après une modification de {changed}, DVC relancerait aussi {stages}, qui n'en dépend pas. "
        "Retirez {changed} de ses deps, ou séparez les étapes trop grosses.",
        doc=DOC_STAGES,
    ),
    # Metrics and experiments
    "no_metrics_file": Message(
        "La pipeline ne produit pas metrics.json à la racine du projet. Ajoutez à la fin d'evaluate.py le code du chapitre qui l'écrit.",
        doc=DOC_METRICS,
    ),
    "metrics_not_json": Message(
        "metrics.json n'est pas du JSON valide ({problem}). Il doit ressembler à {{\"test_accuracy\": 0.87}}.",
        doc=DOC_METRICS,
    ),
    "metrics_bad_value": Message(
        "Dans metrics.json, test_accuracy doit être un nombre entre 0 et 1 (trouvé : {value}).",
        doc=DOC_METRICS,
    ),
    "metrics_not_declared": Message(
        "metrics.json n'est pas déclaré comme métrique : DVC ne le liste pas dans `dvc metrics show`. "
        "Ajoutez-le sous `metrics:` dans l'étape d'évaluation.",
        doc=DOC_METRICS,
    ),
    "no_experiment": Message(
        "DVC n'a encore jamais exécuté la pipeline : dvc exp show ne montre test_accuracy ni pour une expérience, "
        "ni pour un commit, ni dans dvc.lock. Lancez `dvc exp run` (ou `dvc repro`), puis regardez `dvc exp show`.",
        doc=DOC_EXP_RUN,
    ),
    "experiment_without_metric": Message(
        "Vos expériences ({count}) n'ont pas de métrique test_accuracy dans `dvc exp show`. "
        "Déclarez metrics.json comme métrique, puis relancez `dvc exp run`.",
        doc=DOC_EXP_SHOW,
    ),
    # Chapter 01: the notebook
    "no_data": Message(
        "data/ ne contient pas les 500 images de la version 1 ({found} trouvées). Depuis le dossier du kit : make get-data",
    ),
    "no_base_model": Message("base.h5 manque à la racine du projet. Depuis le dossier du kit : make get-data"),
    "notebook_missing": Message("Le notebook {name} a disparu du projet. Récupérez-le avec `git checkout {name}`."),
    "notebook_invalid": Message("{name} n'est pas un notebook lisible ({problem}). Récupérez-le avec `git checkout {name}`."),
    "notebook_not_run": Message(
        "Le notebook n'a pas été exécuté en entier ({count} cellule(s) de code sans exécution), et son exécution "
        "automatique échoue aussi : {problem}",
    ),
    "notebook_error": Message(
        "Une cellule du notebook s'est terminée en erreur ({error}). Corrigez la cause (souvent : data/ ou base.h5 manquant), "
        "puis relancez toutes les cellules.",
    ),
    "no_model": Message(
        "model.h5 n'existe pas : le notebook écrit ce fichier à l'étape d'entraînement. Relancez toutes les cellules.",
    ),
    "not_ignored": Message(
        "git n'ignore pas {paths} : ajoutez une ligne par chemin dans le fichier .gitignore à la racine du projet.",
        doc=DOC_GITIGNORE,
    ),
    "generated_committed": Message(
        "{paths} est commité dans git alors que c'est un fichier généré. Retirez-le de git (sans l'effacer) : "
        "git rm -r --cached {paths}, puis commitez.",
        doc=DOC_GITIGNORE,
    ),
    "input_committed": Message(
        "{paths} est commité dans git : ces gros fichiers seront suivis par DVC au chapitre 02, et `dvc add` refusera "
        "un fichier déjà suivi par git. Retirez-le de git sans l'effacer : git rm -r --cached {paths}, puis commitez.",
        doc=DOC_GITIGNORE,
    ),
    # Chapter 02: tracking files
    "dvc_not_initialised": Message(
        "DVC n'est pas initialisé dans le projet (ou .dvc/ n'est pas commité). Lancez `dvc init`, puis commitez .dvc/.",
        doc=DOC_INIT,
    ),
    "missing_tag": Message(
        "Le tag git {tag} n'existe pas. Placez-vous sur le bon commit et lancez `git tag {tag}`.",
    ),
    "not_tracked_by_dvc": Message(
        "Au tag {tag}, {path}.dvc manque : {path} n'est pas suivi par DVC. Lancez `dvc add {path}`, puis commitez {path}.dvc.",
        doc=DOC_ADD,
    ),
    "data_in_git": Message(
        "Au tag {tag}, git contient {path} lui-même : c'est DVC qui doit suivre ce fichier, git ne garde que {path}.dvc. "
        "Retirez-le de git (git rm -r --cached {path}), puis `dvc add {path}`.",
        doc=DOC_ADD,
    ),
    "wrong_file_count": Message(
        "Au tag {tag}, data.dvc décrit {found} fichiers au lieu de {expected}, et aucun commit n'a la bonne version. "
        "Mettez les bonnes données dans data/ (make get-data), lancez `dvc add data`, commitez data.dvc, puis "
        "déplacez le tag sur ce commit : `git tag -f {tag}` (-f remplace le tag existant).",
        doc=DOC_ADD,
    ),
    "tag_on_wrong_commit": Message(
        "Au tag {tag}, data.dvc décrit {found} fichiers au lieu de {expected} : le tag est sur le mauvais commit. "
        "Le commit {commit} (« {subject} ») a la bonne version : déplacez le tag avec `git tag -f {tag} {commit}` "
        "(-f remplace le tag existant ; un tag déjà poussé se repousse avec `git push -f origin {tag}`).",
        doc="https://git-scm.com/docs/git-tag",
    ),
    "version_not_restored": Message(
        "Après `git checkout {tag}` et `dvc checkout`, data/ ne redevient pas la bonne version ({problem}). "
        "Le cache DVC doit contenir les deux versions : faites `dvc add data` avant chaque commit.",
        doc=DOC_CHECKOUT,
    ),
    # Chapter 03: remote storage
    "no_remote": Message(
        "Aucun stockage distant par défaut n'est configuré. Lancez `dvc remote add -d default URL` (make remote-url donne l'URL).",
        doc=DOC_REMOTE,
    ),
    "remote_not_committed": Message(
        "Le stockage distant « {name} » n'est configuré que pour vous (.dvc/config.local), ou .dvc/config n'est pas "
        "commité : un collègue qui clone le projet ne le verra pas. Configurez-le sans --local et commitez .dvc/config.",
        doc=DOC_REMOTE,
    ),
    "remote_inside_workspace": Message(
        "Le stockage distant ({url}) est à l'intérieur du projet : ce n'est pas un stockage partagé. "
        "Utilisez un dossier extérieur (make remote-url).",
        doc=DOC_REMOTE,
    ),
    "remote_unreachable": Message("DVC ne peut pas lire le stockage distant « {name} » : {problem}", doc=DOC_REMOTE),
    "remote_missing_data": Message(
        "Le stockage distant ne contient pas tout : {count} fichier(s) du cache n'y sont pas. Lancez `dvc push`, puis "
        "`dvc status -c` pour vérifier.",
        doc=DOC_PUSH,
    ),
    "clone_pull_failed": Message(
        "Un collègue qui clone le projet puis lance `dvc pull` ne récupère pas tout : {problem}",
        doc="https://dvc.org/doc/command-reference/pull",
    ),
    "tag_version_not_pushed": Message(
        "Au tag {tag}, un collègue ne récupère pas les données avec `dvc pull` ({problem}) : cette version n'a "
        "jamais été envoyée. Envoyez-la sans quitter votre branche : "
        "`git checkout {tag} -- data.dvc && dvc push data.dvc && git checkout HEAD -- data.dvc` "
        "(data.dvc du tag le temps d'un push), puis vérifiez avec `dvc status -c --all-tags`.",
        doc=DOC_PUSH,
    ),
    # Chapter 04: scripts
    "script_missing": Message("{script} n'existe pas à la racine du projet. Créez-le avec le code de l'étape « {step} » du notebook."),
    "script_failed": Message(
        "`python {script}` a échoué. Dernière ligne d'erreur :\n{error}\nLancez-le vous-même pour voir l'erreur complète.",
    ),
    "script_not_standalone": Message(
        "`python {script}` s'arrête : le nom {name} n'est pas défini. Dans le notebook, il venait d'une cellule "
        "précédente (souvent « 0. Préparation », qui importe les modules et définit les constantes) ; un script "
        "démarre dans un processus neuf. Ajoutez-lui l'import ou la constante qui définit {name}.",
    ),
    "script_timeout": Message("`python {script}` ne s'est pas terminé en {seconds} s : boucle-t-il ou attend-il une saisie ?"),
    "wrong_split": Message(
        "subset/{split} contient {found} images au lieu de {expected}, comme dans le notebook. Vérifiez data_extraction.py.",
    ),
    "wrong_features": Message(
        "preprocessed/{name} : {problem}. data_preprocessing.py doit écrire les six fichiers du notebook.",
    ),
    "model_unloadable": Message("model.h5 ne se charge pas avec Keras ({problem}). Vérifiez la fin de train.py."),
    "no_accuracy_printed": Message(
        "evaluate.py n'affiche pas l'exactitude (accuracy) : ajoutez un print de test_acc, comme dans le notebook.",
    ),
    # Chapter 06: a colleague's experiment
    "experiment_not_pulled": Message(
        "L'expérience {name} de Camille n'est pas dans votre projet. Récupérez-la : dvc exp pull origin {name}",
        doc="https://dvc.org/doc/command-reference/exp/pull",
    ),
    "experiment_not_applied": Message(
        "Votre espace de travail n'a pas le code ou les paramètres de {name} ({files} diffère). "
        "Appliquez-la : dvc exp apply {name}",
        doc="https://dvc.org/doc/command-reference/exp/apply",
    ),
    "experiment_not_reproduced": Message(
        "Aucune de vos expériences ne reproduit {name} (mêmes paramètres, test_accuracy = {expected}). "
        "Après `dvc exp apply {name}`, lancez `dvc exp run`.",
        doc=DOC_EXP_RUN,
    ),
    "own_experiment_lost": Message(
        "Des expériences que vous aviez au début du chapitre ont disparu ({names}) : `dvc exp pull` n'efface rien, "
        "mais `dvc exp remove` si. Git les garde encore : restaurez-les, depuis votre projet, avec : {restore}",
        doc="https://dvc.org/doc/command-reference/exp/remove",
    ),
    # Chapter 07: sharing and serving the model
    "artifact_missing": Message(
        "dvc.yaml ne déclare pas d'artefact {name}{found}. Ajoutez une section `artifacts:` avec `{name}:` et `path: models`.",
        doc="https://dvc.org/doc/user-guide/project-structure/dvcyaml-files#artifacts",
    ),
    "artifact_wrong_path": Message(
        "L'artefact {name} pointe vers {path} au lieu de models (le dossier produit par l'étape generate_artifact).",
        doc="https://dvc.org/doc/user-guide/project-structure/dvcyaml-files#artifacts",
    ),
    "no_artifact_stage": Message(
        "Aucune étape ne produit models/ à partir de model.h5 et base.h5 : ajoutez l'étape generate_artifact "
        "(deps : model.h5 et base.h5, outs : models).",
        doc=DOC_STAGES,
    ),
    "artifact_stale": Message(
        "La pipeline n'est pas à jour ({stages} à relancer) ou models/ n'a pas les bons fichiers : lancez `dvc exp run` "
        "(ou `dvc repro`), puis commitez dvc.yaml et dvc.lock.",
        doc=DOC_STATUS,
    ),
    "artifact_not_committed": Message(
        "{files} a des modifications non commitées : l'artefact enregistré par gto doit correspondre à un commit. "
        "Commitez-les, puis `dvc push`.",
    ),
    "gto_missing": Message(
        "L'artefact {name} n'est pas {what} : {command}",
        doc="https://dvc.org/doc/gto/command-reference",
    ),
    "artifact_not_published": Message(
        "L'artefact n'est pas publié : {problem}. Les collègues (et `dvc artifacts get`) passent par le dépôt origin "
        "et le stockage distant : `git push origin main --tags`, puis `dvc push`.",
        doc="https://dvc.org/doc/command-reference/artifacts/get",
    ),
    "artifact_not_fetched": Message(
        "use_model/models/{file} {problem}. Depuis le dossier use_model/, récupérez la version du stade test : "
        "`dvc artifacts get {origin} {name} --stage test --force` (--force remplace les fichiers déjà là).",
        doc="https://dvc.org/doc/command-reference/artifacts/get",
    ),
    "app_not_started": Message(
        "L'application de use_model/ ne démarre pas (`uvicorn app:app`) : {problem}",
    ),
    "app_wrong": Message(
        "L'application ne reconnaît que {correct} images sur {total} ({percent} %), sous le seuil de {minimum} % "
        "(le modèle du stade test en reconnaît environ 80 %) : charge-t-elle bien les deux modèles de use_model/models ?",
    ),
    "app_bad_input": Message(
        "Pour {case}, l'application répond {status} au lieu d'une erreur 4xx avec un message clair.",
    ),
    # Generic
    "not_checked": Message("non vérifié : cette vérification dépend d'une vérification qui a échoué plus haut."),
    "internal_error": Message(
        "Le vérificateur a rencontré une erreur inattendue ({problem}). Ce n'est sans doute pas de votre faute : "
        "signalez-le à l'animateur.",
    ),
}


class CheckFailed(Exception):
    """Raised by a check: what is wrong, where, and how to fix it (in French)."""

    def __init__(self, key, **fields):
        self.key = key
        self.message = MESSAGES[key]
        self.text = self.message.text.format(**fields)
        super().__init__(self.text)
