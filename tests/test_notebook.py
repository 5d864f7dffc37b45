"""The notebook and the scripts come from the same code and give the same results."""

import shutil

import nbformat

from kit import notebook, workspace
from kit.shell import run

SCRIPTS = notebook.SCRIPTS_DIR


def test_code_cells_are_the_scripts(tmp_path):
    path = tmp_path / notebook.NOTEBOOK
    notebook.write(path)
    cells = notebook.code_cells(path)
    assert cells == [notebook.script_body(SCRIPTS / script) for script, _ in notebook.STEPS]
    assert all("import" in cell for cell in cells)  # each cell (and script) stands on its own


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
    for script, _ in notebook.STEPS:
        shutil.copyfile(SCRIPTS / script, folders["scripts"] / script)
        result = run(["python", script], cwd=folders["scripts"], timeout=600)
        assert result.ok, result.output
        printed_by_scripts += result.output
    assert printed_by_notebook == printed_by_scripts
    for npy in sorted((folders["scripts"] / "preprocessed").glob("*.npy")):
        assert npy.read_bytes() == (folders["notebook"] / "preprocessed" / npy.name).read_bytes(), npy.name
    assert (folders["scripts"] / "model.h5").read_bytes() == (folders["notebook"] / "model.h5").read_bytes()
