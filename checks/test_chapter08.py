"""Chapter 08, "Expérimenter": parameters, curves, a sweep, the best run kept, the trials cleaned up.

What is judged is what DVC records, whatever the names the learner chose: the parameters the
training stage declares (and reads: the pipeline runs once from scratch in the sandbox, each stage
seeing only the parameters it declares), DVCLive's files as its metrics and plots, the experiments
under refs/exps (a sweep: four or more runs of one commit with distinct parameters, queued or
not), the commit that keeps the best of them, its push and its gto version.
"""

import json
import math
import re
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from checks import pipeline
from checks import stages as running
from checks.messages import CheckFailed, phrase, quoted
from kit import course
from kit.shell import committed, git, run

ARTIFACT = "cats-vs-dogs"
METRIC = "test_accuracy"
SWEEP_SIZE = 4
START_TAG = "chapter08"
# The hyperparameters the chapter asks for, by what their dotted key may look like.
EPOCHS = re.compile(r"epoch", re.I)
LEARNING_RATE = re.compile(r"(^|[._-])(lr|learning[._-]?rate)$", re.I)
CLOSE = 1e-6  # accuracies are fractions of a test set of 200 images: 0.005 apart at least


# --- The pipeline and its parameters ------------------------------------------------------

@pytest.fixture(scope="session")
def stages(sandbox):
    return pipeline.load_pipeline(sandbox, course.SCRIPTS)


@pytest.fixture(scope="session")
def training(stages):
    """The stage that trains: it writes model.h5 (or, failing that, runs train.py)."""
    for test in (lambda s: "model.h5" in s.outs, lambda s: "train.py" in s.scripts):
        found = [stage for stage in stages if test(stage)]
        if found:
            return found[0]
    raise CheckFailed("params_missing", stage="train", declared=phrase("nothing"))


def leaves(data, prefix=""):
    """{dotted key: value} of every scalar of a params file."""
    if isinstance(data, dict):
        found = {}
        for key, value in data.items():
            found.update(leaves(value, f"{prefix}{key}."))
        return found
    return {prefix[:-1]: data} if prefix else {}


def declared_leaves(project, stage, only=None):
    """{dotted key: value} of the parameters a stage declares (a section or a whole file: every leaf in it),
    in all its params files or `only` in that one."""
    found = {}
    for name, keys in stage.params.items():
        if only is not None and name != only:
            continue
        values = leaves(pipeline.yaml_at(project, "workspace", name) or {})
        for key, value in values.items():
            if not keys or any(key == k or key.startswith(k + ".") for k in keys):
                found[key] = value
    return found


def script_texts(project, stage):
    """The stage's command and the text of each Python file it names."""
    texts = [stage.cmd if isinstance(stage.cmd, str) else " ".join(stage.cmd)]
    for token in pipeline.command_tokens(stage.cmd):
        path = Path(project) / stage.wdir / token
        if token.endswith(".py") and path.is_file():
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(texts)


def test_params_declared(sandbox, training):
    declared = declared_leaves(sandbox, training)
    has_epochs = any(EPOCHS.search(key) for key in declared)
    has_rate = any(LEARNING_RATE.search(key) for key in declared)
    if len(declared) < 3 or not has_epochs or not has_rate:
        raise CheckFailed("params_missing", stage=training.name,
                          declared=", ".join(sorted(declared)) or phrase("nothing"))


def test_params_used(sandbox, stages):
    """Every declared parameter is read by the stage that declares it (named in its script or command)."""
    for stage in stages:
        text = script_texts(sandbox, stage)
        for key in declared_leaves(sandbox, stage):
            if not re.search(rf"(?<![\w]){re.escape(key.rsplit('.', 1)[-1])}(?![\w])", text):
                raise CheckFailed("param_unused", stage=stage.name, param=key)


