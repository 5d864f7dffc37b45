"""Measure class grading: a class of synthetic chapter 05 submissions, graded in shards, then merged.

    make bench-grading            # COUNT=300 SHARDS=4: about 25 minutes on a 2-core laptop

The class comes from tools/make_submissions.py (its usual mistakes, one hanging
submission stopped at GRADE_TIME_LIMIT=60 s, one that is not a repository). It is
graded twice, shard by shard, one shard after another as N CI runners would
each run theirs: in the sandbox (kit/jail.py), and without it (GRADE_UNSAFE=1),
the two modes alternating shard by shard so that both see the same machine.
Then the sandboxed shards are merged (make grade-merge).

Prints: seconds per submission in each mode, the sandbox's overhead, the merge's
time, and the wall time projected for 1000 learners on N runners like this machine.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT_ROOT = Path(__file__).resolve().parent.parent
COUNT = int(os.environ.get("COUNT", "300"))
SHARDS = int(os.environ.get("SHARDS", "4"))
RUNNERS = (4, 10, 20)


def timed(command, env=None):
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=KIT_ROOT, env=dict(os.environ, **(env or {})), capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"bench-grading: {' '.join(map(str, command))} failed:\n{proc.stdout}{proc.stderr}")
    return time.perf_counter() - start


def main():
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        tmp = Path(tmp)
        made = timed([python, "tools/make_submissions.py", str(tmp / "class"), "--count", str(COUNT)])
        print(f"{COUNT} submissions made in {made:.0f} s")
        modes = {"sandbox": {}, "no sandbox": {"GRADE_UNSAFE": "1"}}
        seconds = {mode: [] for mode in modes}
        for shard in range(1, SHARDS + 1):
            for mode, env in modes.items():
                out = tmp / mode.replace(" ", "-")
                spent = timed([python, "-m", "kit", "grade", "05", str(tmp / "class"), "--out", str(out),
                               "--shard", f"{shard}/{SHARDS}", "--force"], env={"GRADE_TIME_LIMIT": "60", **env})
                seconds[mode].append(spent)
                print(f"  shard {shard}/{SHARDS}, {mode}: {spent:.0f} s")
        merge = timed([python, "-m", "kit", "grade-merge", "05", "--out", str(tmp / "sandbox")])
    per = {mode: sum(times) / COUNT for mode, times in seconds.items()}
    print(f"\nPer submission (wall, {os.cpu_count()} at once): sandbox {per['sandbox']:.2f} s, "
          f"no sandbox {per['no sandbox']:.2f} s; the sandbox's overhead: "
          f"{100 * (per['sandbox'] / per['no sandbox'] - 1):+.1f} %")
    print(f"Shards one after another: {sum(seconds['sandbox']):.0f} s in all; merge: {merge:.1f} s")
    for runners in RUNNERS:
        print(f"1000 learners on {runners} runners like this one: {1000 / runners * per['sandbox'] / 60:.1f} min "
              f"of grading per runner (plus its make setup), then the merge")


if __name__ == "__main__":
    main()
