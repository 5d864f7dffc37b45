"""The kit's layers point one way: course facts and process helpers, then the checks, then the kit's orchestration.

Checks (checks/) may use the leaves of the kit, never what builds, runs or
grades workspaces; and no module imports a kit module inside a function
(the sign of a cycle being dodged). The command line is the one exception, on
purpose: it imports each command's module when the command runs (start-up time).
"""

import ast

import pytest

from kit import KIT_ROOT

LEAVES = {"kit", "kit.course", "kit.shell", "kit.state", "kit.notebook", "kit.system_messages",
          "kit.system_messages_en", "kit.limits", "kit.lang", "kit.jail"}
OWN = ("kit", "checks")


def imports(path):
    """(module imported, whether at the top level) for every kit or checks import of a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = set(map(id, tree.body))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in OWN:
            names = [node.module] if node.module != "kit" else [f"kit.{a.name}" if a.name.islower() else "kit"
                                                                 for a in node.names]
            found += [(name, id(node) in top) for name in names]
        elif isinstance(node, ast.Import):
            found += [(a.name, id(node) in top) for a in node.names if a.name.split(".")[0] in OWN]
    return found


@pytest.mark.parametrize("path", sorted((KIT_ROOT / "checks").glob("*.py")), ids=lambda p: p.name)
def test_checks_use_only_the_leaves_of_the_kit(path):
    used = {name for name, _ in imports(path) if name.startswith("kit")}
    assert used <= LEAVES, f"{path.name} imports {sorted(used - LEAVES)}"


@pytest.mark.parametrize("path", sorted((KIT_ROOT / "kit").glob("*.py")) + sorted((KIT_ROOT / "checks").glob("*.py")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_kit_import_inside_a_function(path):
    inner = [name for name, at_top in imports(path) if not at_top]
    assert not inner, f"{path.parent.name}/{path.name} imports {inner} inside a function"


def test_the_leaves_import_no_orchestration():
    for name in LEAVES - {"kit"}:
        path = KIT_ROOT / (name.replace(".", "/") + ".py")
        used = {module for module, _ in imports(path)}
        assert used <= LEAVES, f"{name} imports {sorted(used - LEAVES)}"