def changed_value(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value * 2 + 1
    return f"{value}-changed"


def set_value(data, key, value):
    *parents, last = key.split(".")
    for part in parents:
        data = data[part]
    data[last] = value


def test_param_change_reruns_training_only(sandbox, training):
    """Changing a training parameter (as `-S` does): DVC sees the training stage changed, and no other."""
    for name in training.params:
        path = sandbox / name
        if path.suffix not in (".yaml", ".yml") or not path.is_file():
            continue
        original = path.read_text(encoding="utf-8")
        for key, value in declared_leaves(sandbox, training, only=name).items():
            changed = yaml.safe_load(original)
            set_value(changed, key, changed_value(value))
            try:
                path.write_text(yaml.safe_dump(changed, sort_keys=False), encoding="utf-8")
                own, _ = pipeline.changed_and_stale(sandbox)
            finally:
                path.write_text(original, encoding="utf-8")
            if training.name not in own:
                raise CheckFailed("param_wrong_stage", param=key, stage=training.name)
            if own - {training.name}:
                raise CheckFailed("param_over_invalidated", param=key, stages=quoted(sorted(own - {training.name})))


@pytest.fixture(scope="session")
def ran(sandbox, stages, training):
    """Run the pipeline from scratch, once, each stage with only what it declares."""
    return running.run_from_scratch(sandbox, stages)


def test_runs_from_scratch(sandbox, ran, training):
    error = ran.undeclared.get(training.name)
    if error:
        missing = re.search(r"KeyError: '([^']+)'", error)
        if missing:
            raise CheckFailed("param_undeclared", stage=training.name, param=missing.group(1))
        raise CheckFailed("read_undeclared", stage=training.name, error=error)
    for stage, error in ran.undeclared.items():
        raise CheckFailed("read_undeclared", stage=stage, error=error)


# --- DVCLive's curves -------------------------------------------------------------------

@pytest.fixture(scope="session")
def curves(sandbox, ran, training):
    """{plot file: its data points} of the plots DVC shows that the training stage wrote."""
    with pipeline.opened_repo(sandbox) as repo:
        shown = repo.plots.show()
    sources = shown.get("workspace", {}).get("sources", {}).get("data", {})
    found = {}
    for path, entry in sources.items():
        rel = Path(path).as_posix()
        if any(pipeline.overlaps(rel, out) for out in training.outs):
            points = entry.get("data") if isinstance(entry, dict) else None
            if isinstance(points, list) and points:
                found[rel] = points
    return found


def dvclive_files(project):
    """The files DVCLive wrote in the project (its metrics.json beside a plots/metrics folder)."""
    return sorted(path.relative_to(project).as_posix() for path in Path(project).rglob("plots/metrics")
                  if ".dvc" not in path.parts and ".git" not in path.parts)


def test_curves_logged(sandbox, training, curves):
    if any(len(points) >= 2 for points in curves.values()):
        return
    written = dvclive_files(sandbox)
    if written:
        raise CheckFailed("curves_not_declared", stage=training.name, path=written[0])
    raise CheckFailed("no_curves", stage=training.name)


def test_curves_metrics_declared(sandbox, training, ran):
    with pipeline.opened_repo(sandbox) as repo:
        shown = repo.metrics.show()
    files = shown.get("", {}).get("data", {})
    by_training = [name for name, entry in files.items() if entry.get("data")
                   and any(pipeline.overlaps(Path(name).as_posix(), out) for out in training.outs)]
    if not by_training:
        raise CheckFailed("curves_metrics_not_declared", stage=training.name)


def test_plots_render(sandbox, curves):
    if not curves:
        return  # no curves to show: test_curves_logged says why
    with tempfile.TemporaryDirectory(prefix="plots-") as folder:
        shown = run([sys.executable, "-m", "dvc", "plots", "show", "-q", "-o", folder], cwd=sandbox, timeout=120)
        page = Path(folder) / "index.html"
        text = page.read_text(encoding="utf-8", errors="replace") if page.is_file() else ""
    if not shown.ok or "vega" not in text.lower():
        raise CheckFailed("curves_not_rendered", problem=(shown.output.strip().splitlines() or ["?"])[-1][:200])


# --- The experiments ------------------------------------------------------------------------

def is_ancestor(project, older, newer):
    return run(["git", "merge-base", "--is-ancestor", older, newer], cwd=project).ok


def accuracy(row):
    value = row.get(METRIC)
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


@pytest.fixture(scope="session")
def chapter_runs(sandbox):
    """The experiments made in this chapter (on commits since chapter08): [{name, sha, baseline, row}]."""
    start = git(sandbox, "rev-parse", f"{START_TAG}^{{commit}}", check=False)
    refs = [(name, sha, baseline) for name, sha, baseline in pipeline.experiment_refs(sandbox)
            if start and is_ancestor(sandbox, start, baseline)]
    try:
        rows = pipeline.show_experiments(sandbox)
    except Exception as error:  # noqa: BLE001 - reported as a DVC error
        raise CheckFailed("dvc_error", problem=str(error)[:300]) from None
    by_sha = {row.get("rev"): row for row in rows if row.get("typ") != "baseline"}
    found = []
    for name, sha, baseline in refs:
        row = next((row for rev, row in by_sha.items() if rev and sha.startswith(rev)), None)
        if row is not None:
            found.append({"name": name, "sha": sha, "baseline": baseline, "row": row})
    return found


@pytest.fixture(scope="session")
def param_keys(sandbox, training):
    return sorted(declared_leaves(sandbox, training))


def params_of(row, keys):
    def value(key):
        for column in (key, f"params.yaml:{key}"):
            if column in row:
                return row[column]
        return None
    return tuple(value(key) for key in keys)


def has_curves(row):
    """Whether the run recorded DVCLive's summary (its `step`), whatever the folder."""
    return any(key == "step" or key.endswith(":step") or key.endswith(".step") for key, value in row.items()
               if isinstance(value, (int, float)))


@pytest.fixture(scope="session")
def sweep(sandbox, chapter_runs, param_keys):
    """(baseline, runs) of the sweep: the commit with the most runs of distinct parameters, curves and metric."""
    groups = {}
    for run_ in chapter_runs:
        row = run_["row"]
        if accuracy(row) is not None and has_curves(row):
            groups.setdefault(run_["baseline"], {}).setdefault(params_of(row, param_keys), run_)
    if not groups:
        raise CheckFailed("no_sweep", count=0, size=SWEEP_SIZE)
    baseline, distinct = max(groups.items(), key=lambda item: len(item[1]))
    if len(distinct) < SWEEP_SIZE:
        raise CheckFailed("no_sweep", count=len(distinct), size=SWEEP_SIZE)
    return baseline, [run_ for run_ in chapter_runs if run_["baseline"] == baseline]


def test_sweep(sweep):
    """Judged by the `sweep` fixture, which raises the failure."""


def queue_entries(project, ref):
    """The names of the experiments a queue ref of DVC holds (refs/exps/celery/stash: queued; .../failed)."""
    listing = run(["git", "log", "-g", "--format=%gs", ref], cwd=project)
    if not listing.ok:
        return []
    return [line.rsplit(":", 1)[-1] or "?" for line in listing.output.splitlines() if line.strip()]


def test_queue_done(sandbox):
    failed = queue_entries(sandbox, "refs/exps/celery/failed")
    if failed:
        raise CheckFailed("sweep_failed", names=", ".join(failed))
    waiting = queue_entries(sandbox, "refs/exps/celery/stash")
    if waiting:
        raise CheckFailed("queue_not_empty", count=len(waiting))


def lock_of(project, rev):
    """The git blob id of dvc.lock at `rev` (what a run recorded), or None."""
    return git(project, "rev-parse", "-q", "--verify", f"{rev}:dvc.lock", check=False) or None


def trials(sandbox, chapter_runs, sweep):
    """The chapter's runs made before the sweep's commit (steps 2 and 3), to be removed: all but those a
    commit kept (a run then committed as it is, dvc.lock and all, is that commit's, not a trial)."""
    baseline, _ = sweep
    start = git(sandbox, "rev-parse", f"{START_TAG}^{{commit}}")
    commits = git(sandbox, "rev-list", baseline, f"^{start}").split() + [start]
    kept = {lock_of(sandbox, commit) for commit in commits} - {None}
    return [run_ for run_ in chapter_runs
            if run_["baseline"] != baseline and is_ancestor(sandbox, run_["baseline"], baseline)
            and lock_of(sandbox, run_["sha"]) not in kept]


def test_trials_removed(sandbox, chapter_runs, sweep):
    left = trials(sandbox, chapter_runs, sweep)
    if left:
        raise CheckFailed("trials_remain", names=" ".join(sorted(run_["name"] for run_ in left)))


@pytest.fixture(scope="session")
def candidates(sandbox, chapter_runs, sweep):
    """The runs the kept one is chosen among: the sweep's, and those made since on top of it."""
    baseline, _ = sweep
    return [run_ for run_ in chapter_runs if accuracy(run_["row"]) is not None
            and (run_["baseline"] == baseline or is_ancestor(sandbox, baseline, run_["baseline"]))]


@pytest.fixture(scope="session")
def kept(sandbox, param_keys):
    """(params, accuracy) as HEAD commits them."""
    import dvc.api

    with pipeline.inside(sandbox):
        try:
            params = leaves(dvc.api.params_show(repo=str(sandbox), rev="HEAD"))
            metrics = leaves(dvc.api.metrics_show(repo=str(sandbox), rev="HEAD"))
        except Exception as error:  # noqa: BLE001 - nothing committed yet, or DVC cannot read it
            raise CheckFailed("kept_not_committed", files="params.yaml, dvc.lock", problem=str(error)[:150]) from None
    value = next((v for k, v in metrics.items() if k == METRIC or k.endswith(f".{METRIC}")), None)
    return tuple(params.get(key) for key in param_keys), value


def test_kept_committed(sandbox):
    changed = [name for name in ("params.yaml", "dvc.yaml", "dvc.lock") if not committed(sandbox, name)]
    if changed:
        raise CheckFailed("kept_not_committed", files=", ".join(changed), problem=phrase("uncommitted"))


def test_best_kept(candidates, kept, param_keys):
    params, value = kept
    best = max(candidates, key=lambda run_: accuracy(run_["row"]))
    top = accuracy(best["row"])
    if value is None or value < top - CLOSE:
        raise CheckFailed("not_best", kept=f"{value:.3f}" if value is not None else "?",
                          name=best["name"], best=f"{top:.3f}")
    if value <= top + CLOSE and not any(params_of(run_["row"], param_keys) == params
                                        and math.isclose(accuracy(run_["row"]), value, abs_tol=CLOSE)
                                        for run_ in candidates):
        raise CheckFailed("not_best", kept=f"{value:.3f}", name=best["name"], best=f"{top:.3f}")


def test_own_work(candidates, param_keys):
    """Two runs or more that start from one run and try other values of one setting, which no other run varies.

    (A setting the sweep varied is varied by other runs too: its grid's other rows.)"""
    params = [params_of(run_["row"], param_keys) for run_ in candidates]
    for reference in params:
        for index in range(len(param_keys)):
            tried = [p for p in params if p[index] != reference[index]
                     and all(p[i] == reference[i] for i in range(len(p)) if i != index)]
            rest = [p for p in params if p not in tried]
            if len({p[index] for p in tried}) >= 2 and len({p[index] for p in rest}) == 1:
                return
    raise CheckFailed("own_work_missing")


# --- Published and registered ------------------------------------------------------------

def current_branch(project):
    return git(project, "symbolic-ref", "--short", "-q", "HEAD", check=False) or "main"


def test_kept_pushed(sandbox):
    head = git(sandbox, "rev-parse", "HEAD")
    branch = current_branch(sandbox)
    listing = run(["git", "ls-remote", "origin", f"refs/heads/{branch}"], cwd=sandbox, timeout=60)
    remote = listing.output.split()[0] if listing.ok and listing.output.strip() else ""
    if not remote or (remote != head and not is_ancestor(sandbox, head, remote)):
        raise CheckFailed("kept_not_pushed", what=phrase("commit_not_on_origin", branch=branch),
                          command=f"git push origin {branch}")
    try:
        with pipeline.opened_repo(sandbox) as repo:
            status = repo.status(cloud=True)
    except Exception as error:  # noqa: BLE001 - network, permissions...
        raise CheckFailed("kept_not_pushed", what=phrase("remote_unreadable", error=str(error)[:150]),
                          command="dvc push") from None
    new = sorted(name for name, state in status.items() if state == "new")
    if new:
        raise CheckFailed("kept_not_pushed", what=phrase("outputs_not_on_remote", names=", ".join(new[:3])),
                          command="dvc push")


def test_registered(sandbox):
    tags = [tag for tag in git(sandbox, "tag", "--list", f"{ARTIFACT}@v*", check=False).split() if tag]
    newest = max(tags, key=pipeline.version_key, default=None)
    start = git(sandbox, "rev-parse", f"{START_TAG}^{{commit}}", check=False)
    if newest is None:
        raise CheckFailed("not_registered", name=ARTIFACT, problem=phrase("no_version"))
    tagged = git(sandbox, "rev-parse", f"{newest}^{{commit}}")
    if start and not (tagged != start and is_ancestor(sandbox, start, tagged)):
        raise CheckFailed("not_registered", name=ARTIFACT, problem=phrase("version_before_chapter", tag=newest))
    same = all(git(sandbox, "rev-parse", f"{tagged}:{name}", check=False)
               == git(sandbox, "rev-parse", f"HEAD:{name}", check=False) for name in ("params.yaml", "dvc.lock"))
    if not same:
        raise CheckFailed("not_registered", name=ARTIFACT, problem=phrase("version_not_kept", tag=newest))
    remote = run(["git", "ls-remote", "--tags", "origin", newest], cwd=sandbox, timeout=60)
    if not (remote.ok and newest in remote.output):
        raise CheckFailed("not_registered", name=ARTIFACT, problem=phrase("version_not_pushed", tag=newest))


def test_nothing_lost(sandbox):
    """The start, every tag and every version are still there: in git, and their data in the cache or the remote."""
    start = git(sandbox, "rev-parse", f"{START_TAG}^{{commit}}", check=False)
    if not start or not is_ancestor(sandbox, start, "HEAD"):
        raise CheckFailed("lost", what=phrase("start_not_in_history", tag=START_TAG))
    try:
        with pipeline.opened_repo(sandbox) as repo:
            status = repo.status(cloud=True, all_tags=True)
    except Exception as error:  # noqa: BLE001 - network, permissions...
        raise CheckFailed("lost", what=phrase("remote_unreadable", error=str(error)[:150])) from None
    missing = sorted(name for name, state in status.items() if state == "missing")
    if missing:
        raise CheckFailed("lost", what=phrase("data_missing", names=", ".join(missing[:3])))
