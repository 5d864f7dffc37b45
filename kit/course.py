"""Facts of the course that several chapters, the checks and the kit's tools share (a leaf: imports nothing).

What belongs to one chapter only is in its chapter.toml."""

DATASETS = {"v1": 250, "v2": 500}  # images per class in each version of the dataset (make get-data)
# The data and the base model are never committed to git: untracked in
# chapter 01, tracked by DVC (and git-ignored) from chapter 02 on.
NOT_IN_GIT = ("data", "base.h5")
# Where the kit keeps the learner's versions of the files it puts back (make reset-chapterNN), in the
# workspace but ignored by git (.git/info/exclude): never taken for the learner's work, never committed.
BACKUPS = ".kit-backups"
# The project's four scripts, in pipeline order (the notebook step each comes from: kit/notebook.toml).
SCRIPTS = ("data_extraction.py", "data_preprocessing.py", "train.py", "evaluate.py")
# What they produce: recomputable, so never in git (DVC outputs from chapter 05 on).
OUTPUTS = ("subset", "preprocessed", "model.h5", "metrics.json")
# The scripts' one reference copy; the colleague's notebook is generated from it (kit/notebook.py),
# and chapter 05's folder shows it through links.
SCRIPTS_SOURCE = "solutions/04-decoupage-du-notebook"
