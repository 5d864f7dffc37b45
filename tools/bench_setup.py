"""Time a fresh `make setup`, with uv (the default) and with pip, cache empty then warm.

    make bench-setup      # about five minutes; needs the package registry

Each run is a fresh clone of the kit's HEAD in a temporary folder (no .venv),
with its own empty download cache for the "cold" run, the same cache again for
the "warm" one. Standard library only: it runs before any .venv exists.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT_ROOT = Path(__file__).resolve().parent.parent


def timed_setup(clone, env):
    shutil.rmtree(clone / ".venv", ignore_errors=True)
    start = time.perf_counter()
    proc = subprocess.run(["make", "-s", "setup"], cwd=clone, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        sys.exit(f"bench-setup: make setup failed:\n{proc.stdout}")
    return time.perf_counter() - start


def main():
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-setup-") as tmp:
        tmp = Path(tmp)
        clone = tmp / "kit"
        subprocess.run(["git", "clone", "-q", str(KIT_ROOT), str(clone)], check=True)
        for installer in ("uv", "pip"):
            env = dict(os.environ, KIT_INSTALLER=installer, UV_CACHE_DIR=str(tmp / "uv-cache"),
                       PIP_CACHE_DIR=str(tmp / "pip-cache"))
            env.pop("VIRTUAL_ENV", None)
            rows.append((installer, "cold", timed_setup(clone, env)))
            rows.append((installer, "warm", timed_setup(clone, env)))
    print("installer  cache  seconds")
    for installer, cache, seconds in rows:
        print(f"{installer:<10} {cache:<6} {seconds:7.1f}")


if __name__ == "__main__":
    main()
