"""make hint-chapterNN: one hint at a time, remembered outside the workspace."""

import ast

import pytest

from kit import KIT_ROOT, chapters, hints


@pytest.fixture
def chapter(tmp_path, monkeypatch):
    monkeypatch.setattr(hints, "STATE", tmp_path / "state" / "hints.json")
    return chapters.get("05")


def test_hints_progress_and_stop_at_the_last(chapter, capsys):
    shown = [hints.show(chapter) for _ in range(len(chapter.hints) + 2)]
    assert shown == list(range(1, len(chapter.hints) + 1)) + [len(chapter.hints)] * 2
    assert "dernier indice" in capsys.readouterr().out


def test_a_numbered_hint_can_be_asked_again(chapter, capsys):
    hints.show(chapter)
    hints.show(chapter)
    assert hints.show(chapter, 1) == 1
    assert hints.show(chapter) == 3  # progress is kept


@pytest.mark.parametrize("chapter", chapters.published(), ids=lambda c: c.number)
def test_hints_name_real_messages(chapter):
    from checks.messages import MESSAGES

    helped = [key for hint in chapter.hints for key in hint.get("helps", [])]
    assert helped and set(helped) <= set(MESSAGES)


def test_a_failure_names_the_hint_that_helps():
    chapter = chapters.get("05")
    assert chapter.hint_for("not_invalidated") == 3
    assert chapter.hint_for("internal_error") is None


# --- Every key a chapter's checks can raise has a hint that helps with it -------------

CHECKS = KIT_ROOT / "checks"
# Its message is already the whole fix (make start-chapterNN), in every chapter.
SELF_EXPLAINING = {"no_workspace"}


def raised_keys(node):
    """Message keys of the CheckFailed(...) calls inside an AST node."""
    return {call.args[0].value for call in ast.walk(node)
            if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "CheckFailed"
            and call.args and isinstance(call.args[0], ast.Constant)}


def called_names(node):
    """Names of the functions called inside an AST node (f(...) and module.f(...))."""
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None))
    return names - {None}


def pipeline_keys():
    """{function of checks/pipeline.py: keys it can raise, through the module's own calls too}."""
    tree = ast.parse((CHECKS / "pipeline.py").read_text(encoding="utf-8"))
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
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


def chapter_keys(chapter):
    tree = ast.parse(chapter.checks_path.read_text(encoding="utf-8"))
    shared = pipeline_keys()
    keys = raised_keys(tree)
    for name in called_names(tree) & set(shared):
        keys |= shared[name]
    return keys - SELF_EXPLAINING


def test_key_finder_follows_the_pipeline_module():
    assert {"yaml_syntax", "stage_failed", "missing_input"} <= chapter_keys(chapters.get("05"))


@pytest.mark.parametrize("chapter", chapters.published(), ids=lambda c: c.number)
def test_every_message_a_check_can_give_has_a_hint(chapter):
    helped = {key for hint in chapter.hints for key in hint.get("helps", [])}
    assert not chapter_keys(chapter) - helped, f"chapter {chapter.number}: add these keys to a hint's helps"
