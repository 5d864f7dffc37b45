"""A learner's side of the class board (`make board`, kit/board.py): joining it, leaving it, and sending it
the verdict of each `make check-chapterNN`.

`make board-join BOARD=http://host:port TOKEN=... [NAME=alice]` saves the board's address, its token and the
learner's name in the workspace's kit state (kit/state.py: .git/kit-state/, which no check reads);
KIT_BOARD, KIT_BOARD_TOKEN and KIT_LEARNER override them, and KIT_BOARD=off sends nothing (`make grade`
sets it: a class's grading never posts a learner's verdict). `make board-leave` forgets them. With no
address and token, nothing is ever sent.

Sending never slows or fails a check: `send` starts a detached child (`python -m kit.board_client`), writes it
the verdict on its standard input and returns at once; the child posts it with a short time limit and
swallows every error. What is sent: the learner's name, the chapter, each check's title and status, the
score and the time of the check; nothing of the workspace's files.

A light module (no web framework): `make check-chapterNN` imports it on every verdict.
"""

import getpass
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from kit import KIT_ROOT, KitError, lang, state

STATE = "board"  # the workspace's kit state: .git/kit-state/board.json
URL_VARIABLE, TOKEN_VARIABLE, LEARNER_VARIABLE = "KIT_BOARD", "KIT_BOARD_TOKEN", "KIT_LEARNER"
OFF = "off"  # KIT_BOARD=off: nothing sent, whatever the workspace saved
TIMEOUT = 4  # seconds the child (and board-join's probe) waits for the board at each step
LIFETIME = 15  # seconds after which the child stops, whatever the board does
# The board's bounds on what it accepts (kit/board.py); the sender keeps within them.
MAX_NAME, MAX_CHECKS, MAX_TITLE, MAX_BODY = 60, 100, 200, 64 * 1024
VERDICT_PATH, STATE_PATH = "/api/verdict", "/api/state"


