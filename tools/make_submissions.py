"""Make a folder of synthetic chapter-05 submissions, to try `make grade` on a class.

    python tools/make_submissions.py DIR [--count 30]
    GRADE_TIME_LIMIT=60 make grade CHAPTER=05 SUBMISSIONS=DIR

Each submission is a small project with the chapter's data flow but
TensorFlow-free scripts (tests/tiny/), so a class grades in minutes. Most
are right; the others carry the usual mistakes, one hangs, one is not a
repository at all.
"""

import argparse
import shutil
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kit import KIT_ROOT  # noqa: E402
from kit.shell import run, sh  # noqa: E402

TINY = KIT_ROOT / "tests" / "tiny"
SOLUTION = yaml.safe_load((KIT_ROOT / "solutions" / "05-pipeline" / "dvc.yaml").read_text(encoding="utf-8"))


def forgot_model(spec, path):
    spec["stages"]["evaluate"]["deps"].remove("model.h5")


def merged(spec, path):
    train, evaluate = spec["stages"].pop("train"), spec["stages"].pop("evaluate")
    spec["stages"]["train_evaluate"] = {"cmd": "python train.py && python evaluate.py", "deps": train["deps"],
                                        "outs": train["outs"], "metrics": evaluate["metrics"]}


def no_metric(spec, path):
    del spec["stages"]["evaluate"]["metrics"]


def hangs(spec, path):
    (path / "train.py").write_text("import time\ntime.sleep(3600)\n")


MISTAKES = [forgot_model, forgot_model, forgot_model, merged, merged, no_metric, "yaml", "yaml", hangs, "not a repo"]


def make(folder, index, mistake):
    path = folder / f"learner-{index:02d}"
    if mistake == "not a repo":
        path.mkdir(parents=True)
        (path / "README.txt").write_text("J'ai oublié de rendre mon projet.\n")
        return
    (path / "data").mkdir(parents=True)
    for label in ("cat", "dog"):
        for number in range(4):
            (path / "data" / f"{label}.{number}.jpg").write_bytes(f"{label}{number}".encode() * (10 + number))
    (path / "base.h5").write_bytes(b"\x89HDF fake base model")
    for script in TINY.glob("*.py"):
        shutil.copyfile(script, path / script.name)
    sh(path, "git init -q -b main && git config user.name L && git config user.email l@example.org && dvc init -q "
             "&& dvc config core.analytics false && dvc add -q data base.h5 && git add -A && git commit -qm start")
    spec = yaml.safe_load(yaml.safe_dump(SOLUTION))
    if callable(mistake):
        mistake(spec, path)
    if mistake == "yaml":
        (path / "dvc.yaml").write_text("stages:\n  extract:\n    cmd: python data_extraction.py\n     deps: [data]\n")
    else:
        (path / "dvc.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    if mistake not in ("yaml", hangs):
        run("dvc exp run -q", cwd=path, shell=True, timeout=120)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--count", type=int, default=30)
    args = parser.parse_args()
    if args.folder.exists():
        raise SystemExit(f"{args.folder} existe déjà : choisissez un autre dossier.")
    try:
        for index in range(args.count):
            make(args.folder, index + 1, MISTAKES[index] if index < len(MISTAKES) else None)
    except RuntimeError as error:
        raise SystemExit(str(error)) from None
    print(f"{args.count} rendus dans {args.folder}")


if __name__ == "__main__":
    main()
