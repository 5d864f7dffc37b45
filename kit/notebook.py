"""The colleague's notebook, cats-or-dogs.ipynb, generated from the scripts.

Chapter 01 hands the learner a notebook; chapter 04 asks them to split it
into four scripts. Both come from the same source, the solution scripts of
chapter 04. As in a real notebook, a first "preparation" cell holds every
script's imports, settings and constants; each step is then one code cell:
its script without its docstring and without what the preparation cell
already did. So a cell copied as is into a script does not run alone (the
real exercise of chapter 04), and the notebook and the scripts can never
drift apart.
"""

import ast
import re
import subprocess
import sys
from pathlib import Path

import nbformat

from kit import KIT_ROOT, course, lang

SCRIPTS_DIR = KIT_ROOT / course.SCRIPTS_SOURCE
NOTEBOOK = "cats-or-dogs.ipynb"
TEXT = Path(__file__).with_name("notebook.toml")  # its markdown, per language (kit/lang.py)


def text():
    """The notebook's markdown in the kit's language: intro, preparation, and {script: {name, text}}."""
    return lang.localised(TEXT)


def step_names():
    """{script: the name of the notebook step it comes from}, in the project's order (kit/course.py)."""
    steps = text()["steps"]
    return {script: steps[script]["name"] for script in course.SCRIPTS}


def steps():
    """[(script, its cell's markdown: "## N. name" and what it does)], in order."""
    markdown = text()["steps"]
    return [(script, f"## {number}. {markdown[script]['name']}\n\n{markdown[script]['text']}")
            for number, script in enumerate(course.SCRIPTS, 1)]


def script_body(path):
    """A script's code without its module docstring."""
    source = Path(path).read_text(encoding="utf-8")
    tree = ast.parse(source)
    first = tree.body[0] if tree.body else None
    if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant):
        lines = source.splitlines(keepends=True)
        source = "".join(lines[first.end_lineno:])
    return source.strip() + "\n"


# Statements that go to the preparation cell: imports, settings made before importing TensorFlow,
# and UPPER_CASE constants.
HOISTED_CALLS = ("os.environ.setdefault", "absl.logging.set_verbosity")


def _dotted(node):
    return f"{_dotted(node.value)}.{node.attr}" if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def _hoisted(statement):
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return "settings"
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call) \
            and _dotted(statement.value.func) in HOISTED_CALLS:
        return "settings"
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
            and isinstance(statement.targets[0], ast.Name) and statement.targets[0].id.isupper():
        return "constants"
    return None


def split_script(path):
    """({"settings": [blocks], "constants": [blocks]}, step code) of a script, docstring dropped.

    A block is a hoisted statement's source, with the comment lines right above it."""
    lines = script_body(path).splitlines()
    tree = ast.parse("\n".join(lines))
    hoisted, taken = {"settings": [], "constants": []}, set()
    for statement in tree.body:
        kind = _hoisted(statement)
        if not kind:
            continue
        first = statement.lineno - 1
        while first > 0 and lines[first - 1].lstrip().startswith("#"):
            first -= 1
        hoisted[kind].append("\n".join(lines[first:statement.end_lineno]))
        taken.update(range(first, statement.end_lineno))
    rest = "\n".join(line for index, line in enumerate(lines) if index not in taken)
    return hoisted, re.sub(r"\n{3,}", "\n\n", rest).strip() + "\n"


def cells():
    """(preparation code, [(script, title, step code)]): the notebook's code, from the scripts."""
    settings, constants, found = [], [], []
    for script, title in steps():
        hoisted, code = split_script(SCRIPTS_DIR / script)
        settings += [block for block in hoisted["settings"] if block not in settings]
        constants += [block for block in hoisted["constants"] if block not in constants]
        found.append((script, title, code))
    return "\n".join(settings) + "\n\n" + "\n".join(constants) + "\n", found


def write_cell_scripts(workspace, keep=False):
    """Each step's cell, copied as is into its script: what a first, naive split gives (chapter 04's start).

    keep: a script that already exists is the learner's and stays as it is."""
    for script, _, code in cells()[1]:
        if not (keep and (Path(workspace) / script).exists()):
            (Path(workspace) / script).write_text(code, encoding="utf-8")


def build():
    """The notebook, unexecuted, as an nbformat object."""
    preparation, found = cells()
    markdown = text()
    notebook_cells = [nbformat.v4.new_markdown_cell(markdown["intro"]), nbformat.v4.new_markdown_cell(markdown["preparation"]),
                      nbformat.v4.new_code_cell(preparation)]
    for _, title, code in found:
        notebook_cells.append(nbformat.v4.new_markdown_cell(title))
        notebook_cells.append(nbformat.v4.new_code_cell(code))
    notebook = nbformat.v4.new_notebook(cells=notebook_cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index}"  # stable ids: the same bytes at every build
    return notebook


def write(target):
    nbformat.write(build(), str(target))


def code_cells(path):
    """The sources of a notebook's code cells, read with nbformat."""
    return [cell.source for cell in nbformat.read(str(path), as_version=4).cells if cell.cell_type == "code"]


def error_line(error):
    """The last line of a cell error, without the terminal colour codes IPython adds."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip()
    return text.splitlines()[-1] if text else type(error).__name__


def execute(path, timeout=600):
    """Run every cell of the notebook in its folder (as 'Run all' would) and save the outputs."""
    from nbclient import NotebookClient

    notebook = nbformat.read(str(path), as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(Path(path).parent)}})
    try:
        # The kernel process's own stderr only carries its start-up warnings;
        # cell outputs travel separately and are kept in the notebook.
        client.execute(stderr=subprocess.DEVNULL)
    finally:
        nbformat.write(notebook, str(path))  # keep the outputs of the cells that ran
    return notebook


def main(argv=None):
    """`python -m kit.notebook PATH`: run a notebook's cells (as the chapter 01 check does, in the grading
    sandbox when graded); on a failure, print the error's last line and exit 1."""
    path = (sys.argv[1:] if argv is None else argv)[0]
    try:
        execute(path)
    except Exception as error:  # noqa: BLE001 - nbclient's CellExecutionError, kernel errors
        print(error_line(error))
        sys.exit(1)


if __name__ == "__main__":
    main()
