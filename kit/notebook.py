"""The colleague's notebook, cats-or-dogs.ipynb, generated from the scripts.

Chapter 01 hands the learner a notebook; chapter 04 asks them to split it
into four scripts. Both come from the same source, the solution scripts of
chapter 04: each script is one code cell (its docstring dropped), after a
French title. So the notebook and the scripts can never drift apart.
"""

import ast
import re
import subprocess
from pathlib import Path

import nbformat

from kit import KIT_ROOT

SCRIPTS_DIR = KIT_ROOT / "solutions" / "04-decoupage-du-notebook"
NOTEBOOK = "cats-or-dogs.ipynb"
STEPS = [
    ("data_extraction.py", "## 1. Extraction\n\nUn échantillon des images de `data/` est copié dans "
     "`subset/`, réparti en trois jeux : entraînement, validation et test."),
    ("data_preprocessing.py", "## 2. Prétraitement\n\nLe modèle pré-entraîné `base.h5` transforme chaque "
     "image en caractéristiques (*features*), rangées dans `preprocessed/`."),
    ("train.py", "## 3. Entraînement\n\nUn petit classifieur apprend à distinguer chats et chiens à partir "
     "des caractéristiques ; il est enregistré dans `model.h5`."),
    ("evaluate.py", "## 4. Évaluation\n\nL'exactitude (*accuracy*) du modèle sur le jeu de test : la part des images bien classées."),
]
INTRO = ("# Chats ou chiens ?\n\nLe notebook d'un collègue : il affine un classifieur d'images de chats et de "
         "chiens à partir d'un modèle pré-entraîné. Il a besoin de `data/` (les images) et de `base.h5` "
         "(le modèle de base) à côté de lui.")


def script_body(path):
    """A script's code without its module docstring."""
    source = Path(path).read_text(encoding="utf-8")
    tree = ast.parse(source)
    first = tree.body[0] if tree.body else None
    if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant):
        lines = source.splitlines(keepends=True)
        source = "".join(lines[first.end_lineno:])
    return source.strip() + "\n"


def build():
    """The notebook, unexecuted, as an nbformat object."""
    cells = [nbformat.v4.new_markdown_cell(INTRO)]
    for script, title in STEPS:
        cells.append(nbformat.v4.new_markdown_cell(title))
        cells.append(nbformat.v4.new_code_cell(script_body(SCRIPTS_DIR / script)))
    notebook = nbformat.v4.new_notebook(cells=cells)
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
