"""The notebook and the scripts come from the same code and give the same results."""

import ast
import shutil

import nbformat

from kit import notebook, workspace
from kit.shell import run

SCRIPTS = notebook.SCRIPTS_DIR


def statements(code):
    return sorted(ast.dump(node) for node in ast.parse(code).body)


def test_code_cells_are_the_scripts(tmp_path):
    """A preparation cell, then one cell a script: each script is exactly its cell plus what it takes
    from the preparation cell, and every statement of the preparation cell comes from a script."""
    path = tmp_path / notebook.NOTEBOOK
    notebook.write(path)
    preparation, *steps = notebook.code_cells(path)
    assert len(steps) == len(notebook.steps())
    prepared = set(statements(preparation))
    used = set()
    for (script, _), cell in zip(notebook.steps(), steps):
        whole = statements(notebook.script_body(SCRIPTS / script))
        own = statements(cell)
        assert not set(own) & prepared
        taken = [node for node in whole if node not in own]
        assert sorted(own + taken) == whole and set(taken) <= prepared
        used |= set(taken)
    assert used == prepared


def test_cells_copied_as_they_are_do_not_run_alone(tmp_path):
    """Chapter 04's start: every script copied from its cell misses a name of the preparation cell."""
    notebook.write_cell_scripts(tmp_path)
    for script, _ in notebook.steps():
        result = run(["python", script], cwd=tmp_path, timeout=120)
        assert not result.ok and "NameError" in result.output, script


def test_generation_is_byte_stable(tmp_path):
    notebook.write(tmp_path / "a.ipynb")
    notebook.write(tmp_path / "b.ipynb")
    assert (tmp_path / "a.ipynb").read_bytes() == (tmp_path / "b.ipynb").read_bytes()
    nbformat.validate(nbformat.read(str(tmp_path / "a.ipynb"), as_version=4))


def test_notebook_and_scripts_produce_the_same_outputs(tmp_path):
    """Run the notebook headless in one folder, the scripts in another: same features, same model, same accuracy."""
    folders = {}
    for name in ("notebook", "scripts"):
        folder = tmp_path / name
        folder.mkdir()
        workspace.get_data(folder, 1)
        folders[name] = folder
    notebook.write(folders["notebook"] / notebook.NOTEBOOK)
    executed = notebook.execute(folders["notebook"] / notebook.NOTEBOOK)
    printed_by_notebook = "".join(output.get("text", "") for cell in executed.cells if cell.cell_type == "code"
                                  for output in cell.outputs)
    printed_by_scripts = ""
    for script, _ in notebook.steps():
        shutil.copyfile(SCRIPTS / script, folders["scripts"] / script)
        result = run(["python", script], cwd=folders["scripts"], timeout=600)
        assert result.ok, result.output
        printed_by_scripts += result.output
    assert printed_by_notebook == printed_by_scripts
    for npy in sorted((folders["scripts"] / "preprocessed").glob("*.npy")):
        assert npy.read_bytes() == (folders["notebook"] / "preprocessed" / npy.name).read_bytes(), npy.name
    assert (folders["scripts"] / "model.h5").read_bytes() == (folders["notebook"] / "model.h5").read_bytes()
