"""`make lint-course`: the course's own mistakes, found before a learner meets them.

In the spirit of rustlings' `dev check`, every chapter is read and
cross-checked: its manifest (chapter.toml), its text, its exercise and
solution files, the messages its checks can give and the hints that answer
them. Each problem is one line naming the file. `lint(root)` reads a course
anywhere (the kit's tests lint broken copies of it).
"""

import ast
import re
import sys
from pathlib import Path

from checks import messages as catalogue
from kit import KIT_ROOT, chapters, lang, transcripts

# Its message is already the whole fix (make start-chapterNN), in every chapter.
SELF_EXPLAINING = {"no_workspace"}
CHAPTER_FILES = {"README.md", "chapter.toml", catalogue.CHAPTER_CATALOGUE}
CHAPTER_FILES |= {lang.translation(name, other).name for name in CHAPTER_FILES for other in lang.LANGUAGES
                  if other != lang.DEFAULT}
SOLUTION_NOTES = {"README.md", "README.en.md"}  # a solution folder may explain itself to the instructor


def raised_keys(node):
    """Message keys of the CheckFailed(...) calls inside an AST node."""
    return called_with(node, "CheckFailed")


def called_with(node, function):
    """The constant first arguments of the calls to `function` inside an AST node."""
    return {call.args[0].value for call in ast.walk(node)
            if isinstance(call, ast.Call) and getattr(call.func, "id", None) == function
            and call.args and isinstance(call.args[0], ast.Constant)}


def called_names(node):
    """Names of the functions called inside an AST node (f(...) and module.f(...))."""
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None))
    return names - {None}


def shared_keys(checks_dir):
    """{function of the shared modules of checks/ (not a chapter's test_*.py): keys it can raise,
    through their own calls too}."""
    functions = {}
    for module in sorted(Path(checks_dir).glob("*.py")):
        if not module.name.startswith("test_"):
            tree = ast.parse(module.read_text(encoding="utf-8"))
            functions.update({node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)})
    keys = {name: raised_keys(node) for name, node in functions.items()}
    calls = {name: called_names(node) & set(functions) for name, node in functions.items()}
    changed = True
    while changed:
        changed = False
        for name in functions:
            reached = set().union(*(keys[callee] for callee in calls[name])) if calls[name] else set()
            if not reached <= keys[name]:
                keys[name] |= reached
                changed = True
    return keys


def chapter_keys(checks_file, shared):
    """Every message key the checks of one chapter can raise (directly or through the shared modules of checks/)."""
    tree = ast.parse(checks_file.read_text(encoding="utf-8"))
    keys = raised_keys(tree)
    for name in called_names(tree) & set(shared):
        keys |= shared[name]
    return keys


def _files(folder):
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts}


def _solution_files(root, paths):
    """The paths under solutions/, as solutions-relative names (what a step or an annotation uses)."""
    return {path.relative_to(root / "solutions").as_posix() for path in paths if path.is_relative_to(root / "solutions")}


def _strings(value):
    """Every string inside a step's values (tables and lists included)."""
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [string for item in items for string in _strings(item)]


def lint(root=KIT_ROOT):
    """Every problem of the course under `root`, as (file, problem) pairs, in French."""
    root = Path(root)
    problems = []
    try:
        messages = catalogue.load(root)
    except catalogue.CatalogueError as error:
        return [("messages", str(error))]
    for key, message in messages.items():
        if not message.text.strip():
            problems.append((message.catalogue, f"le message {key} n'a pas de texte"))
        if message.doc is not None and not message.doc.startswith("https://"):
            problems.append((message.catalogue, f"le lien du message {key} n'est ni une adresse ni un nom de [links]"))
    shared = shared_keys(root / "checks")
    known = catalogue.phrases(root)
    for module in sorted((root / "checks").glob("*.py")):
        for key in sorted(called_with(ast.parse(module.read_text(encoding="utf-8")), "phrase") - set(known)):
            problems.append((f"checks/{module.name}", f"la phrase {key} n'existe dans aucun catalogue ([phrases])"))
    used_solutions = set()
    try:
        course = chapters.all_chapters(root / "chapters")
    except ValueError as error:
        return problems + [("chapters", str(error))]
    for chapter in course:
        problems += _lint_chapter(root, chapter, messages, shared, used_solutions)
    for folder in sorted((root / "solutions").iterdir()):
        for name in sorted(_files(folder) - SOLUTION_NOTES):
            if f"{folder.name}/{name}" not in used_solutions:
                problems.append((f"solutions/{folder.name}/{name}", "aucun chapitre ne s'en sert (fichier en trop ?)"))
    return problems


