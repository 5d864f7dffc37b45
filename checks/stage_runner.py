"""Run a pipeline's stages one by one in one DVC process (one DVC start-up, not one per stage).

    python -m checks.stage_runner PROJECT EVENTS < stages.json

stages.json: [{"name", "addressing", "deps", "wdir"}, ...], upstream first. For each
stage, in order: every file it does not declare is hidden (and, of a params file, every
parameter it does not declare), the stage is reproduced
alone (forced, no run-cache), the files are put back; a stage that fails so, without
naming a missing file, runs once more with everything present (it reads something it
does not declare). Each stage's record is one JSON line appended to EVENTS, after a
"start" line before each attempt, so that the caller, which times each attempt, knows
which stage a timeout stopped. Stops after the first stage that fails.

Learner code runs here (the stages' commands): the caller runs this in its own
process group, in the sandbox, and kills the group on timeout.
"""

import json
import logging
import os
import re
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from checks.pipeline import Stage, inside
from checks.stages import only_declared

MISSING_INPUT = re.compile(r"dependency '([^']+)' does not exist|missing dependencies?: '?([^'\n]+)'?")
MISSING_OUTPUT = re.compile(r"[Oo]utput '([^']+)' does not exist")
TAIL = 20_000  # characters of a stage's output kept: a stage may print gigabytes


def missing_files(output):
    """(missing input, missing output) that DVC's messages name, or None for each."""
    found_in, found_out = MISSING_INPUT.search(output), MISSING_OUTPUT.search(output)
    return ((found_in.group(1) or found_in.group(2)) if found_in else None,
            found_out.group(1) if found_out else None)


@contextmanager
def captured():
    """What is written to file descriptors 1 and 2 (the stage's command, DVC's log): its end, as a list's one
    string. Read through a pipe as it comes, so a stage printing gigabytes costs neither memory nor disk."""
    text, kept = [], []
    reading, writing = os.pipe()

    def drain():
        size = 0
        with os.fdopen(reading, "rb") as pipe:
            for chunk in iter(lambda: pipe.read1(65536), b""):
                kept.append(chunk)
                size += len(chunk)
                while size - len(kept[0]) > TAIL:
                    size -= len(kept.pop(0))

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    os.dup2(writing, 1)
    os.dup2(writing, 2)
    os.close(writing)
    try:
        yield text
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)  # the pipe's last writers closed: the reader gets to its end
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])
        reader.join(timeout=10)  # a process the stage left behind may hold the pipe: do not wait for it
        text.append(b"".join(kept)[-TAIL:].decode("utf-8", errors="replace"))


def reproduce(project, stage):
    """Reproduce one stage alone, as `dvc repro --single-item --force --no-run-cache` does: (ok, output)."""
    from dvc.repo import Repo

    error = None
    with captured() as output:
        try:
            with inside(project), Repo(str(project)) as repo:
                repo.reproduce(stage.addressing, single_item=True, force=True, run_cache=False)
        except Exception as exc:  # noqa: BLE001 - DVC's errors and the stage's, reported as the CLI would
            chain = []
            while exc is not None:
                chain.append(str(exc))
                exc = exc.__cause__ or exc.__context__
            error = "ERROR: " + ": ".join(part for part in chain if part)
    text = output[0] + (f"\n{error}\n" if error else "")
    return error is None, text


def attempt(project, stage, hide, out):
    out.write(json.dumps({"start": stage.name}) + "\n")  # the caller's clock for this attempt starts
    out.flush()
    if hide:
        with only_declared(project, stage):
            ok, output = reproduce(project, stage)
    else:
        ok, output = reproduce(project, stage)
    missing_input, missing_output = missing_files(output) if not ok else (None, None)
    return {"ok": ok, "output": output[-TAIL:], "missing_input": missing_input, "missing_output": missing_output}


def main(project, events, stages):
    handler = logging.StreamHandler(sys.stderr)  # DVC's log, as its command line prints it
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logging.getLogger("dvc").addHandler(handler)
    logging.getLogger("dvc").setLevel(logging.INFO)
    with open(events, "a", encoding="utf-8") as out:
        for spec in stages:
            stage = Stage(name=spec["name"], addressing=spec["addressing"], cmd="", wdir=spec["wdir"],
                          deps=spec["deps"], outs=[], params=spec.get("params", {}))
            record = {"stage": stage.name, "first": attempt(project, stage, True, out), "retry": None}
            first = record["first"]
            if not first["ok"] and not first["missing_input"] and not first["missing_output"]:
                record["retry"] = attempt(project, stage, False, out)
            out.write(json.dumps(record) + "\n")
            out.flush()
            if not (record["retry"] or first)["ok"]:
                break


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], json.load(sys.stdin))
