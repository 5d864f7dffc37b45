"""Measure the kit's speed in one run and print the ratios the README reports.

    make bench            # about two minutes on a 2-core laptop

Figures (all wall-clock, one run each, on the same machine and moment):
- cold:   `dvc exp run` of the solution pipeline from scratch (no run-cache);
- no-op:  `dvc exp run` again right after (nothing to do);
- dvc:    DVC's own no-op `dvc exp run` on a trivial one-stage pipeline, and on
          the same stage depending on the workshop's 1000 images (DVC's cost
          of checking the data, which no pipeline of this project can avoid);
- check:  `make check-chapter05` on the solved workspace.
Targets: cold <= 25 s, no-op <= dvc, check <= 1.5 x cold.
"""

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kit import KIT_ROOT, chapters, workspace  # noqa: E402
from kit.shell import kit_env, run  # noqa: E402


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
        figures["dvc"] = trivial_noop(tmp, "trivial")
        figures["dvc, with the 1000 images"] = trivial_noop(tmp, "trivial-data", ws / "data")
        start = time.perf_counter()
        check = subprocess.run([sys.executable, "-m", "kit", "check", "05", "--workspace", str(ws)], cwd=KIT_ROOT,
                               env=kit_env(), capture_output=True, text=True)
        figures["check"] = time.perf_counter() - start
        if check.returncode != 0:
            sys.exit(f"benchmark: the solution failed its checks:\n{check.stdout}")
        shutil.rmtree(tmp / "ws-remote", ignore_errors=True)

    print("figure                         seconds")
    for name, value in figures.items():
        print(f"{name:<30} {value:7.1f}")
    print()
    rows = [
        ("cold pipeline run (target <= 25 s)", figures["cold"], figures["cold"] <= 25),
        ("no-op run / DVC's trivial no-op (target <= 1)", figures["no-op"] / figures["dvc"],
         figures["no-op"] <= figures["dvc"]),
        ("no-op run / DVC's no-op with the same data (context)", figures["no-op"] / figures["dvc, with the 1000 images"],
         True),
        ("check / cold run (target <= 1.5)", figures["check"] / figures["cold"],
         figures["check"] <= 1.5 * figures["cold"]),
    ]
    for label, value, ok in rows:
        print(f"{label:<48} {value:6.2f}  {'ok' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()
