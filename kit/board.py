"""The class board: `make board [PORT=8765] [HOST=0.0.0.0]`, a live page of learners × chapters × checks.

The instructor starts it on their machine; it prints the page's address (with its token) and the command
learners run to join it (kit/board_client.py). Each learner's `make check-chapterNN` then posts its verdict
here, and the page, polling every few seconds, shows each learner's latest verdict per chapter, the first
check they fail, and above it, per chapter, how many learners are stuck on each check.

The token keeps everyone else out: posting, reading the state and seeing the page all need it. It is made
once and saved in the board's folder (default board/ at the kit's root), beside the verdicts
(verdicts.json, rewritten on each post): a restarted board keeps its token and its data. Whatever is
posted is untrusted input, checked and bounded before it is kept, and the page shows it as text only.
"""

import hmac
import json
import math
import os
import secrets
import socket
import sys
import time
from pathlib import Path

import jinja2
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse

from checks.result import FAILED, NOT_CHECKED, PASSED
from kit import KIT_ROOT, KitError, chapters, lang
from kit.board_client import MAX_BODY, MAX_CHECKS, MAX_NAME, MAX_TITLE, STATE_PATH, VERDICT_PATH, clean_name

DEFAULT_FOLDER = KIT_ROOT / "board"
DEFAULT_HOST, DEFAULT_PORT = "0.0.0.0", 8765  # every interface: the learners' machines reach it
TOKEN_FILE, VERDICTS_FILE = "token", "verdicts.json"
MAX_LEARNERS = 500  # a class, with room to spare: a token holder cannot fill the board's memory
POLL_MS = 2500  # how often the page asks for the state
STATUSES = (PASSED, FAILED, NOT_CHECKED)
TEMPLATES = KIT_ROOT / "kit" / "templates"
PAGE_WORDS = ("page_title", "learners", "learner", "chapter", "summary", "nobody_yet", "passed_count", "stuck",
              "all_passed", "not_yet", "updated", "offline", "checked_at")


def board_token(folder):
    """The board's token: the one saved in `folder`, else a new one, saved there (readable by its owner only)."""
    path = Path(folder) / TOKEN_FILE
    if path.is_file() and path.read_text(encoding="utf-8").strip():
        return path.read_text(encoding="utf-8").strip()
    Path(folder).mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(18)  # never starts with '-', which make board-join's argument parser would take for an option
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    return token


def clean(data, published):
    """The verdict to keep from a posted JSON value: checked and bounded; ValueError (why) if it is not one.
    The score, the total and `passed` are counted here from the checks, not taken from the sender."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    learner, chapter, checks = data.get("learner"), data.get("chapter"), data.get("checks")
    if not isinstance(learner, str) or not clean_name(learner) or len(learner) > MAX_NAME:
        raise ValueError(f"learner: a name of 1 to {MAX_NAME} characters")
    if chapter not in published:
        raise ValueError(f"chapter: one of {', '.join(published)}")
    if not isinstance(checks, list) or len(checks) > MAX_CHECKS:
        raise ValueError(f"checks: a list of at most {MAX_CHECKS}")
    kept = []
    for check in checks:
        if not isinstance(check, dict) or not isinstance(check.get("title"), str) or check.get("status") not in STATUSES:
            raise ValueError(f"checks: each a title and a status among {', '.join(STATUSES)}")
        # The check's id (its test name, the same in every language) groups the class's failures; the title shows.
        kept.append({"id": clean_name(check.get("id") if isinstance(check.get("id"), str) else "", MAX_TITLE),
                     "title": clean_name(check["title"], MAX_TITLE), "status": check["status"]})
    moment, now = data.get("time"), time.time()
    if not isinstance(moment, (int, float)) or isinstance(moment, bool) or not math.isfinite(moment):
        moment = now
    moment = min(moment, now)  # a verdict from the future would hide the next ones (see Verdicts.record)
    score = sum(check["status"] == PASSED for check in kept)
    return {"learner": clean_name(learner), "chapter": chapter, "checks": kept, "score": score, "total": len(kept),
            "passed": bool(kept) and score == len(kept), "time": float(moment), "received": now}


class Verdicts:
    """The latest verdict of each learner for each chapter, in memory and in `folder`/verdicts.json."""

    def __init__(self, folder):
        self.path = Path(folder) / VERDICTS_FILE
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            saved = {}
        self.learners = {learner: held for learner, held in saved.items()
                         if isinstance(held, dict)} if isinstance(saved, dict) else {}

    def record(self, verdict):
        """Keep `verdict` unless a later check of the same learner and chapter is already here (posts may
        arrive out of order); whether it was kept. ValueError when the board is full."""
        if verdict["learner"] not in self.learners and len(self.learners) >= MAX_LEARNERS:
            raise ValueError(f"the board holds {MAX_LEARNERS} learners already")
        mine = self.learners.setdefault(verdict["learner"], {})
        earlier = mine.get(verdict["chapter"])
        if earlier and earlier.get("time", 0) > verdict["time"]:
            return False
        mine[verdict["chapter"]] = verdict
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.learners, ensure_ascii=False, indent=1), encoding="utf-8")
        temporary.replace(self.path)  # a board stopped mid-write keeps the previous file
        return True


def _words():
    """The page's words in the kit's language, as templates: its script fills in {count}, {time}..."""
    catalogue = lang.localised(lang.INTERFACE)["board"]
    return {key: catalogue[key] for key in PAGE_WORDS}


def _page(environment, **fields):
    return environment.get_template("board.html").render(language=lang.chosen(), **fields)


async def _body(request):
    """The request's body, or None past MAX_BODY bytes (read no further than that)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return body


