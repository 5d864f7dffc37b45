"""Measure the kit's speed and print the ratios the README reports.

    make bench            # about five minutes on a 2-core laptop (PAIRS=4)

Figures (all wall-clock, on the same machine and moment):
- cold:   `dvc exp run` of the solution pipeline from scratch (no run-cache);
- no-op:  `dvc exp run` again right after (nothing to do);
- dvc:    DVC's own no-op `dvc exp run` on a trivial one-stage pipeline, and on
          the same stage depending on the workshop's 1000 images (DVC's cost
          of checking the data, which no pipeline of this project can avoid);
- floor:  what the cold run cannot go below: one interpreter start per stage (with `import keras` for
          the stages whose script imports it), plus each stage's own work, timed with keras already imported
          (the scripts run one after the other in one process, on a copy of the workspace);
- check:  `make check-chapter05` on the solved workspace;
- tools:  `make dag-chapter05`, `make quiz-chapter05` (its four questions answered), and the check joined
          to a class board that is down (the verdict's sending must cost nothing).
- sweep:  chapter 08's sweep (4 experiments queued, run by `dvc exp run --run-all -j 2`), the upstream
          stages cached, on the chapter's solution up to that step; then `make check-chapter08` on the
          solved workspace (SWEEP=0 leaves this part out: it adds about five minutes).
Targets: cold <= 12 s or <= 1.5 x its floor, no-op <= 1.1 x dvc, check <= 1.1 x cold, sweep <= 2 x cold,
check-chapter08 <= 1.5 x sweep.

The check/cold ratio is measured in PAIRS alternating pairs (cold then check,
check then cold...), each pair's ratio taken on the same moment of a noisy
machine; the median is reported, with the lowest and highest.
"""

import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml  # noqa: E402

from kit import KIT_ROOT, chapters, workspace  # noqa: E402
from kit.shell import free_port, kit_env, run  # noqa: E402


def timed(command, cwd, shell=False):
    start = time.perf_counter()
    result = run(command, cwd=cwd, shell=shell, timeout=900)
    elapsed = time.perf_counter() - start
    if not result.ok:
        sys.exit(f"benchmark: `{command}` failed:\n{result.output}")
    return elapsed


def trivial_noop(tmp, name, data=None):
    """DVC's own no-op `dvc exp run` on a one-stage pipeline (optionally depending on `data`)."""
    repo = tmp / name
    repo.mkdir()
    setup = "git init -q && git config user.name b && git config user.email b@b && dvc init -q"
    if data:
        shutil.copytree(data, repo / "data")
        setup += " && dvc add -q data && dvc stage add -q -n hello -d data -o hello.txt 'echo hello > hello.txt'"
    else:
        setup += " && dvc stage add -q -n hello -o hello.txt 'echo hello > hello.txt'"
    run(setup + " && git add -A && git commit -qm t", cwd=repo, shell=True)
    timed(["dvc", "exp", "run", "-q"], repo)
    return timed(["dvc", "exp", "run", "-q"], repo)


# Run in a copy of the workspace: keras imported once, then each stage's script as `python SCRIPT` would.
STAGE_WORK = """
import json, runpy, sys, time
import keras  # noqa: F401 - paid once here, counted apart
seconds = {}
for name, script in json.loads(sys.argv[1]):
    start = time.perf_counter()
    sys.argv = [script]
    runpy.run_path(script, run_name="__main__")
    seconds[name] = time.perf_counter() - start
print(json.dumps(seconds))
"""
IMPORTS_KERAS = re.compile(r"^\s*(import|from)\s+(keras|tensorflow)\b", re.MULTILINE)


def pipeline_floor(ws, tmp):
    """(floor seconds, its parts) of the cold run of `ws`'s pipeline: see the module's docstring."""
    copy = tmp / "floor"
    shutil.copytree(ws, copy, symlinks=True)
    stages = []
    for name, stage in yaml.safe_load((copy / "dvc.yaml").read_text(encoding="utf-8"))["stages"].items():
        words = shlex.split(stage["cmd"])
        if len(words) != 2 or words[0] != "python":
            sys.exit(f"benchmark: the floor needs `python SCRIPT` stages, not `{stage['cmd']}`")
        stages.append((name, words[1]))
    with_keras = sum(bool(IMPORTS_KERAS.search((copy / script).read_text(encoding="utf-8"))) for _, script in stages)
    started = timed([sys.executable, "-c", "pass"], copy)
    imported = min(timed([sys.executable, "-c", "import keras"], copy) for _ in range(2))
    done = subprocess.run([sys.executable, "-c", STAGE_WORK, json.dumps(stages)], cwd=copy, env=kit_env(),
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        sys.exit(f"benchmark: the stages failed when run directly:\n{done.stdout}{done.stderr}")
    work = json.loads(done.stdout.strip().splitlines()[-1])
    parts = {f"floor: {with_keras} x start + import keras": with_keras * imported,
             f"floor: {len(stages) - with_keras} x start": (len(stages) - with_keras) * started,
             **{f"floor: {name} work": seconds for name, seconds in work.items()}}
    return sum(parts.values()), parts


def check_seconds(ws):
    start = time.perf_counter()
    check = subprocess.run([sys.executable, "-m", "kit", "check", "05", "--workspace", str(ws)], cwd=KIT_ROOT,
                           env=kit_env(), capture_output=True, text=True)
    if check.returncode != 0:
        sys.exit(f"benchmark: the solution failed its checks:\n{check.stdout}")
    return time.perf_counter() - start


def learner_tools(ws):
    """Seconds of the learner's drawing and quiz on the solved workspace, and of a check joined to a board
    that is down (a closed port: kit/board_client.py sends from a detached child)."""
    def kit_command(*args, env=None, answers=None):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "kit", *args, "--workspace", str(ws)], cwd=KIT_ROOT,
                              env=kit_env(env), capture_output=True, text=True, input=answers)
        if done.returncode not in (0, 1) or "Traceback" in done.stderr:
            sys.exit(f"benchmark: `{' '.join(args)}` failed:\n{done.stdout}{done.stderr}")
        return time.perf_counter() - start

    return {
        "make dag-chapter05": kit_command("dag", "05"),
        "make quiz-chapter05 (4 answers)": kit_command("quiz", "05", answers="0\n3 4\n2 3 4\n1 2 3 4\n"),
        "check, no board": kit_command("check", "05"),
        "check, board down": kit_command("check", "05", env={"KIT_BOARD": f"http://127.0.0.1:{free_port()}",
                                                              "KIT_BOARD_TOKEN": "t", "KIT_LEARNER": "bench"}),
    }


