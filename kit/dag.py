"""`make dag-chapterNN`: the learner's pipeline, drawn beside the expected one, with what differs marked.

Both pipelines are read by DVC itself (its graph of stages, as `dvc dag` draws
it): the learner's from a copy of their project's files (nothing is written in
the workspace), the expected one from the chapter's solution (chapter.toml
`pipeline`). Each is drawn as its links, one per line: an input read by a stage
(`data → data_extraction`), a file one stage writes and another reads
(`train ─ model.h5 → evaluate`), a final output (`evaluate → metrics.json`).

Stages are matched by the script they run, not by their names, which are
free; a stage that runs none is known by its first output. A link of the
expected pipeline missing from the learner's is marked ✘, one it does not have
+, and each difference is said in a sentence: which stage, which file, what to
declare.
"""

import difflib
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from checks import pipeline
from checks.messages import CheckFailed
from kit import KIT_ROOT, KitError, course, lang

MAX_COPIED = 1_000_000  # bytes: the project's own files (dvc.yaml, .dvc files, scripts, params), not data


@dataclass(frozen=True)
class Edge:
    source: str  # a node's key: "stage:<script or first output>" or "file:<path>"
    target: str
    via: str = ""  # the file that links two stages

    def matches(self, other):
        """The same link; files match when one holds the other (`data` and `data/train`)."""
        return _same(self.source, other.source) and _same(self.target, other.target)


def _same(key, other):
    if key.startswith("file:") and other.startswith("file:"):
        return pipeline.overlaps(key[5:], other[5:])
    return key == other


class Drawing:
    """A pipeline as links between named nodes, in pipeline order."""

    def __init__(self, stages):
        self.stages = stages
        self.keys = {stage.addressing: stage_key(stage) for stage in stages}
        self.names = {self.keys[stage.addressing]: stage.name for stage in stages}
        links = {}  # {(source, target): the files that link two stages}: one link, however many files
        for stage in stages:
            for dep in stage.deps:
                producer = stage.producers.get(dep)
                source = self.keys[producer] if producer else f"file:{dep}"
                links.setdefault((source, self.keys[stage.addressing]), []).extend([dep] if producer else [])
        self.edges = [Edge(source, target, ", ".join(vias)) for (source, target), vias in links.items()]
        for stage in stages:  # the outputs no stage reads: the pipeline's results
            read = [dep for other in stages for dep in other.deps if other.producers.get(dep) == stage.addressing]
            for out in stage.outs:
                if not any(pipeline.overlaps(out, dep) for dep in read):
                    self.edges.append(Edge(self.keys[stage.addressing], f"file:{out}"))

    def stage(self, key):
        return next((stage for stage in self.stages if self.keys[stage.addressing] == key), None)

    def label(self, edge, names=None):
        """`a → b`, or `a ─ file → b` for a file one stage writes and another reads."""
        names = {**self.names, **(names or {})}

        def name(key):
            return key[5:] if key.startswith("file:") else names.get(key, key.split(":", 1)[1])
        middle = f" ─ {edge.via} → " if edge.via else " → "
        return name(edge.source) + middle + name(edge.target)


def stage_key(stage):
    """What matches a stage across pipelines: the one script it runs (or the one its misspelt cmd meant),
    else its first output, else its name."""
    scripts = stage.scripts or {meant for meant in map(misspelt, stage.missing) if meant}
    if len(scripts) == 1:
        return f"stage:{next(iter(scripts))}"
    return f"stage:{stage.outs[0] if stage.outs else stage.name}"


def misspelt(name):
    """The course's script that a missing file name was meant to be (trian.py: train.py), or None."""
    close = difflib.get_close_matches(Path(name).name, course.SCRIPTS, n=1, cutoff=0.6)
    return close[0] if close else None


def read(project):
    """The stages of the pipeline at `project`, through DVC's API (CheckFailed if DVC cannot read it)."""
    return pipeline.load_pipeline(project, course.SCRIPTS)