def _lint_chapter(root, chapter, messages, shared, used_solutions):
    where = f"chapters/{chapter.name}"
    problems = []
    for number, hint in enumerate(chapter.hints, 1):
        if not hint.get("text", "").strip():
            problems.append((f"{where}/chapter.toml", f"l'indice {number} est vide"))
        for key in set(hint.get("helps", [])) - set(messages):
            problems.append((f"{where}/chapter.toml", f"l'indice {number} aide avec {key}, un message qui n'existe pas"))
    for step in chapter.start + chapter.after_start + chapter.solution:
        for pattern in step.get("files", []):
            matched = list(root.glob(pattern))
            if not matched:
                problems.append((f"{where}/chapter.toml", f"aucun fichier ne correspond à {pattern}"))
            used_solutions.update(_solution_files(root, matched))
        for used in re.findall(r"\{kit\}/(solutions/[^\s\"']+)", step.get("run", "")):  # a helper a step runs
            used_solutions.update(_solution_files(root, [root / used]))
    solution_folder = root / "solutions" / chapter.name
    if not solution_folder.is_dir():
        problems.append((f"solutions/{chapter.name}", "le dossier de la solution manque"))
    for name in chapter.exercise:
        path = chapter.folder / name
        if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
            problems.append((f"{where}/{name}", "lien vers un fichier hors du kit : il doit montrer un fichier du kit"))
        elif not path.is_file():
            problems.append((f"{where}/{name}", "fichier d'exercice annoncé dans chapter.toml, mais absent"))
        elif (solution_folder / name).is_file() and not path.is_symlink() and "TODO" not in path.read_text(encoding="utf-8"):
            problems.append((f"{where}/{name}", "l'exercice a une solution mais aucun TODO ne dit quoi compléter"))
    materials = {value for step in chapter.start + chapter.after_start + chapter.solution
                 for value in _strings(step) if (chapter.folder / value).is_dir()}
    for name in sorted(_files(chapter.folder) - CHAPTER_FILES - set(chapter.exercise)):
        if not any(name.startswith(f"{folder}/") for folder in materials):
            problems.append((f"{where}/{name}", "ni exercice, ni texte, ni matériel d'une étape (fichier en trop ?)"))
    if chapter.draft:
        return problems
    text_path = chapter.folder / "README.md"
    if not text_path.is_file():
        return problems + [(f"{where}/README.md", "le texte du chapitre manque")]
    text = text_path.read_text(encoding="utf-8")
    for name in chapter.exercise:
        if Path(name).name not in text:
            problems.append((f"{where}/README.md", f"le texte ne parle pas de {name}, un fichier de l'exercice"))
    try:
        for block in transcripts.parse(text):
            for step in block.meta.get("before", []):
                for pattern in step.get("files", []):
                    used_solutions.update(_solution_files(root, root.glob(pattern)))
    except transcripts.TranscriptError as error:
        problems.append((f"{where}/README.md", f"annotation transcript : {error}"))
    checks_file = root / "checks" / chapter.checks if chapter.checks else None
    if checks_file is None or not checks_file.is_file():
        return problems + [(f"{where}/chapter.toml", f"le fichier de vérifications checks/{chapter.checks} manque")]
    tree = ast.parse(checks_file.read_text(encoding="utf-8"))
    checks = {node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}
    titled = catalogue.titles(chapter.folder, lang.DEFAULT)
    for name in sorted(checks - set(titled)):
        problems.append((f"{where}/{catalogue.CHAPTER_CATALOGUE}", f"la vérification {name} n'a pas de titre ([titles])"))
    for name in sorted(set(titled) - checks):
        problems.append((f"{where}/{catalogue.CHAPTER_CATALOGUE}", f"[titles] nomme {name}, qui n'est pas une "
                                                                    f"vérification de checks/{chapter.checks}"))
    helped = {key for hint in chapter.hints for key in hint.get("helps", [])}
    for key in sorted(chapter_keys(checks_file, shared) - SELF_EXPLAINING):
        if key not in messages:
            problems.append((f"checks/{chapter.checks}", f"le message {key} n'existe dans aucun catalogue"))
        elif messages[key].catalogue not in (catalogue.SHARED.as_posix(), f"{where}/{catalogue.CHAPTER_CATALOGUE}"):
            problems.append((f"checks/{chapter.checks}", f"le message {key} est celui d'un autre chapitre "
                                                         f"({messages[key].catalogue}) : mettez-le dans checks/messages.toml"))
        elif key not in helped:
            problems.append((f"{where}/chapter.toml", f"aucun indice n'aide avec le message {key}"))
    return problems


def main():
    """Print every problem; exit 1 if there is any."""
    problems = lint()
    for path, problem in problems:
        print(f"{path} : {problem}")
    print(f"lint-course : {len(problems)} problème(s)." if problems else "lint-course : rien à signaler.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
