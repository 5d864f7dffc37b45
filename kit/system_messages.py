"""What `make setup` and `make doctor` tell the learner, in French, in one place.

These run before the kit's .venv exists, with whatever Python the machine
has: this module uses nothing but plain strings (no f-strings with `=`, no
3.8+ syntax), so that even an old interpreter can print why it is refused.
"""

# --- Which Python to install, by system (the key comes from bootstrap.system_id) ------
INSTALL_PYTHON = {
    "macos-arm64": "installez Python 3.12 avec Homebrew (`brew install python@3.12`) ou depuis python.org, puis relancez `make setup`",
    "macos-x86_64": "ce kit ne s'installe pas directement sur un Mac à processeur Intel (TensorFlow n'y est plus publié) : "
                    "ouvrez-le dans le conteneur fourni (.devcontainer/, voir README, « Installation »)",
    "ubuntu-22.04": "installez Python 3.11 : `sudo apt update && sudo apt install python3.11 python3.11-venv`, puis relancez `make setup`",
    "ubuntu": "installez Python 3.12 : `sudo apt update && sudo apt install python3.12 python3.12-venv`, puis relancez `make setup`",
    "debian": "installez Python 3.11 : `sudo apt update && sudo apt install python3.11 python3.11-venv` (Debian 12 ou plus récent), puis relancez `make setup`",
    "fedora": "installez Python 3.12 : `sudo dnf install python3.12`, puis relancez `make setup`",
    "arch": "installez Python : `sudo pacman -S python`, puis relancez `make setup`",
    "other": "installez Python 3.11, 3.12 ou 3.13 (python.org, pyenv ou le gestionnaire de paquets du système), "
             "ou ouvrez le kit dans le conteneur fourni (.devcontainer/, voir README)",
}

NONE_FOUND = "aucun"
NOT_RUNNABLE = "ne se lance pas"  # an interpreter found, that does not start

# --- make setup ----------------------------------------------------------------------
SETUP = {
    "no_python": "Aucun Python utilisable pour le kit (il faut Python 3.11, 3.12 ou 3.13 ; trouvé : {found}) : {install}.",
    "python_not_runnable": "Le Python demandé ({python}) ne se lance pas : vérifiez le chemin donné à PYTHON=.",
    "unsupported_platform": "Cette machine ({system}) n'est pas prise en charge directement : {install}.",
    "no_venv_module": "Python {version} n'a pas de quoi créer un environnement virtuel (module venv/ensurepip absent) : "
                      "`sudo apt install python{minor}-venv`, puis relancez `make setup`.",
    "venv_failed": "La création de .venv avec {python} a échoué : {detail}",
    "starting": "Installation de l'environnement du kit dans .venv (Python {version}). "
                "Première fois : environ {size} Mo à télécharger, quelques minutes ; les fois suivantes, quelques secondes.",
    "downloading": "  téléchargement : {what}",
    "install_failed": "L'installation des paquets a échoué ({installer}) : {detail}\n"
                      "Rien n'est gardé : .venv a été supprimé. Vérifiez l'accès au réseau (pour cette étape seulement), "
                      "puis relancez `make setup`.",
    "uv_unavailable": "  (uv indisponible, installation avec pip, plus lente : {detail})",
    "uv_failed_retry": "  (uv a échoué, nouvel essai avec pip : {detail})",
    "interrupted": "Installation interrompue : .venv a été supprimé ; relancez `make setup` pour reprendre proprement.",
    "import_failed": "Les paquets sont installés, mais TensorFlow ne se charge pas : {detail}\nLancez `make doctor` pour savoir pourquoi.",
    "rebuilding": "  (.venv incomplet ou fait avec un autre Python : reconstruit de zéro)",
    "updating": "requirements.txt a changé : mise à jour de .venv (quelques secondes)...",
    "ready": "Environnement prêt en {seconds} s. Pour l'utiliser dans un terminal : source .venv/bin/activate",
    "up_to_date": "L'environnement .venv est déjà prêt.",
}

# --- make doctor ---------------------------------------------------------------------
DOCTOR_TITLE = "État de la machine pour l'atelier DVC"
DOCTOR_HEADER = ("Élément", "État", "Détail, ou comment corriger")
DOCTOR_STATUS = {"ok": "OK", "fix": "À CORRIGER", "unknown": "?", "optional": "FACULTATIF"}
DOCTOR_ALL_GOOD = "Tout est prêt pour l'atelier."
DOCTOR_TO_FIX = "{count} point(s) à corriger avant l'atelier (colonne de droite). Relancez `make doctor` ensuite."
DOCTOR_UNKNOWN = "{count} point(s) n'ont pas pu être mesurés (« ? ») : ils ne bloquent pas, mais vérifiez-les à la main."