def project_files(workspace):
    """The project's own files, as git sees them (tracked, or new and not ignored): not the data, not the cache."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=workspace,
                            capture_output=True, check=False).stdout.decode(errors="replace")
    return [name for name in listed.split("\0") if name]


def copy_of(workspace, target):
    """The files DVC needs to draw the workspace's pipeline, copied to `target` (DVC writes in what it opens)."""
    for name in project_files(workspace):
        source = workspace / name
        if source.is_file() and not source.is_symlink() and source.stat().st_size <= MAX_COPIED:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target / name)
    (target / ".dvc").mkdir(exist_ok=True)
    subprocess.run(["git", "init", "-q"], cwd=target, check=True)  # DVC wants a git project (or no_scm)
    return target


def learner_drawing(workspace):
    with tempfile.TemporaryDirectory(prefix="kit-dag-") as tmp:
        return Drawing(read(copy_of(workspace, Path(tmp))))


def expected_drawing(chapter):
    with tempfile.TemporaryDirectory(prefix="kit-dag-") as tmp:
        project = Path(tmp)
        shutil.copyfile(KIT_ROOT / chapter.pipeline, project / "dvc.yaml")
        (project / ".dvc").mkdir()
        subprocess.run(["git", "init", "-q"], cwd=project, check=True)
        return Drawing(read(project))


def compare(mine, expected):
    """Rows (mine, expected, mark) in the expected pipeline's order, mark "" (same), "missing" or "extra";
    then the differences in sentences."""
    names = mine.names  # the expected side is drawn with the learner's stage names
    rows, matched = [], set()
    for edge in expected.edges:
        found = next((index for index, other in enumerate(mine.edges) if index not in matched and edge.matches(other)),
                     None)
        if found is None and writes(mine, edge):  # a result the learner's stage writes, and another stage reads
            rows.append((mine.label(edge), expected.label(edge, names), ""))
        elif found is None:
            rows.append(("", expected.label(edge, names), "missing"))
        else:
            matched.add(found)
            rows.append((mine.label(mine.edges[found]), expected.label(edge, names), ""))
        for index, other in enumerate(mine.edges):  # the learner's extra links into the same stage, just after
            if index not in matched and other.target == edge.target and not any(other.matches(e) for e in expected.edges):
                matched.add(index)
                rows.append((mine.label(other), "", "extra"))
    for index, edge in enumerate(mine.edges):  # the rest: another spelling of an expected link (data/train), or extra
        if index not in matched:
            rows.append((mine.label(edge), "", "" if allowed(edge, expected) else "extra"))
    return rows, differences(mine, expected, names)


def writes(mine, edge):
    """Whether an expected final output (`evaluate → metrics.json`) is written by the learner's same stage,
    read by another stage of theirs or not."""
    stage = mine.stage(edge.source) if edge.target.startswith("file:") else None
    return bool(stage) and any(pipeline.overlaps(out, edge.target[5:]) for out in stage.outs)


def allowed(edge, expected):
    """A link of the learner's that the expected pipeline has in another form: the same stages or inputs
    (`data/train` for `data`), or a result that the expected stage writes too (one of preprocessed's files)."""
    if any(edge.matches(other) for other in expected.edges):
        return True
    stage = expected.stage(edge.source)
    return bool(stage) and edge.target.startswith("file:") and any(
        pipeline.overlaps(edge.target[5:], out) for out in stage.outs)


