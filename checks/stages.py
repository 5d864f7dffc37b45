"""Running a learner's stages in the sandbox, each with only what it declares.

The stages run in one DVC process of their own (checks/stage_runner.py), timed here
attempt by attempt; what goes wrong becomes the learner's message (CheckFailed).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from checks.messages import CheckFailed, phrase
from kit import KIT_ROOT, jail
from kit.shell import kit_env

STAGE_TIMEOUT = int(os.environ.get("DVC_CHECK_STAGE_TIMEOUT", "300"))
# Always present when a stage runs alone: git and DVC metadata.
METADATA = {".git", ".dvc", ".dvcignore", ".gitignore", "dvc.yaml", "dvc.lock"}

KEEP, DESCEND, HIDE = "keep", "descend", "hide"


def _relation(path, deps, wdir):
    """Whether a path is declared (keep), leads to a declared path (descend) or not (hide)."""
    if any(dep == "." or path == dep or path.startswith(dep + "/") for dep in deps):
        return KEEP
    if any(dep.startswith(path + "/") for dep in deps) or wdir == path or wdir.startswith(path + "/"):
        return DESCEND
    return HIDE


@contextmanager
def only_declared(project, stage):
    """Hide every file the stage does not declare, then put them back."""
    stash = Path(tempfile.mkdtemp(prefix="hidden-", dir=Path(project).parent))
    hidden = []

    def hide(folder, rel):
        for entry in sorted(folder.iterdir()):
            path = f"{rel}{entry.name}"
            if path in METADATA or entry.name.endswith(".dvc"):
                continue
            relation = _relation(path, stage.deps, stage.wdir)
            if relation == DESCEND and entry.is_dir():
                hide(entry, path + "/")
            elif relation == HIDE:
                (stash / path).parent.mkdir(parents=True, exist_ok=True)
                entry.rename(stash / path)
                hidden.append(path)

    try:
        hide(Path(project), "")
        with only_declared_params(project, stage.params):
            yield
    finally:
        for path in hidden:
            target = Path(project) / path
            if target.exists() or target.is_symlink():
                continue  # the stage wrote a new version: keep it
            target.parent.mkdir(parents=True, exist_ok=True)
            (stash / path).rename(target)
        shutil.rmtree(stash, ignore_errors=True)


def _kept(data, keys):
    """The part of a params file's `data` that dotted `keys` name (a key naming a section keeps all of it)."""
    kept = {}
    for key in keys:
        source, target, parts = data, kept, key.split(".")
        for part in parts[:-1]:
            if not isinstance(source, dict) or not isinstance(source.get(part), dict):
                break
            source, target = source[part], target.setdefault(part, {})
        else:
            if isinstance(source, dict) and parts[-1] in source:
                target[parts[-1]] = source[parts[-1]]
    return kept


@contextmanager
def only_declared_params(project, params):
    """Each YAML params file a stage declares keys of, reduced to those keys while it runs, then put back.

    A script that reads a parameter its stage does not declare then fails (a KeyError), as it fails
    on a file it does not declare: DVC would not re-run it when that parameter changes."""
    saved = {}
    try:
        for name, keys in params.items():
            path = Path(project) / name
            if not keys or path.suffix not in (".yaml", ".yml") or not path.is_file():
                continue  # the whole file declared, or a format left as it is
            text = path.read_text(encoding="utf-8")
            try:
                data = yaml.safe_load(text)
            except yaml.YAMLError:
                continue  # DVC reports it
            if isinstance(data, dict):
                saved[path] = text
                path.write_text(yaml.safe_dump(_kept(data, keys), sort_keys=False), encoding="utf-8")
        yield
    finally:
        for path, text in saved.items():
            path.write_text(text, encoding="utf-8")


def _last_error(output):
    noise = ("ERROR:", "Running stage", "> ", "Generating lock", "Updating lock", "WARNING:", "To track",
             "git add", "To enable", "dvc config", "Verifying", "Use `dvc", "INFO:")
    lines = [line.strip() for line in output.splitlines() if line.strip() and not line.strip().startswith(noise)]
    return (lines[-1] if lines else output.strip().splitlines()[-1] if output.strip() else "?")[:300]


def run_stages(project, stages, timeout=STAGE_TIMEOUT):
    """Run the stages in order, each with only what it declares, in one DVC process (checks/stage_runner.py).

    Return one record per stage that ran ({"stage", "first", "retry"}: see the runner), and the name
    of the stage whose attempt took longer than `timeout` seconds (its process group is then killed), or None."""
    specs = [{"name": s.name, "addressing": s.addressing, "deps": s.deps, "wdir": s.wdir, "params": s.params}
             for s in stages]
    with tempfile.TemporaryDirectory(prefix="stages-") as folder:
        events = Path(folder) / "events.jsonl"
        events.touch()
        argv, env = jail.wrap([sys.executable, "-m", "checks.stage_runner", str(project), str(events)], project,
                              kit_env({"PYTHONPATH": str(KIT_ROOT)}))  # the learner's stages: sandboxed when graded
        proc = subprocess.Popen(argv, cwd=project, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        proc.stdin.write(json.dumps(specs).encode())
        proc.stdin.close()
        records, current, since, pending = [], None, time.monotonic(), ""
        with open(events, encoding="utf-8") as lines:
            while True:
                finished = proc.poll() is not None
                pending += lines.read()
                *complete, pending = pending.split("\n")  # a record still being written waits for its end
                for line in filter(None, complete):
                    event = json.loads(line)
                    if "start" in event:
                        current, since = event["start"], time.monotonic()
                    else:
                        records.append(event)
                if finished:
                    return records, None
                if time.monotonic() - since > timeout:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
                    return records, current
                time.sleep(0.05)


@dataclass
class RunReport:
    undeclared: dict  # {stage name: error} for stages that only ran with undeclared files present
    outside: list  # what the stages wrote beside the project (e.g. through ../)


def run_from_scratch(project, stages):
    """Run every stage once, each with only its declared dependencies present.

    Raises CheckFailed if the pipeline cannot run.
    """
    beside = set(os.listdir(Path(project).parent))
    outs = [out for stage in stages for out in stage.outs]
    for stage in stages:
        for dep in stage.deps:
            produced = any(dep == out or dep.startswith(out + "/") or out.startswith(dep + "/") for out in outs)
            if not produced and not (Path(project) / dep).exists():
                raise CheckFailed("missing_input", stage=stage.name, path=dep)
    for out in outs:
        path = Path(project) / out
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    records, timed_out = run_stages(project, stages)
    by_name = {stage.name: stage for stage in stages}
    if timed_out:
        stage = by_name[timed_out]
        raise CheckFailed("stage_timeout", stage=stage.name, cmd=stage.cmd, seconds=STAGE_TIMEOUT)
    undeclared = {}
    for record in records:
        stage, first, retry = by_name[record["stage"]], record["first"], record["retry"]
        if retry and retry["ok"]:
            undeclared[stage.name] = _last_error(first["output"])
            continue
        attempt = retry or first
        if attempt["ok"]:
            continue
        if attempt["missing_input"]:
            raise CheckFailed("missing_input", stage=stage.name, path=attempt["missing_input"])
        if attempt["missing_output"]:
            raise CheckFailed("missing_output", path=attempt["missing_output"],
                              why=phrase("declared_not_written", stage=stage.name))
        raise CheckFailed("stage_failed", stage=stage.name, cmd=stage.cmd, error=_last_error(attempt["output"]))
    outside = sorted(name for name in set(os.listdir(Path(project).parent)) - beside if not name.startswith("hidden-"))
    return RunReport(undeclared, outside)
