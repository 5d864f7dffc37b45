"""Chapter 07, "Partager et utiliser le modèle": artifact, gto stage, fetched model, web app; and ("À vous")
a second version of the model, trained anew, registered, in the prod stage and published.

The app is started for real with uvicorn on a free loopback port, in the
sandbox's use_model/, and asked over HTTP about held-out images the kit ships
(data/heldout/, never in the dataset) and about bad uploads.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from checks import pipeline
from checks.messages import CheckFailed, phrase
from kit import KIT_ROOT, jail
from kit.shell import committed, kit_env, run, stop_group

NAME = "cats-vs-dogs"
STAGE = "test"
HELDOUT = KIT_ROOT / "data" / "heldout"
ROUTE = "/cats-or-dogs/"  # the route the chapter asks the app to answer on
MIN_ACCURACY = 0.70  # chance is 0.5; the workshop's models score about 0.8 here
APP_START_TIMEOUT = int(os.environ.get("DVC_CHECK_APP_TIMEOUT", "120"))


@pytest.fixture(scope="session")
def declared(sandbox):
    """The artifact's declaration in dvc.yaml files."""
    try:
        with pipeline.opened_repo(sandbox) as repo:
            found = repo.artifacts.read()
    except Exception as error:  # noqa: BLE001 - e.g. a YAML error, reported as such
        raise CheckFailed("dvc_error", problem=str(error)[:300]) from None
    artifacts = {name: artifact for per_file in found.values() for name, artifact in per_file.items()}
    if NAME not in artifacts:
        others = phrase("found_others", names=", ".join(artifacts)) if artifacts else ""
        raise CheckFailed("artifact_missing", name=NAME, found=others)
    return artifacts[NAME]


@pytest.fixture(scope="session")
def resolved(sandbox, declared):
    """{"rev", "path"} of the version assigned to the test stage, as DVC resolves it through gto's tags."""
    import dvc.api

    if not run(["git", "tag", "--list", f"{NAME}@*"], cwd=sandbox).output.strip():
        raise CheckFailed("gto_missing", name=NAME, what=phrase("registered"), command=f"gto register {NAME}")
    try:
        with pipeline.inside(sandbox):
            return dvc.api.artifacts_show(NAME, stage=STAGE, repo=str(sandbox))
    except Exception:  # noqa: BLE001 - gto/DVC raise several kinds when nothing is assigned
        raise CheckFailed("gto_missing", name=NAME, what=phrase("assigned", stage=STAGE),
                          command=f"gto assign {NAME} --stage {STAGE}") from None


def test_artifact_declared(declared):
    if declared.path.rstrip("/") != "models":
        raise CheckFailed("artifact_wrong_path", name=NAME, path=declared.path)


def test_artifact_stage(sandbox):
    stages = pipeline.load_pipeline(sandbox)
    producer = next((stage for stage in stages if "models" in stage.outs), None)
    if producer is None or not {"model.h5", "base.h5"} <= set(producer.deps):
        raise CheckFailed("no_artifact_stage")
    stale = pipeline.stale_stages(sandbox)
    copies_match = all((sandbox / "models" / name).is_file()
                       and (sandbox / "models" / name).read_bytes() == (sandbox / name).read_bytes()
                       for name in ("model.h5", "base.h5"))
    if stale or not copies_match:
        raise CheckFailed("artifact_stale", stages=", ".join(sorted(stale)) or phrase("no_stage"))


def test_committed(sandbox):
    changed = [name for name in ("dvc.yaml", "dvc.lock") if not committed(sandbox, name)]
    if changed:
        raise CheckFailed("artifact_not_committed", files=", ".join(changed))


def test_registered_and_assigned(resolved):
    """Judged by the `resolved` fixture, which raises the failure."""


