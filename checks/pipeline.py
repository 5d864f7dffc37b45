"""What the checks know about a learner's DVC pipeline, read through DVC's API: its stages, its
experiments, what would re-run. (Running the stages is checks/stages.py's.)

Everything here works on a throwaway copy of the workspace (the sandbox, checks/sandbox.py):
the learner's files, git refs and experiments are never touched.
"""

import logging
import os
import re
import shlex
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import yaml

from checks.messages import CheckFailed, phrase
from kit.shell import git, run

logging.getLogger("dvc").setLevel(logging.CRITICAL)


@contextmanager
def inside(path):
    """DVC's API resolves paths against the current directory: go there."""
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


@contextmanager
def opened_repo(project):
    """DVC's Python API on `project`, from inside it (DVC resolves paths from there), closed after."""
    from dvc.repo import Repo

    with inside(project), Repo(str(project)) as repo:
        yield repo


# --- Reading the pipeline -----------------------------------------------------

@dataclass
class Stage:
    name: str
    addressing: str
    cmd: str
    wdir: str
    deps: list  # paths relative to the project
    outs: list  # metrics and plots included
    scripts: set = field(default_factory=set)  # which of the expected scripts its cmd runs
    missing: list = field(default_factory=list)  # Python files its cmd names that do not exist
    producers: dict = field(default_factory=dict)  # {dep: the stage whose outputs it reads}, from DVC's graph
    params: dict = field(default_factory=dict)  # {params file: the dotted keys it declares there, [] for all}


def _yaml_error(error, project):
    """Turn DVC's YAML errors into the learner's message, with line and column."""
    from dvc.utils.strictyaml import YAMLSyntaxError, determine_linecol
    from dvc.utils.serialize import parse_yaml_for_update

    if isinstance(error, YAMLSyntaxError):
        cause = error.exc.__cause__
        mark = getattr(cause, "problem_mark", None) or getattr(cause, "context_mark", None)
        where = phrase("at_line", line=mark.line + 1, column=mark.column + 1) if mark else ""
        problem = getattr(cause, "problem", None) or str(cause or error)
        return CheckFailed("yaml_syntax", where=where, problem=problem)
    first = error.exc.errors[0]
    path = " -> ".join(str(part) for part in first.path) or "dvc.yaml"
    line, col, _ = determine_linecol(parse_yaml_for_update(error.text, error.path) or {}, list(first.path))
    where = phrase("at_line", line=line, column=col) if line else ""
    return CheckFailed("yaml_schema", where=where, problem=first.error_message, path=path)


def command_tokens(cmd):
    """The words of a stage's command (or list of commands), as a shell would split them."""
    for command in cmd if isinstance(cmd, list) else [cmd]:
        try:
            yield from shlex.split(command)
        except ValueError:
            yield from command.split()


def _scripts_in(cmd, scripts):
    return {Path(token).name for token in command_tokens(cmd)} & set(scripts)


def _missing_files(cmd, folder):
    """The .py files a command names that do not exist in `folder` (a misspelt script name)."""
    return [token for token in command_tokens(cmd) if token.endswith(".py") and not (folder / token).exists()]


def load_pipeline(project, scripts=()):
    """Read dvc.yaml through DVC; return its stages, upstream first."""
    from dvc.exceptions import DvcException
    from dvc.utils.strictyaml import YAMLSyntaxError, YAMLValidationError

    project = Path(project)
    if not (project / "dvc.yaml").exists():
        raise CheckFailed("no_dvc_yaml")
    with ExitStack() as stack:
        try:
            repo = stack.enter_context(opened_repo(project))
            graph = repo.index.graph
        except (YAMLSyntaxError, YAMLValidationError) as error:
            raise _yaml_error(error, project) from None
        except DvcException as error:
            raise CheckFailed("dvc_error", problem=str(error)) from None
        return _ordered_stages(project, graph, scripts)


def overlaps(path, other):
    """Whether two project paths name the same file or one holds the other (DVC links a dep to an out so)."""
    return path == other or path.startswith(other.rstrip("/") + "/") or other.startswith(path.rstrip("/") + "/")


def _ordered_stages(project, graph, scripts):
    """The pipeline stages of DVC's graph, as Stage records, upstream first (scripts in their order)."""
    from dvc.dependency.param import ParamsDependency
    from dvc.stage import PipelineStage

    def rel(path):
        return Path(os.path.relpath(path, project)).as_posix()

    stages = {}
    for stage in graph.nodes:
        if not isinstance(stage, PipelineStage):
            continue
        dvcfile = rel(stage.path)
        stages[stage] = Stage(
            name=stage.name,
            addressing=stage.name if dvcfile == "dvc.yaml" else f"{dvcfile}:{stage.name}",
            cmd=stage.cmd,
            wdir=rel(stage.wdir),
            deps=[rel(dep.fs_path) for dep in stage.deps],
            outs=[rel(out.fs_path) for out in stage.outs],
            scripts=_scripts_in(stage.cmd, scripts),
            missing=_missing_files(stage.cmd, Path(stage.wdir)),
            params={rel(dep.fs_path): list(dep.params or []) for dep in stage.deps
                    if isinstance(dep, ParamsDependency)},
        )

    for stage, record in stages.items():  # DVC's graph links a stage to the stages whose outputs it reads
        for upstream in graph.successors(stage):
            if upstream in stages:
                for dep in record.deps:
                    if any(overlaps(dep, out) for out in stages[upstream].outs):
                        record.producers[dep] = stages[upstream].addressing

    def rank(stage):
        ranks = [list(scripts).index(s) for s in stages[stage].scripts] if stage in stages else []
        return (min(ranks) if ranks else len(scripts), str(stage.path), getattr(stage, "name", ""))

    order = nx.lexicographical_topological_sort(graph.reverse(), key=rank)
    return [stages[stage] for stage in order if stage in stages]


