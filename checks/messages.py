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
        "Aucune expérience n'a été lancée dans votre espace de travail. Lancez `dvc exp run`, puis regardez `dvc exp show`.",
        doc=DOC_EXP_RUN,
    ),
    "experiment_without_metric": Message(
        "Vos expériences ({count}) n'ont pas de métrique test_accuracy dans `dvc exp show`. "
        "Déclarez metrics.json comme métrique, puis relancez `dvc exp run`.",
        doc=DOC_EXP_SHOW,
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