def test_published(sandbox, resolved):
    remote_tags = run(["git", "ls-remote", "--tags", "origin", f"{NAME}*"], cwd=sandbox, timeout=60)
    names = remote_tags.output if remote_tags.ok else ""
    if f"refs/tags/{NAME}@" not in names or f"refs/tags/{NAME}#{STAGE}#" not in names:
        raise CheckFailed("artifact_not_published", problem=phrase("tags_not_on_origin"))
    try:
        with pipeline.opened_repo(sandbox) as repo:
            status = repo.status(targets=[resolved["path"]], cloud=True)
    except Exception as error:  # noqa: BLE001 - network, permissions, missing folder...
        raise CheckFailed("artifact_not_published", problem=phrase("remote_unreadable", error=error)[:200]) from None
    if any(state == "new" for state in status.values()):
        raise CheckFailed("artifact_not_published", problem=phrase("not_on_remote"))


def origin_from_app_folder(sandbox, workspace):
    """The project's origin as the learner would name it from use_model/ (relative when it is a folder)."""
    url = run(["git", "config", "--get", "remote.origin.url"], cwd=sandbox).output.strip()
    if url and "://" not in url and not os.path.isabs(url):
        url = os.path.join(workspace, url)
    if url and os.path.isabs(url):
        return os.path.relpath(url, workspace / "use_model")
    return url or phrase("project_repo")


def test_fetched_into_app_folder(sandbox, workspace, resolved):
    from dvc.api import DVCFileSystem

    fs = DVCFileSystem(str(sandbox), rev=resolved["rev"])
    for name in ("model.h5", "base.h5"):
        fetched = sandbox / "use_model" / "models" / name
        problem = None
        if not fetched.is_file():
            problem = phrase("file_missing")
        elif fetched.read_bytes() != fs.read_bytes(f"{resolved['path'].rstrip('/')}/{name}"):
            problem = phrase("not_test_stage")
        if problem:
            raise CheckFailed("artifact_not_fetched", file=name, problem=problem, name=NAME,
                              origin=origin_from_app_folder(sandbox, workspace))


# --- The web app, over real HTTP --------------------------------------------------------

def post(app, field=None, filename="image.jpg", content=b""):
    """POST a form holding one file field (or none) to the app; return (status, decoded JSON or text)."""
    files = {field: (filename, content, "application/octet-stream")} if field else None
    response = app.post(ROUTE, files=files)
    try:
        return response.status_code, response.json()
    except ValueError:
        return response.status_code, response.text


