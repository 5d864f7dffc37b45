"""Facts of the course that several chapters, the checks and the kit's tools share (a leaf: imports nothing)."""

DATASETS = {"v1": 250, "v2": 500}  # images per class in each version of the dataset (make get-data)
# The data and the base model are never committed to git: untracked in
# chapter 01, tracked by DVC (and git-ignored) from chapter 02 on.
NOT_IN_GIT = ("data", "base.h5")
DEFAULT_IDENTITY = ("Apprenant DVC", "apprenant@atelier-dvc.local")  # git's, when the learner has none
