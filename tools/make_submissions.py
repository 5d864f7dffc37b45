"""Make a folder of synthetic chapter-05 submissions, to try `make grade` on a class.

    python tools/make_submissions.py DIR [--count 30]
    GRADE_TIME_LIMIT=60 make grade CHAPTER=05 SUBMISSIONS=DIR

Each submission is a small project with the chapter's data flow but
TensorFlow-free scripts (tests/tiny/), so a class grades in minutes. Most
are right; the others carry the usual mistakes, one hangs, one is not a
repository at all. A variant is built once, then copied for each learner who
has it (so 300 learners take seconds to make, not minutes).
"""

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kit import lang  # noqa: E402
from tests import variants  # noqa: E402 - the tiny project and the learners' variants, as the tests use them

# One class: mostly right, the usual mistakes, one that hangs, one that is not a repository.
MISTAKES = ["original bug: evaluation without model.h5", "evaluation not re-run after retraining",
            "training does not depend on its script", "stages merged", "stages merged",
            "metrics.json not declared", "dvc.yaml badly indented", "dvc.yaml badly indented", "training hangs",
            "not a repo"]


def make(folder, index, mistake, made=None):
    """Learner number `index`'s submission in `folder`: a copy of the same variant's first one, if `made` has it."""
    path = folder / f"learner-{index:02d}"
    if mistake == "not a repo":
        path.mkdir(parents=True)
        (path / "README.txt").write_text(lang.say("tools", "forgot_project") + "\n")
        return
    if made is not None and mistake in made:
        shutil.copytree(made[mistake], path, symlinks=True)
        return
    variants.build(path, name="L", email="l@example.org")
    variant = variants.BROKEN[mistake] if mistake else variants.CORRECT["the solution"]
    variants.apply(path, variant)
    if made is not None:
        made[mistake] = path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--count", type=int, default=30)
    args = parser.parse_args()
    if args.folder.exists():
        raise SystemExit(lang.say("tools", "folder_exists", folder=args.folder))
    made = {}  # the first submission of each variant: the others of that variant are copies of it
    try:
        for index in range(args.count):
            make(args.folder, index + 1, MISTAKES[index] if index < len(MISTAKES) else None, made)
    except RuntimeError as error:
        raise SystemExit(str(error)) from None
    print(lang.say("tools", "submissions_made", count=args.count, folder=args.folder))


if __name__ == "__main__":
    main()
