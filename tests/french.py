"""French words in a text meant to be English: what the English edition's tests look for.

A word is French if it is one of the common French words below (none of them
an English word) or carries a French accent. Paths, options and identifiers
(`chapters/02-suivi-des-fichiers`, `--force`, `test_accuracy`) are not prose
and are skipped: the kit's folders keep their French names in both languages.
"""

import re

COMMON = set("""
le la les un une des du au aux ce cette ces il elle nous vous votre vos leur leurs est sont être avoir fait
faire dans pour avec sans sur sous par pas ne et ou mais donc puis alors ici déjà encore aussi très tout
tous toutes rien qui que quand comme depuis sauf voici voir fichier fichiers dossier étape étapes chapitre
indice vérification vérifications erreur données modèle projet espace travail lien réussie réussies échoue
lancez relancez commitez
""".split())
ACCENTED = re.compile(r"[àâçéèêëîïôûùüÿœ«»]", re.IGNORECASE)
NOT_PROSE = re.compile(r"[/_=\\.\-]\w")  # a path, an option, an identifier, a file name


def french_words(text):
    """The French words of `text`, in order (an empty list for English)."""
    found = []
    for token in text.split():
        if NOT_PROSE.search(token) or token.startswith(("$", "--")):
            continue
        word = token.strip("()[]{}.,;:!?\"'`*<>|").lower()
        if word in COMMON or ACCENTED.search(word):
            found.append(word)
    return found
