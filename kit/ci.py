"""Grading where the work already is: CI files for a learner's repository, and for a class graded in shards.

`make ci-template CHAPTER=NN [WORKSPACE=dir] [KIT_URL=url]` writes into the
learner's project a GitHub Actions workflow (.github/workflows/) and a GitLab CI
file (.gitlab-ci.yml) that, on every push, set up the kit, run `make
check-chapterNN` and publish the verdicts: junit.xml (which both platforms'
test reporters read) and a results.json in Gradescope's format.

`make ci-template CHAPTER=NN CLASS=N [DEST=dir]` writes, for the instructor's
repository that holds the submissions (folder `submissions/`), the worked example
of sharded grading: a GitHub Actions matrix of N `make grade ... SHARD=k/N`
jobs, then one `make grade-merge` job. The same two commands run unchanged in a
Slurm array or a Kubernetes Indexed Job (their task index is k).

The files come from kit/templates/ci/ (Jinja2); the kit's tests validate them
against the platforms' published schemas (check-jsonschema's vendored copies).
"""

from pathlib import Path

import jinja2

from kit import KIT_ROOT, lang
from kit.shell import run

TEMPLATES = KIT_ROOT / "kit" / "templates" / "ci"
LEARNER_FILES = {"github-check.yml": ".github/workflows/dvc-workshop.yml", "gitlab-check.yml": ".gitlab-ci.yml"}
CLASS_FILE = ("github-class.yml", ".github/workflows/class-grading.yml")
SUBMISSIONS = "submissions"
# Where the CI finds the kit when the instructor gives no KIT_URL: a variable of the repository or group.
URL_VARIABLES = {"github": "${{ vars.DVC_KIT_URL }}", "gitlab": "$DVC_KIT_URL"}


def kit_url(given=None):
    """{platform: what the CI clones the kit from}: KIT_URL, else the kit's own git remote when a CI can reach
    it (an address, not a folder of this machine), else a CI variable."""
    remote = run(["git", "remote", "get-url", "origin"], cwd=KIT_ROOT, timeout=30)
    found = remote.output.strip() if remote.ok else ""
    url = given or (found if "://" in found or found.startswith("git@") else None)
    return {platform: url for platform in URL_VARIABLES} if url else dict(URL_VARIABLES)


def render(name, **fields):
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                                     keep_trailing_newline=True)
    return environment.get_template(name).render(**fields)


def write(chapter, target, url=None, shards=None):
    """Write the CI files for `chapter` under `target` (a learner's project, or with `shards` the class's
    repository); the paths written."""
    target = Path(target)
    fields = {"chapter": chapter.number, "language": lang.chosen(), "kit_url": kit_url(url)}
    if shards:
        templates = dict([CLASS_FILE])
        fields.update(shards=shards, submissions=SUBMISSIONS)
    else:
        templates = LEARNER_FILES
    written = []
    for template, name in templates.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(template, **fields), encoding="utf-8")
        written.append(path)
    return written