def app(folder, token):
    """The board's web application: its verdicts in `folder`, `token` required by every route."""
    verdicts = Verdicts(folder)
    published = [chapter.number for chapter in chapters.published()]
    columns = [{"number": chapter.number, "title": chapter.title} for chapter in chapters.published()]
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                     undefined=jinja2.StrictUndefined)
    api = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    expected, words = token.encode(), _words()

    def allowed(request, in_address=True):
        """Whether the request carries the token: `Authorization: Bearer TOKEN`, or ?token=TOKEN (the page)."""
        header = request.headers.get("authorization", "")
        given = header[len("bearer "):].strip() if header.lower().startswith("bearer ") else ""
        if not given and in_address:
            given = request.query_params.get("token", "")
        return hmac.compare_digest(given.encode(), expected)

    def refused(status, problem):
        return JSONResponse({"error": problem}, status_code=status,
                            headers={"WWW-Authenticate": "Bearer"} if status == 401 else None)

    @api.post(VERDICT_PATH)
    async def post_verdict(request: Request):
        if not allowed(request, in_address=False):
            return refused(401, "token")
        body = await _body(request)
        if body is None:
            return refused(413, f"more than {MAX_BODY} bytes")
        try:
            return {"recorded": verdicts.record(clean(json.loads(body), published))}
        except (ValueError, RecursionError) as error:  # json's errors are ValueErrors
            return refused(422, str(error)[:200])

    @api.get(STATE_PATH)
    async def get_state(request: Request):
        if not allowed(request):
            return refused(401, "token")
        learners = [{"name": name, "verdicts": verdicts.learners[name]}
                    for name in sorted(verdicts.learners, key=str.casefold)]
        return {"chapters": columns, "learners": learners, "now": time.time()}

    @api.get("/", response_class=HTMLResponse)
    async def page(request: Request):
        if not allowed(request):
            return HTMLResponse(_page(environment, refused=lang.say("board", "unauthorized"),
                                      words=words, chapters=[], poll_ms=POLL_MS), status_code=401)
        return HTMLResponse(_page(environment, refused=None, words=words, chapters=columns, poll_ms=POLL_MS))

    return api


def lan_address():
    """This machine's address on its local network, found offline (a UDP socket connected to a private
    address sends nothing, but picks the interface that leads there); 127.0.0.1 without a network."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            found = probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    return found if found and found != "0.0.0.0" else "127.0.0.1"


def listening_socket(host, port):
    """A TCP socket bound to (host, port), or KitError saying why not (a port taken, an unknown host)."""
    try:
        if not 0 <= int(port) <= 65535:  # getaddrinfo would wrap 99999 round to another port
            raise OverflowError(f"port {port}")
        family, kind, proto, _, where = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                                                           flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(where)
    except (OSError, OverflowError) as error:
        raise KitError(lang.say("board", "cannot_listen", host=host, port=port, problem=error)) from None
    sock.listen(128)
    return sock


def serve(folder=None, host=None, port=None):
    """`make board`: serve the board until Ctrl-C, after saying where to see it and how learners join it.
    By default: its folder board/ at the kit's root, every network interface, port 8765."""
    folder, host = Path(folder or DEFAULT_FOLDER), DEFAULT_HOST if host is None else host
    port = DEFAULT_PORT if port is None else port
    sock = listening_socket(host, port)  # listening first: once the token file is there, connections are taken
    token = board_token(folder)
    shown = lan_address() if host in ("", "0.0.0.0", "::") else host
    base = f"http://{f'[{shown}]' if ':' in shown else shown}:{sock.getsockname()[1]}"
    print(lang.say("board", "serving", page=f"{base}/?token={token}"))
    print(lang.say("board", "join", command=f"make board-join BOARD={base} TOKEN={token}"))
    print(lang.say("board", "stop", folder=folder))
    sys.stdout.flush()
    config = uvicorn.Config(app(folder, token), log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
