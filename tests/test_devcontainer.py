""".devcontainer/: valid, on a supported official Python image, setting up the kit as README says.

No Docker engine runs on the development machine: the image itself is not built here.
"""

import json
import re

from kit import KIT_ROOT, bootstrap, doctor

FOLDER = KIT_ROOT / ".devcontainer"


def config():
    return json.loads((FOLDER / "devcontainer.json").read_text(encoding="utf-8"))


def readme_installation_commands():
    """The commands of README's "Installation" block, without their comments."""
    text = (KIT_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Installation", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.split("#", 1)[0].strip()]


def test_config_builds_the_dockerfile_beside_it():
    assert (FOLDER / config()["build"]["dockerfile"]).is_file()


def test_image_is_an_official_python_the_kit_supports():
    dockerfile = (FOLDER / "Dockerfile").read_text(encoding="utf-8")
    image = re.search(r"^FROM\s+python:(\d+)\.(\d+)(?:\.\d+)?-\S+\s*$", dockerfile, re.M)
    assert image, "the image must be an official python:X.Y-... image"
    assert bootstrap.SUPPORTED[0] <= (int(image.group(1)), int(image.group(2))) <= bootstrap.SUPPORTED[1]
    installed = re.search(r"apt-get install[^\n]*?((?:\s+[a-z][\w.+-]*)+)\s*\\?\n", dockerfile).group(1).split()
    assert {"git", "make"} <= set(installed)


def test_runs_the_setup_commands_of_the_readme():
    commands = readme_installation_commands()
    assert "make setup" in commands and "make doctor" in commands
    assert config()["postCreateCommand"] == "make setup"
    assert config()["postAttachCommand"].split(" || ")[0] == "make doctor"


def test_forwards_the_ports_the_workshop_uses():
    assert config()["forwardPorts"] == [doctor.LAB_PORT, doctor.APP_PORT]
    assert set(config()["portsAttributes"]) == {str(doctor.LAB_PORT), str(doctor.APP_PORT)}


def test_asks_for_what_doctor_checks():
    requirements = config()["hostRequirements"]
    assert int(requirements["memory"].removesuffix("gb")) >= doctor.MEMORY_NEEDED_GB
    assert int(requirements["storage"].removesuffix("gb")) >= doctor.DISK_NEEDED_GB["before_setup"]
    assert requirements["cpus"] <= 2  # the kit is made for a 2-core laptop


def test_vscode_gets_dvcs_extension():
    """Chapter 08 points at the experiments table and plots of Iterative's DVC extension for VS Code."""
    assert "Iterative.dvc" in config()["customizations"]["vscode"]["extensions"]
    text = (KIT_ROOT / "chapters" / "08-experimenter" / "README.md").read_text(encoding="utf-8")
    assert "VS Code" in text