def differences(mine, expected, names):
    """What differs, said in sentences: missing and extra stages, then missing and extra links."""
    said = []
    for stage in mine.stages:  # one stage running several scripts: the scripts' own stages are missing
        if len(stage.scripts) > 1:
            said.append(lang.say("dag", "runs_several", stage=stage.name, scripts=", ".join(sorted(stage.scripts))))
    several = {script for stage in mine.stages if len(stage.scripts) > 1 for script in stage.scripts}
    for key in expected.names:
        if key not in mine.names:
            stage = expected.stage(key)
            script = next(iter(stage.scripts), None)
            if script in several:
                continue
            said.append(lang.say("dag", "missing_stage", script=script) if script
                        else lang.say("dag", "missing_other_stage", stage=stage.name, out=key[6:]))
    for stage in mine.stages:
        for name in stage.missing:
            if meant := misspelt(name):
                said.append(lang.say("dag", "misspelt_script", stage=stage.name, file=name, script=meant))
    for key in mine.names:
        if key not in expected.names:
            said.append(lang.say("dag", "extra_stage", stage=mine.names[key]))
    for edge in expected.edges:
        if any(edge.matches(other) for other in mine.edges) or writes(mine, edge):
            continue
        if edge.target not in mine.names and edge.target.startswith("stage:"):
            continue  # the stage itself is missing: said above
        if edge.source.startswith("stage:") and edge.source not in mine.names:
            continue
        said.append(_missing(edge, mine, expected, names))
    files = {path for stage in expected.stages for path in stage.deps + stage.outs}
    for edge in mine.edges:
        if allowed(edge, expected) or not edge.target.startswith("stage:") or edge.target not in expected.names:
            continue
        path = edge.via or edge.source[5:]
        if any(pipeline.overlaps(path, via) for other in expected.edges if other.target == edge.target
               for via in other.via.split(", ") if via):
            continue  # a file the expected stage reads from another stage's outputs: said as that link missing
        close = difflib.get_close_matches(path, sorted(files - {path}), n=1, cutoff=0.8)
        said.append(lang.say("dag", "misspelt_dep", stage=mine.names[edge.target], path=path, meant=close[0]) if close
                    else lang.say("dag", "extra_dep", stage=mine.names[edge.target], path=path))
    return said


def _missing(edge, mine, expected, names):
    """The sentence for a link of the expected pipeline that the learner's lacks: what to declare, where."""
    if edge.target.startswith("file:"):  # a final output
        return lang.say("dag", "missing_out", stage=names[edge.source], path=edge.target[5:])
    stage = mine.stage(edge.target)
    path = edge.via or edge.source[5:]
    if edge.via and any(pipeline.overlaps(dep, path) for dep in stage.deps):  # read, but not declared as written
        return lang.say("dag", "missing_out", stage=names[edge.source], path=path)
    if edge.via:
        return lang.say("dag", "missing_dep_from", stage=stage.name, path=path, producer=names[edge.source])
    return lang.say("dag", "missing_dep", stage=stage.name, path=path)


def draw(rows):
    """Two columns: the learner's links and the expected ones; ✘ where one is missing, + where one is extra."""
    marks = {"": " ", "missing": "✘", "extra": "+"}
    left = max([len(lang.say("dag", "yours"))] + [len(mine) for mine, _, _ in rows]) + 2
    lines = [f"    {lang.say('dag', 'yours'):<{left}}│ {lang.say('dag', 'expected')}",
             f"    {'─' * (left - 2):<{left}}│ {'─' * len(lang.say('dag', 'expected'))}"]
    for mine, expected, mark in rows:
        lines.append(f"  {marks[mark]} {mine:<{left}}│ {expected}".rstrip())
    return "\n".join(lines)


def show(chapter, workspace):
    """Print the learner's pipeline against the expected one (0: drawn; KitError when it cannot be)."""
    workspace = Path(workspace).resolve()
    if not chapter.pipeline:
        raise KitError(lang.say("dag", "no_pipeline", chapter=chapter.number))
    if not (workspace / ".git").is_dir():
        raise KitError(lang.say("workspace", "missing", workspace=workspace))
    try:
        mine = learner_drawing(workspace)
    except CheckFailed as failure:
        raise KitError(lang.say("dag", "unreadable", problem=failure.text)) from None
    rows, said = compare(mine, expected_drawing(chapter))
    print(lang.say("dag", "title", chapter=chapter.number) + "\n")
    print(draw(rows) + "\n")
    if not said and all(mark == "" for _, _, mark in rows):
        print(lang.say("dag", "same"))
        return 0
    print(lang.say("dag", "legend") + "\n")
    print("\n".join(f"  - {sentence}" for sentence in said) if said else lang.say("dag", "only_extra"))
    return 0