# --- Experiments --------------------------------------------------------------

# refs/exps/<2 hex>/<38 hex>/<name>: an experiment, on the baseline commit made of the two hex parts.
# (DVC keeps other refs there too: exec/, apply/ORIG_HEAD...)
EXPERIMENT_REF = re.compile(r"^refs/exps/([0-9a-f]{2})/([0-9a-f]{38})/(.+)$")


def experiment_refs(project):
    """[(name, commit, baseline)] for every experiment in the project."""
    listing = git(project, "for-each-ref", "--format=%(objectname) %(refname)", "refs/exps", check=False)
    found = []
    for sha, ref in (line.split() for line in listing.splitlines()):
        match = EXPERIMENT_REF.match(ref)
        if match:
            found.append((match.group(3), sha, match.group(1) + match.group(2)))
    return found


def show_experiments(project):
    """Rows of `dvc exp show` for HEAD and every commit that has experiments (as --all-commits).

    A learner who commits after `dvc exp run` moves HEAD: the experiments stay
    under the previous commit, and are still theirs."""
    import dvc.api

    baselines = sorted({baseline for _, _, baseline in experiment_refs(project)})
    with inside(project):
        return dvc.api.exp_show(repo=str(project), revs=baselines + ["HEAD"])


def yaml_at(project, rev, name):
    """A YAML file of the project as commit `rev` has it ("workspace": as it is now), or None."""
    if rev == "workspace":
        path = Path(project) / name
        text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
    else:
        shown = run(["git", "show", f"{rev}:{name}"], cwd=project)
        text = shown.output if shown.ok else ""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def version_key(tag):
    """The sort key of a gto version tag (NAME@v1.2.3): its numbers."""
    return tuple(int(number) for number in re.findall(r"\d+", tag.split("@", 1)[1]))


def missing_on_remote(project, commits):
    """{name: the DVC-cached outputs that commit sha's dvc.lock records and the default DVC remote lacks},
    for `commits` {name: sha}; the repository and its remote opened once. Raises what DVC raises when the
    remote cannot be read."""
    wanted = {}
    for name, sha in commits.items():
        lock = yaml_at(project, sha, "dvc.lock")
        stages = lock.get("stages", {}) if isinstance(lock, dict) else {}
        in_git = set(run(["git", "ls-tree", "-r", "--name-only", sha], cwd=project).output.splitlines())
        wanted[name] = {out["path"]: out.get("md5") for entry in stages.values() if isinstance(entry, dict)
                        for out in entry.get("outs") or [] if isinstance(out, dict) and out.get("path") not in in_git}
    with opened_repo(project) as repo:
        odb = repo.cloud.get_remote_odb(None, "push")
        return {name: sorted(path for path, md5 in outs.items() if not md5 or not odb.exists(md5))
                for name, outs in wanted.items()}


def recorded_outputs(project, rev="workspace"):
    """The outputs that dvc.lock records, in the workspace or at commit `rev`: what DVC itself ran."""
    lock = yaml_at(project, rev, "dvc.lock")
    stages = lock.get("stages", {}) if isinstance(lock, dict) else {}
    return {out.get("path") for stage in stages.values() if isinstance(stage, dict)
            for out in stage.get("outs", []) if isinstance(out, dict)}


def stages_rerun_by(project, sha):
    """{name: dvc.lock entry} of the stages experiment `sha` ran anew on its baseline (entry differs)."""
    def stages(rev):
        lock = yaml_at(project, rev, "dvc.lock")
        found = lock.get("stages", {}) if isinstance(lock, dict) else {}
        return {name: entry for name, entry in found.items() if isinstance(entry, dict)}

    before = stages(f"{sha}^")
    return {name: entry for name, entry in stages(sha).items() if before.get(name) != entry}


def ran_here(workspace, entry):
    """Whether a stage with this dvc.lock entry (same command, dependencies, params) ran in this project.

    DVC writes a run-cache entry (.dvc/cache/runs) each time a stage really runs,
    keyed by what dvc.lock records; a skipped stage writes none, and `dvc exp
    pull` brings none unless asked (--run-cache). The key is DVC's own."""
    from dvc.stage.cache import _get_cache_hash

    if not (entry.get("cmd") and entry.get("deps") and entry.get("outs")):
        return None  # DVC keeps no run-cache for such a stage: nothing to tell
    try:
        key = _get_cache_hash({name: entry[name] for name in ("cmd", "deps", "params", "outs") if name in entry},
                              key=True)
    except (TypeError, AttributeError):
        return None
    return (Path(workspace) / ".dvc" / "cache" / "runs" / key[:2] / key).is_dir()


def changed_and_stale(project):
    """(the stages `dvc status` lists, the stages `dvc exp run` would run now: those and all downstream), by name."""
    with opened_repo(project) as repo:
        changed = set(repo.status())
        graph = repo.index.graph
        own, stale = set(), set()
        for stage in graph.nodes:
            if stage.addressing in changed:
                own.add(stage)
                stale |= {stage} | nx.ancestors(graph, stage)
        return _names(own), _names(stale)


def _names(stages):
    return {getattr(stage, "name", None) or stage.addressing for stage in stages}


def stale_stages(project):
    """Names of the stages `dvc exp run` would run now: changed ones and all downstream."""
    return changed_and_stale(project)[1]