def address(url):
    """The board's base address (http(s)://host:port[/path], no trailing slash) of `url`, or None if it is
    not an http(s) address (KIT_BOARD=off among them)."""
    try:
        parts = urllib.parse.urlsplit(str(url).strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return None
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def clean_name(name, limit=MAX_NAME):
    """A learner's name (or a check's title) as the board shows it: printable, one line, at most `limit`
    characters."""
    return " ".join("".join(c if c.isprintable() else " " for c in str(name or "")).split())[:limit]


def default_name(workspace):
    """The workspace's git user.name, unless it is the kit's own default identity (kit/workspace.py, in any
    language); else the login name."""
    try:
        name = subprocess.run(["git", "config", "user.name"], cwd=workspace, capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        name = ""
    defaults = {lang.localised(lang.INTERFACE, language)["workspace"]["identity_name"] for language in lang.LANGUAGES}
    if clean_name(name) and name not in defaults:
        return clean_name(name)
    try:
        return clean_name(getpass.getuser()) or lang.say("board", "anonymous")
    except (OSError, KeyError):  # no login name (a container without a user of that id)
        return lang.say("board", "anonymous")


def _opener():
    """urllib without the environment's proxies: the board is on the class's own network."""
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def probe(url, token):
    """What the board at `url` says of `token`: (True, None) accepted, (False, None) refused, (None, problem)
    when no board answers."""
    request = urllib.request.Request(url + STATE_PATH, headers={"Authorization": f"Bearer {token}"})
    try:
        with _opener().open(request, timeout=TIMEOUT) as reply:
            json.loads(reply.read(MAX_BODY * 64))
            return True, None
    except urllib.error.HTTPError as error:
        return (False, None) if error.code == 401 else (None, f"HTTP {error.code}")
    except (OSError, ValueError) as error:  # refused, unreachable, timed out, not the board's JSON
        return None, str(getattr(error, "reason", error))


def _workspace(workspace):
    if not (Path(workspace) / ".git").is_dir():
        raise KitError(lang.say("workspace", "missing", workspace=workspace))
    return Path(workspace)


def join(workspace, url, token, name=None):
    """`make board-join`: check, then save, the board's address and token and the learner's name."""
    workspace = _workspace(workspace)
    base = address(url)
    if base is None:
        raise KitError(lang.say("board", "bad_url", url=url))
    token = str(token or "").strip()
    if not token:
        raise KitError(lang.say("board", "no_token"))
    learner = clean_name(name) or default_name(workspace)
    accepted, problem = probe(base, token)
    if accepted is False:
        raise KitError(lang.say("board", "token_refused", url=base))
    state.save(workspace, STATE, {"url": base, "token": token, "learner": learner})
    print(lang.say("board", "joined", url=base, learner=learner))
    if accepted is None:
        print(lang.say("board", "unreachable", problem=problem))


def leave(workspace):
    """`make board-leave`: forget the board; the checks send nothing any more."""
    workspace = _workspace(workspace)
    joined = bool(state.load(workspace, STATE))
    state.save(workspace, STATE, {})
    print(lang.say("board", "left" if joined else "not_joined"))


def destination(workspace):
    """(address, token, learner) where a verdict of `workspace` goes, or None: nothing to send."""
    saved = state.load(workspace, STATE)
    url = address(os.environ.get(URL_VARIABLE, "").strip() or saved.get("url", ""))
    token = os.environ.get(TOKEN_VARIABLE, "").strip() or str(saved.get("token", "")).strip()
    if url is None or not token:  # KIT_BOARD=off is no address: nothing sent
        return None
    learner = clean_name(os.environ.get(LEARNER_VARIABLE, "")) or clean_name(saved.get("learner")) \
        or default_name(workspace)
    return url, token, learner


def payload(chapter, result, learner):
    """The verdict as the board receives it: nothing but the learner's name, the checks' titles and statuses."""
    checks = result.checks[:MAX_CHECKS]
    return {"learner": learner, "chapter": chapter.number, "passed": result.passed, "score": result.score,
            "total": len(checks), "checks": [{"id": check.id[:MAX_TITLE], "title": check.title[:MAX_TITLE], "status": check.status}
                                             for check in checks], "time": time.time()}


def send(chapter, workspace, result):
    """Hand `result` to a detached child that posts it to the workspace's board, if it joined one; never wait,
    never fail. Whether a child was started."""
    try:
        target = destination(workspace)
        if target is None:
            return False
        url, token, learner = target
        message = json.dumps({"url": url, "token": token, "verdict": payload(chapter, result, learner)})
        child = subprocess.Popen([sys.executable, "-m", "kit.board_client"], cwd=KIT_ROOT, stdin=subprocess.PIPE,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        child.stdin.write(message.encode()[:MAX_BODY * 2])  # far less than a pipe holds: never blocks
        child.stdin.close()
        return True
    except Exception:  # noqa: BLE001 - a board is a convenience: nothing about it may fail a check
        return False


def post(message):
    """Post one verdict ({url, token, verdict}) to its board (the child's work)."""
    request = urllib.request.Request(message["url"] + VERDICT_PATH, data=json.dumps(message["verdict"]).encode(),
                                     headers={"Authorization": f"Bearer {message['token']}",
                                              "Content-Type": "application/json"}, method="POST")
    with _opener().open(request, timeout=TIMEOUT) as reply:
        reply.read(MAX_BODY)


def main():
    """The detached child: read the message, post it, stop after LIFETIME seconds whatever happens."""
    try:
        if hasattr(signal, "alarm"):
            signal.alarm(LIFETIME)  # a board that answers a byte at a time still cannot keep this process
        post(json.loads(sys.stdin.buffer.read(MAX_BODY * 2)))
    except BaseException:  # noqa: BLE001 - nobody reads this process's output: every error ends it quietly
        pass


if __name__ == "__main__":
    main()