@pytest.fixture(scope="session")
def app(sandbox):
    """Start use_model/app.py with uvicorn (sandboxed when graded: no network, so on a Unix socket, which the
    check reaches from outside); an HTTP client of it; the app is stopped at the end."""
    folder = sandbox / "use_model"
    if not (folder / "app.py").is_file():
        raise CheckFailed("app_not_started", problem=phrase("app_missing"))
    here = Path(tempfile.mkdtemp(prefix="app-"))  # a short path: a socket's is at most ~100 characters
    address, log = here / "app.sock", here / "uvicorn.log"
    argv, env = jail.wrap(["python", "-m", "uvicorn", "app:app", "--uds", str(address)], folder, kit_env())
    with open(log, "w") as output:
        server = subprocess.Popen(argv, cwd=folder, env=env, stdout=output, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + APP_START_TIMEOUT
        while time.monotonic() < deadline and server.poll() is None:
            with socket.socket(socket.AF_UNIX) as sock:
                if address.exists() and sock.connect_ex(str(address)) == 0:
                    break
            time.sleep(0.3)
        else:
            lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
            problem = lines[-1] if lines else phrase("no_answer", seconds=APP_START_TIMEOUT)
            raise CheckFailed("app_not_started", problem=problem.replace(f"{sandbox}/", "")[:250])
        # A new connection for each request: a learner's app that crashed on one request (an unhandled error
        # may close its connection) must not fail the next check with it.
        transport = httpx.HTTPTransport(uds=str(address), limits=httpx.Limits(max_keepalive_connections=0))
        with httpx.Client(transport=transport, base_url="http://app", timeout=30, trust_env=False) as client:
            yield client
    finally:
        stop_group(server)
        shutil.rmtree(here, ignore_errors=True)


def test_app_answers_correctly(app):
    images = sorted(HELDOUT.glob("*.jpg"))
    correct = 0
    for image in images:
        status, answer = post(app, "file", image.name, image.read_bytes())
        correct += status == 200 and answer == image.name.split(".")[0]
    if correct < MIN_ACCURACY * len(images):
        raise CheckFailed("app_wrong", correct=correct, total=len(images), percent=round(100 * correct / len(images)),
                          minimum=round(100 * MIN_ACCURACY))


# Each case's name is a phrase of the chapter's catalogue (case_not_an_image...): the title shows it.
@pytest.mark.parametrize("case", ["case_not_an_image", "case_empty_file", "case_no_file"])
def test_app_rejects_bad_input(app, case):
    field, content = {"case_not_an_image": ("file", b"ceci n'est pas une image"),
                      "case_empty_file": ("file", b""),
                      "case_no_file": (None, b"")}[case]
    status, answer = post(app, field, "notes.txt", content)
    has_message = isinstance(answer, dict) and bool(answer.get("detail")) or (isinstance(answer, str) and answer.strip())
    if not 400 <= status < 500 or not has_message:
        raise CheckFailed("app_bad_input", case=phrase(case), status=status)


# --- "À vous": a second version of the model, trained anew, in production -------------------------------

PROD = "prod"


def model_hash(project, rev, path):
    """The hash DVC records for the artifact's folder at `rev` (two trainings give two hashes), or None."""
    from dvc.api import DVCFileSystem

    try:
        info = DVCFileSystem(str(project), rev=rev).info(path.rstrip("/"))
    except Exception:  # noqa: BLE001 - not in that commit, unreadable dvc files...
        return None
    return (info.get("dvc_info") or {}).get("md5") or info.get("md5")


def registry_tags(project, remote=None):
    """{tag: the object it names} of the artifact's gto tags, in the project or (remote) on that remote."""
    if remote:
        listed = run(["git", "ls-remote", "--tags", remote, f"{NAME}*"], cwd=project, timeout=60)
        pairs = [line.split("\t", 1)[::-1] for line in listed.output.splitlines() if "\t" in line] if listed.ok else []
    else:
        listed = run(["git", "show-ref", "--tags"], cwd=project)
        pairs = [line.split(" ", 1)[::-1] for line in listed.output.splitlines() if " " in line]
    return {ref.removeprefix("refs/tags/"): sha for ref, sha in pairs
            if ref.startswith(f"refs/tags/{NAME}") and not ref.endswith("^{}")}


def test_second_version_in_prod(sandbox, declared):
    import dvc.api

    try:
        with pipeline.inside(sandbox):
            prod = dvc.api.artifacts_show(NAME, stage=PROD, repo=str(sandbox))
    except Exception:  # noqa: BLE001 - gto/DVC raise several kinds when nothing is assigned
        raise CheckFailed("no_prod_version", name=NAME, stage=PROD) from None
    local = registry_tags(sandbox)
    versions = sorted((tag for tag in local if "@" in tag), key=pipeline.version_key)
    first = versions[0] if versions else None
    first_rev = run(["git", "rev-parse", f"{first}^{{commit}}"], cwd=sandbox).output.strip() if first else None
    if first and model_hash(sandbox, prod["rev"], prod["path"]) == model_hash(sandbox, first_rev, prod["path"]):
        raise CheckFailed("prod_same_model", name=NAME, stage=PROD, first=first.split("@", 1)[1])
    remote = registry_tags(sandbox, remote="origin")
    unpublished = sorted(tag for tag, sha in local.items() if remote.get(tag) != sha)
    if unpublished:
        raise CheckFailed("prod_not_published", what=phrase("tags_not_pushed", tags=", ".join(unpublished)))
    try:
        missing = pipeline.missing_on_remote(sandbox, {PROD: prod["rev"]})[PROD]
    except Exception as error:  # noqa: BLE001 - network, permissions, missing folder...
        raise CheckFailed("prod_not_published", what=phrase("remote_unreadable", error=str(error)[:150])) from None
    if missing:
        raise CheckFailed("prod_not_published", what=phrase("outputs_not_pushed", paths=", ".join(missing)))