def paired_ratios(ws, pairs):
    """check / cold-run ratios, in `pairs` pairs measured back to back, alternating which goes first."""
    ratios = []
    for index in range(pairs):
        cold = lambda: timed(["dvc", "exp", "run", "-q", "--force"], ws)  # noqa: E731 - every stage re-run
        first, second = (cold, lambda: check_seconds(ws)) if index % 2 == 0 else (lambda: check_seconds(ws), cold)
        a, b = first(), second()
        run_seconds, check = (a, b) if index % 2 == 0 else (b, a)
        ratios.append(check / run_seconds)
        print(f"pair {index + 1}: cold run {run_seconds:5.1f} s, check {check:5.1f} s, ratio {check / run_seconds:.2f}",
              flush=True)
    return ratios


def sweep_figures(tmp):
    """Seconds of chapter 08's queued sweep (upstream stages cached) and of its check on the solved workspace."""
    ws = tmp / "ws08"
    workspace.build("08", ws)
    steps = chapters.get("08").solution
    sweep = next(index for index, step in enumerate(steps) if "--queue" in step.get("run", ""))
    for step in steps[:sweep]:
        workspace.apply_step(ws, step, chapters.get("08").folder)
    seconds = timed(steps[sweep]["run"], ws, shell=True)
    for step in steps[sweep + 1:]:
        workspace.apply_step(ws, step, chapters.get("08").folder)
    start = time.perf_counter()
    check = subprocess.run([sys.executable, "-m", "kit", "check", "08", "--workspace", str(ws)], cwd=KIT_ROOT,
                           env=kit_env(), capture_output=True, text=True)
    if check.returncode != 0:
        sys.exit(f"benchmark: chapter 08's solution failed its checks:\n{check.stdout}")
    return {"sweep (4 runs, -j 2)": seconds, "check-chapter08": time.perf_counter() - start}


def main():
    figures = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        tmp = Path(tmp)
        ws = tmp / "ws"
        start = time.perf_counter()
        workspace.build("05", ws)
        figures["start"] = time.perf_counter() - start
        figures["import tensorflow"] = timed([sys.executable, "-c", "import tensorflow"], tmp)
        chapter = chapters.get("05")
        for step in chapter.solution:
            if "files" in step:
                workspace.apply_step(ws, step)
        figures["cold"] = timed(["dvc", "exp", "run", "-q"], ws)
        figures["no-op"] = timed(["dvc", "exp", "run", "-q"], ws)
        figures["floor"], parts = pipeline_floor(ws, tmp)
        figures.update(parts)
        figures.update(learner_tools(ws))
        ratios = paired_ratios(ws, int(os.environ.get("PAIRS", "4")))
        figures["dvc"] = trivial_noop(tmp, "trivial")
        figures["dvc, with the 1000 images"] = trivial_noop(tmp, "trivial-data", ws / "data")
        if os.environ.get("SWEEP", "1") != "0":
            figures.update(sweep_figures(tmp))
        shutil.rmtree(tmp / "ws-remote", ignore_errors=True)

    print("figure                         seconds")
    for name, value in figures.items():
        print(f"{name:<30} {value:7.1f}")
    print()
    rows = [
        ("cold pipeline run, seconds (target <= 12)", figures["cold"], figures["cold"] <= 12),
        ("cold run / its floor (target <= 1.5)", figures["cold"] / figures["floor"],
         figures["cold"] <= 1.5 * figures["floor"]),
        ("no-op run / DVC's trivial no-op (target <= 1.1)", figures["no-op"] / figures["dvc"],
         figures["no-op"] <= 1.1 * figures["dvc"]),
        ("no-op run / DVC's no-op with the same data (context)", figures["no-op"] / figures["dvc, with the 1000 images"],
         True),
    ]
    if "check-chapter08" in figures:
        sweep, check08 = figures["sweep (4 runs, -j 2)"], figures["check-chapter08"]
        rows += [("sweep / cold run (target <= 2)", sweep / figures["cold"], sweep <= 2 * figures["cold"]),
                 ("check-chapter08 / sweep (target <= 1.5)", check08 / sweep, check08 <= 1.5 * sweep)]
    for label, value, ok in rows:
        print(f"{label:<48} {value:6.2f}  {'ok' if ok else 'MISSED'}")
    median = statistics.median(ratios)
    print(f"{'check / cold run, paired (target <= 1.1)':<48} {median:6.2f}  {'ok' if median <= 1.1 else 'MISSED'}"
          f"  (median of {len(ratios)} pairs, {min(ratios):.2f} to {max(ratios):.2f})")


if __name__ == "__main__":
    main()