DOCTOR = {
    # item names (first column)
    "python": "Python",
    "git": "git",
    "git_identity": "Identité git",
    "make": "make",
    "disk": "Espace disque libre",
    "memory": "Mémoire",
    "cpu": "Processeur",
    "venv": "Environnement .venv",
    "tensorflow": "TensorFlow",
    "dvc": "DVC",
    "ports": "Ports réseau",
    "write": "Écriture dans le kit",
    "sandbox": "Bac à sable (make grade)",
    # details
    "python_ok": "{version} ({path})",
    "python_missing": "il faut 3.11, 3.12 ou 3.13 (trouvé : {found}) : {install}",
    "git_ok": "version {version}",
    "git_missing": "git est introuvable : installez-le (`sudo apt install git`, ou `xcode-select --install` sur macOS)",
    "git_old": "version {version}, trop ancienne (il faut 2.28 ou plus) : mettez git à jour",
    "identity_ok": "{name} <{email}>",
    "identity_missing": "git ne sait pas qui vous êtes : git config --global user.name \"Prénom Nom\" "
                        "&& git config --global user.email \"vous@exemple.fr\"",
    "make_ok": "{version}",
    "make_missing": "make est introuvable : `sudo apt install make`, ou `xcode-select --install` sur macOS",
    "disk_ok": "{free} Go libres (il en faut {need})",
    "disk_low": "{free} Go libres, il en faut {need} : libérez de la place sur ce disque",
    "memory_ok": "{total} Go (il en faut {need})",
    "memory_low": "{total} Go, il en faut au moins {need} : fermez d'autres programmes, ou utilisez une autre machine",
    "unknown": "impossible à mesurer sur ce système",
    "cpu_ok": "{machine}",
    "cpu_ok_avx": "{machine}, avec AVX",
    "cpu_no_avx": "{machine} sans instructions AVX : TensorFlow ne peut pas s'y exécuter ; utilisez une machine plus récente",
    "cpu_unsupported": "{machine} : {install}",
    "venv_ok": "prêt (Python {version})",
    "venv_missing": "pas encore installé : lancez `make setup`",
    "venv_broken": "incomplet ou cassé : lancez `make setup` (il le reconstruit)",
    "after_setup": "à vérifier après `make setup`",
    "tensorflow_ok": "version {version}, se charge en {seconds} s",
    "tensorflow_crash": "TensorFlow plante au chargement ({detail}) : lancez `make setup` ; si cela persiste, "
                        "utilisez le conteneur (.devcontainer/)",
    "dvc_ok": "version {version}",
    "dvc_failed": "`dvc version` a échoué ({detail}) : relancez `make setup`",
    "ports_ok": "libres ({lab} pour JupyterLab, {app} pour l'application du chapitre 07)",
    "ports_busy": "port(s) {ports} déjà pris par un autre programme : arrêtez-le, ou choisissez un autre port "
                  "(`--port 8001` pour uvicorn, `make lab` en propose un autre de lui-même)",
    "write_ok": "{path}",
    "write_denied": "impossible d'écrire dans {path} : placez le kit dans un dossier à vous (votre dossier personnel)",
    "sandbox_ok": "bubblewrap {version} : make grade exécute le code des apprenants isolé",
    "sandbox_missing": "bubblewrap absent : seul l'animateur en a besoin, pour make grade "
                       "(`sudo apt install bubblewrap`)",
    "sandbox_broken": "bubblewrap ne peut pas isoler ici ({detail}) : make grade refusera, sauf avec GRADE_UNSAFE=1",
    "sandbox_not_linux": "Linux seulement : sur ce système, make grade ne corrige qu'avec GRADE_UNSAFE=1 "
                         "(ou dans le conteneur, .devcontainer/)",
}


# Numbers as the language writes them (12,5 Go).
DECIMAL_SEPARATOR = ","

# The same names in English when the kit speaks it (KIT_LANG=en, see kit/lang.py): this module runs
# before .venv exists, on any Python, so it reads the setting itself.
from kit import system_messages_en as _english  # noqa: E402 - after the French it may replace

if __import__("os").environ.get("KIT_LANG", "").strip().lower() == "en":
    globals().update({name: value for name, value in vars(_english).items() if name.isupper()})
