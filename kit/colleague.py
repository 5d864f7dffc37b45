"""A colleague's experiment, really run and pushed, for chapter 06.

The original workshop had an organiser push an experiment into each
learner's cloud bucket and hosted repository. Here the kit plays the
colleague with real git and DVC mechanics, on disk:

- a bare repository beside the workspace becomes its git remote `origin`;
- the colleague clones it, pulls the data from the DVC remote, makes her
  change on the project as it is (the kit's own or the learner's: any stage
  names, any YAML style), runs `dvc exp run -n NAME`, then
  `dvc exp push origin NAME` (which uploads the outputs to the DVC remote too).

Her change (chapter.toml: `param` and `value`): the training's number of
epochs comes from params.yaml and gets a new value. Where the training script
still has it in a constant (`EPOCHS = 20`), she makes the script read it;
where the learner already reads it from params.yaml, she only edits the value.
"""

import io
import re
import shlex
import tempfile
import time
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from checks.sandbox import pin_local_remotes
from kit import lang
from kit.shell import git, run, sh

PARAMS = "params.yaml"
# A constant that holds the number of epochs: `EPOCHS = 20`, `n_epochs=20  # ...`
EPOCH_CONSTANT = re.compile(r"^(?P<name>[A-Za-z_]*epochs?[A-Za-z_0-9]*)[ \t]*=[ \t]*\d+[ \t]*(#.*)?$",
                            re.MULTILINE | re.IGNORECASE)
IMPORT = re.compile(r"^(import|from)\s", re.MULTILINE)


class ChangeImpossible(Exception):
    """The colleague cannot make her change on this project (a French sentence says why)."""


def origin_of(workspace):
    workspace = Path(workspace).resolve()
    return workspace.parent / f"{workspace.name}-origin.git"


def _yaml():
    handler = YAML()  # round trip: keeps the learner's comments, order and flow style
    handler.indent(mapping=2, sequence=4, offset=2)
    handler.preserve_quotes = True
    return handler


def _load(path):
    return _yaml().load(path.read_text(encoding="utf-8")) if path.is_file() else None


def _dump(data, path):
    stream = io.StringIO()
    _yaml().dump(data, stream)
    path.write_text(stream.getvalue(), encoding="utf-8")


def _training_stage(stages):
    """(name, stage) of the stage that trains: it writes model.h5, or its command runs train.py."""
    def writes_model(stage):
        outs = stage.get("outs") or []
        return any((next(iter(out)) if isinstance(out, dict) else out) == "model.h5" for out in outs)

    for test in (writes_model, lambda stage: "train.py" in str(stage.get("cmd", ""))):
        for name, stage in stages.items():
            if isinstance(stage, dict) and test(stage):
                return name, stage
    raise ChangeImpossible(lang.say("colleague", "no_training"))


def _leaves(data, prefix=""):
    """Dotted keys of every scalar of a params file."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, f"{prefix}{key}.")
    elif not isinstance(data, list):
        yield prefix[:-1]


def _set(data, dotted, value):
    *parents, last = dotted.split(".")
    for key in parents:
        if not isinstance(data.get(key), dict):
            data[key] = CommentedMap()
        data = data[key]
    data[last] = value


def _declared_params(stage):
    """Dotted keys of params.yaml that a stage declares (other params files are left aside)."""
    keys = []
    for entry in stage.get("params") or []:
        if isinstance(entry, str):
            keys.append(entry)
        elif isinstance(entry, dict) and PARAMS in entry:
            keys += [key for key in entry[PARAMS] or [] if isinstance(key, str)]
    return keys


def _read_from_params(script, param):
    """The training script, its epochs constant now read from params.yaml; None if it has none."""
    text = script.read_text(encoding="utf-8")
    match = EPOCH_CONSTANT.search(text)
    if not match:
        return None
    lookup = "".join(f'["{key}"]' for key in param.split("."))
    text = (text[:match.start()] + f'with open("{PARAMS}", encoding="utf-8") as f:\n'
            f"    {match['name']} = yaml.safe_load(f){lookup}" + text[match.end():])
    if not re.search(r"^import yaml$", text, re.MULTILINE):
        imports = [m for m in IMPORT.finditer(text) if m.start() < match.start()]
        at = text.index("\n", imports[-1].start()) + 1 if imports else 0
        text = text[:at] + "import yaml\n" + text[at:]
    return text


def change_epochs(project, param, value):
    """Make the colleague's change in `project`: the training's epochs read from params.yaml, set to `value`."""
    project = Path(project)
    pipeline = _load(project / "dvc.yaml")
    stages = pipeline.get("stages") if isinstance(pipeline, dict) else None
    if not isinstance(stages, dict):
        raise ChangeImpossible(lang.say("colleague", "no_stages"))
    name, stage = _training_stage(stages)
    params = _load(project / PARAMS)
    params = params if isinstance(params, dict) else CommentedMap()
    declared = [key for key in _declared_params(stage) if "epoch" in key.lower()]
    existing = [key for key in _leaves(params) if "epoch" in key.lower()]
    key = (declared or existing or [param])[0]
    if not declared:
        script = next((token for token in shlex.split(str(stage.get("cmd", ""))) if token.endswith(".py")), None)
        folder = project / str(stage.get("wdir", "."))
        if not existing:
            rewritten = _read_from_params(folder / script, key) if script and (folder / script).is_file() else None
            if rewritten is None:
                raise ChangeImpossible(lang.say("colleague", "no_epochs", stage=name,
                                                script=script or lang.say("colleague", "its_script")))
            (folder / script).write_text(rewritten, encoding="utf-8")
        entries = stage.get("params")
        if entries is None:
            at = list(stage).index("deps") + 1 if "deps" in stage else len(stage)
            stage.insert(at, "params", [key])
        else:
            entries.append(key)
        _dump(pipeline, project / "dvc.yaml")
    _set(params, key, value)
    _dump(params, project / PARAMS)


def publish_experiment(workspace, name, param, value):
    """Give `workspace` an `origin` holding the colleague's experiment `name` (param set to value), run."""
    workspace = Path(workspace).resolve()
    origin = origin_of(workspace)
    if origin.exists():  # it may hold what a learner pushed: set it aside, never delete it
        origin.rename(origin.with_name(f"{origin.name}.backup-{time.strftime('%Y%m%d-%H%M%S')}"))
    git(workspace.parent, "init", "-q", "--bare", "-b", "main", str(origin))
    run(["git", "remote", "remove", "origin"], cwd=workspace)
    git(workspace, "remote", "add", "origin", str(origin))
    git(workspace, "push", "-q", "-u", "origin", "main", "--tags")
    with tempfile.TemporaryDirectory(prefix="colleague-") as tmp:
        clone = Path(tmp) / "project"
        git(tmp, "clone", "-q", str(origin), str(clone))
        git(clone, "config", "user.name", lang.say("colleague", "name"))
        git(clone, "config", "user.email", lang.say("colleague", "email"))
        # She reaches the DVC remotes the learner uses, even one the project names by a relative path
        # (which her clone, elsewhere, would resolve from its own place), or a copy's own (tests, grading).
        pin_local_remotes(clone, workspace)
        # What she needs to run the pipeline; outputs missing from the remote are simply re-made.
        sh(clone, "dvc pull -q --allow-missing")
        change_epochs(clone, param, value)
        sh(clone, f"dvc exp run -q -n {name} && dvc exp push -q origin {name}")  # exp push uploads the outputs too
