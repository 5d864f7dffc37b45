"""make board: the class's live board, learners' verdicts sent to it over real HTTP, its page in a real browser.

One board per module (`python -m kit board`, in its own process on a free port), as an instructor starts
it; a class of 30 learners posts to it through the kit's own sending code (kit/board_client.py). A board
that is down or never answers must change nothing in a learner's check, and grading never posts.
"""

import getpass
import io
import ipaddress
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from types import SimpleNamespace

import pytest

from checks.result import FAILED, NOT_CHECKED, PASSED, ChapterResult, CheckResult
from kit import KIT_ROOT, KitError, board, board_client, chapters, grading, jail, lang, state
from kit.shell import free_port, kit_env, stop_group

BOARD_VARIABLES = (board_client.URL_VARIABLE, board_client.TOKEN_VARIABLE, board_client.LEARNER_VARIABLE)
TITLES = ["dvc.yaml existe et DVC le lit", "chaque script est lancé par sa propre étape",
          "la pipeline s'exécute depuis zéro"]
ENGLISH_TITLES = ["dvc.yaml exists and DVC reads it", "each script is run by its own stage",
                  "the pipeline runs from scratch"]
HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"


class Board:
    """The module's board: its address, its token, and what it said when it started."""

    def __init__(self, url, token, folder, said):
        self.url, self.token, self.folder, self.said = url, token, folder, said

    def call(self, path, body=None, token=None, headers=None):
        """(HTTP status, body text) of a request to the board (a POST when `body` is given)."""
        headers = dict(headers or {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return reply.status, reply.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def learners(self):
        """{learner: {chapter: verdict}} as the board holds it now."""
        status, text = self.call(board_client.STATE_PATH, token=self.token)
        assert status == 200, text
        return {learner["name"]: learner["verdicts"] for learner in json.loads(text)["learners"]}

    def wait_for(self, condition, seconds=30):
        """The board's learners once `condition(learners)` holds (the posts come from detached processes)."""
        deadline = time.monotonic() + seconds
        while not condition(learners := self.learners()):
            assert time.monotonic() < deadline, f"the board still holds only {sorted(learners)}"
            time.sleep(0.1)
        return learners


def wait_until_serving(proc, log, token_file, url, seconds=120):
    """The board's token once the board answers with it. The board says where it serves once it listens (its
    last start-up line); on a busy machine the first requests may still be refused or time out: retried."""
    deadline = time.monotonic() + seconds
    while True:
        assert proc.poll() is None, log.read_text(encoding="utf-8")
        assert time.monotonic() < deadline, f"the board did not answer in {seconds} s:\n{log.read_text()}"
        said = log.read_text(encoding="utf-8")
        token = token_file.read_text().strip() if token_file.is_file() else ""
        if token and "make board-join" in said:
            try:
                if Board(url, token, token_file.parent, "").call(board_client.STATE_PATH, token=token)[0] == 200:
                    return token
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass  # not serving yet
        time.sleep(0.1)


def test_waiting_for_the_board_survives_a_refused_connection(tmp_path):
    """The readiness wait retries on a refused connection (a board that listens late), then answers."""
    port = free_port()
    (tmp_path / "token").write_text("t0ken\n")
    log = tmp_path / "board.log"
    log.write_text("make board-join BOARD=... TOKEN=...\n")
    script = (f"import time, http.server\ntime.sleep(1.5)\nclass H(http.server.BaseHTTPRequestHandler):\n"
              f"    def do_GET(self):\n        self.send_response(200); self.end_headers(); self.wfile.write(b'{{}}')\n"
              f"http.server.HTTPServer(('127.0.0.1', {port}), H).handle_request()\n")
    late = subprocess.Popen([sys.executable, "-c", script])
    try:
        assert wait_until_serving(late, log, tmp_path / "token", f"http://127.0.0.1:{port}", seconds=30) == "t0ken"
    finally:
        late.kill()
        late.wait()


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """`python -m kit board` on a free port, its folder not made yet (as in a fresh clone)."""
    folder = tmp_path_factory.mktemp("board") / "board"
    log = folder.with_name("board.log")
    port = free_port()
    with log.open("w") as output:
        proc = subprocess.Popen([sys.executable, "-m", "kit", "board", "--port", str(port), "--host", "127.0.0.1",
                                 "--folder", str(folder)], cwd=KIT_ROOT, env=kit_env(), stdout=output,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        token = wait_until_serving(proc, log, folder / board.TOKEN_FILE, url)
        yield Board(url, token, folder, log.read_text(encoding="utf-8"))  # printed before it served
    finally:
        stop_group(proc)
    assert "Traceback" not in log.read_text(encoding="utf-8")  # no request made the board fail


def result(titles, failing=None):
    """A ChapterResult whose checks are `titles`, the one at index `failing` failed and the next not checked."""
    statuses = [PASSED if failing is None or index < failing else FAILED if index == failing else NOT_CHECKED
                for index in range(len(titles))]
    return ChapterResult("05", [CheckResult(f"test_{index}", title, status)
                                for index, (title, status) in enumerate(zip(titles, statuses))])


def send_as(monkeypatch, live, learner, chapter, verdict, workspace):
    """`make check-chapterNN`'s last step, for `learner`: the kit's sending code, the board given by KIT_BOARD."""
    monkeypatch.setenv(board_client.URL_VARIABLE, live.url)
    monkeypatch.setenv(board_client.TOKEN_VARIABLE, live.token)
    monkeypatch.setenv(board_client.LEARNER_VARIABLE, learner)
    return board_client.send(chapters.get(chapter), workspace, verdict)


@pytest.fixture(scope="module")
def klass(live, tmp_path_factory):
    """30 learners' verdicts posted over HTTP: 10 passed chapter 05, 12 stuck on its second check (3 of them
    working in English: the same check, other titles), 7 on its first, and one hostile name stuck on its
    third; the first 5 passed chapter 04 too."""
    workspace = tmp_path_factory.mktemp("no-workspace")  # their boards come from KIT_BOARD, not a saved state
    names = [f"learner-{number:02}" for number in range(1, 30)] + [HOSTILE]
    stuck = [None] * 10 + [1] * 12 + [0] * 7 + [2]
    with pytest.MonkeyPatch.context() as monkeypatch:
        for index, (name, failing) in enumerate(zip(names, stuck)):
            titles = ENGLISH_TITLES if index in (19, 20, 21) else TITLES
            assert send_as(monkeypatch, live, name, "05", result(titles, failing), workspace)
        for name in names[:5]:
            assert send_as(monkeypatch, live, name, "04", result(["t"]), workspace)
    live.wait_for(lambda learners: set(names) <= set(learners) and all("04" in learners[n] for n in names[:5]))
    return names


def test_thirty_learners_reach_the_board(live, klass):
    learners = live.learners()
    assert set(klass) <= set(learners) and len(klass) == 30
    assert sum(learners[name]["05"]["passed"] for name in klass) == 10
    first_failures = [next((c["id"] for c in learners[n]["05"]["checks"] if c["status"] == FAILED), None)
                      for n in klass]
    assert {check: first_failures.count(check) for check in ("test_0", "test_1", "test_2")} == \
        {"test_0": 7, "test_1": 12, "test_2": 1}
    assert learners["learner-12"]["05"]["score"] == 1 and learners["learner-12"]["05"]["total"] == 3
    assert learners["learner-03"]["04"]["passed"] and "04" not in learners["learner-06"]
    saved = json.loads((live.folder / board.VERDICTS_FILE).read_text(encoding="utf-8"))
    assert set(klass) <= set(saved)  # kept on disk for a restart


def test_the_board_says_where_it_is_and_how_to_join_it(live):
    assert f"Tableau de la classe : {live.url}/?token={live.token}" in live.said
    assert f"make board-join BOARD={live.url} TOKEN={live.token}" in live.said
    assert (live.folder / board.TOKEN_FILE).stat().st_mode & 0o077 == 0  # the token: its owner's only


CHROMIUM = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--window-size=1400,900", "--virtual-time-budget=8000"]


@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed (.ci/run installs it)")
def test_the_page_renders_the_class_in_a_browser(live, klass, tmp_path):
    """Headless Chromium runs the page's script: a row per learner, the stuck summary most-stuck first, the
    hostile name shown as text (its markup would have renamed the page); the screenshot is a real picture."""
    page = f"{live.url}/?token={live.token}"
    dom = subprocess.run([*CHROMIUM, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page],
                         check=True, capture_output=True, text=True, timeout=120).stdout
    assert dom.count('<tr class="learner-row">') == len(live.learners()) >= 30
    assert all(f">{name}</td>" in dom for name in klass[:29])
    summary = dom[dom.index('<section class="chapter-summary" data-chapter="05">'):]
    summary = summary[:summary.index("</section>")]
    assert "10/30 ont tout réussi" in summary
    stuck = [item.split("</li>")[0] for item in summary.split('<li class="stuck">')[1:]]
    assert [item.split('"count">')[1].split("<")[0] for item in stuck] == ["12 bloqué(s) sur", "7 bloqué(s) sur",
                                                                           "1 bloqué(s) sur"]
    assert [item.split('"check">')[1].split("<")[0] for item in stuck] == [TITLES[1], TITLES[0], TITLES[2]]
    assert "&lt;img src=x onerror=" in dom and "<img" not in dom and "pwned" not in dom.split("</title>")[0]
    shot = tmp_path / "board.png"
    subprocess.run([*CHROMIUM, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", page],
                   check=True, capture_output=True, timeout=120)
    assert shot.stat().st_size > 20_000  # a drawn table, not an empty page


VERDICT = {"learner": "intruder", "chapter": "05", "checks": [{"title": "t", "status": PASSED}], "time": 1.0}


def test_without_the_token_nothing_is_recorded_or_shown(live, klass):
    for token in (None, "wrong", live.token + "x", "é"):
        assert live.call(board_client.VERDICT_PATH, VERDICT, token=token)[0] == 401
        assert live.call(board_client.STATE_PATH, token=token)[0] == 401
    # The token in the address opens the page, never the door to posting.
    assert live.call(f"{board_client.VERDICT_PATH}?token={live.token}", VERDICT)[0] == 401
    status, text = live.call("/")
    assert status == 401 and "Jeton manquant ou incorrect" in text and "learner-01" not in text
    assert live.call("/?token=wrong")[0] == 401 and live.call(f"/?token={live.token}")[0] == 200
    assert "intruder" not in live.learners()


BAD = {  # what a token holder might post that the board must refuse: (body, expected status)
    "not JSON": (b"{learner", 422),
    "not an object": ([1, 2], 422),
    "a name too long": ({**VERDICT, "learner": "x" * 61}, 422),
    "an empty name": ({**VERDICT, "learner": " \n "}, 422),
    "an unknown chapter": ({**VERDICT, "chapter": "99"}, 422),
    "too many checks": ({**VERDICT, "checks": [{"title": "t", "status": PASSED}] * 101}, 422),
    "an unknown status": ({**VERDICT, "checks": [{"title": "t", "status": "perfect"}]}, 422),
    "a body too large": ({**VERDICT, "padding": "x" * 70_000}, 413),
}


@pytest.mark.parametrize("case", BAD)
def test_the_board_refuses_what_is_not_a_verdict(live, case):
    body, expected = BAD[case]
    assert live.call(board_client.VERDICT_PATH, body, token=live.token)[0] == expected
    assert "intruder" not in live.learners() and "x" * 61 not in live.learners()


def test_the_board_bounds_and_recounts_what_it_keeps(live):
    """A long title is cut, a forged score is counted again from the checks, an older verdict never
    replaces a newer one (posts may arrive out of order)."""
    forged = {**VERDICT, "learner": "forger", "score": 99, "passed": True, "time": 100.0,
              "checks": [{"title": "y" * 500, "status": FAILED}, {"title": "ok\n<b>", "status": PASSED}]}
    assert live.call(board_client.VERDICT_PATH, forged, token=live.token) == (200, '{"recorded":true}')
    kept = live.learners()["forger"]["05"]
    assert (kept["score"], kept["total"], kept["passed"]) == (1, 2, False)
    assert [check["title"] for check in kept["checks"]] == ["y" * board_client.MAX_TITLE, "ok <b>"]
    older = {**forged, "time": 50.0, "checks": []}
    assert live.call(board_client.VERDICT_PATH, older, token=live.token) == (200, '{"recorded":false}')
    assert live.learners()["forger"]["05"]["total"] == 2


def test_a_restarted_board_keeps_its_token_and_its_verdicts(tmp_path):
    token = board.board_token(tmp_path / "board")
    assert board.board_token(tmp_path / "board") == token and len(token) >= 20
    assert board.board_token(tmp_path / "other") != token
    published = [chapter.number for chapter in chapters.published()]
    assert board.Verdicts(tmp_path / "board").record(board.clean(VERDICT, published))
    assert list(board.Verdicts(tmp_path / "board").learners) == ["intruder"]  # what app() reads when it starts
    (tmp_path / "board" / board.VERDICTS_FILE).write_text("{not json")
    assert board.Verdicts(tmp_path / "board").learners == {}  # a damaged file does not stop the board


def test_a_port_in_use_is_refused_in_a_sentence(live):
    with pytest.raises(KitError, match="Impossible d'écouter sur 127.0.0.1"):
        board.listening_socket("127.0.0.1", int(live.url.rsplit(":", 1)[1]))
    with pytest.raises(KitError, match="port 99999.*de 1 à 65535"):  # not port 34463, its remainder
        board.listening_socket("127.0.0.1", 99999)
    ipaddress.ip_address(board.lan_address())  # an address learners can be given, found without a network


# --- A learner's side: joining, leaving, sending (or not) ------------------------------------------------

def kit_command(*args, env=None):
    return subprocess.run([sys.executable, "-m", "kit", *map(str, args)], cwd=KIT_ROOT, env=kit_env(env),
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def learner_env(monkeypatch):
    """The test process's environment without any board: what a learner has before joining."""
    for name in BOARD_VARIABLES:
        monkeypatch.delenv(name, raising=False)


REFUSALS = {  # board-join's arguments (the board and the token: None for the live one's) -> what it says
    "missing workspace": ("missing", None, None, "Pas d'espace de travail dans"),
    "not an http address": ("workspace", "ftp://192.168.1.20:8765", None, "doit commencer par http:// ou https://"),
    "no address": ("workspace", "", None, "doit commencer par http:// ou https://"),
    "an empty token": ("workspace", None, " ", "TOKEN est vide"),
    "a wrong token": ("workspace", None, "wrong", "refuse ce jeton"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_joining_is_refused_clearly(live, tiny, learner_env, case):
    where, url, token, said = REFUSALS[case]
    workspace = tiny.path if where == "workspace" else tiny.path.parent / "missing"
    proc = kit_command("board-join", live.url if url is None else url, live.token if token is None else token,
                       "--workspace", workspace)
    assert proc.returncode == 1 and said in proc.stderr and "Traceback" not in proc.stderr
    assert state.load(tiny.path, board_client.STATE) == {} and not (tiny.path.parent / "missing").exists()


def test_the_name_sent_is_the_learners_own(tiny, learner_env):
    """The workspace's git user.name, unless it is the kit's default identity (in either language): then the login."""
    tiny.sh("git config user.name 'Camille Martin'")
    assert board_client.default_name(tiny.path) == "Camille Martin"
    for language in lang.LANGUAGES:
        tiny.sh(f"git config user.name '{lang.localised(lang.INTERFACE, language)['workspace']['identity_name']}'")
        assert board_client.default_name(tiny.path) == board_client.clean_name(getpass.getuser())


def test_nothing_is_sent_without_a_board(tiny, learner_env, monkeypatch):
    started = []
    monkeypatch.setattr(board_client.subprocess, "Popen",
                        lambda *a, **k: started.append(a) or SimpleNamespace(stdin=io.BytesIO()))
    verdict = result(TITLES, 1)
    assert not board_client.send(chapters.get("05"), tiny.path, verdict)  # never joined
    state.save(tiny.path, board_client.STATE, {"url": "http://127.0.0.1:9", "token": "t", "learner": "a"})
    monkeypatch.setenv(board_client.URL_VARIABLE, board_client.OFF)  # what make grade sets
    assert not board_client.send(chapters.get("05"), tiny.path, verdict)
    monkeypatch.delenv(board_client.URL_VARIABLE)
    state.save(tiny.path, board_client.STATE, {})  # make board-leave
    assert not board_client.send(chapters.get("05"), tiny.path, verdict) and started == []
    state.save(tiny.path, board_client.STATE, {"url": "http://127.0.0.1:9", "token": "t", "learner": "a"})
    assert board_client.send(chapters.get("05"), tiny.path, verdict) and len(started) == 1  # joined: sent


def test_a_board_down_or_silent_changes_nothing_in_a_check(tiny, learner_env):
    """The same exit code and output with a board that is down (a closed port) and with one that accepts the
    connection but never answers; the check returns while that board still holds the sender's connection."""
    plain = tiny.check()
    assert plain.returncode == 1 and "0/16" in plain.output
    board_of = {board_client.TOKEN_VARIABLE: "secret", board_client.LEARNER_VARIABLE: "ada"}
    down = tiny.check(env={board_client.URL_VARIABLE: f"http://127.0.0.1:{free_port()}", **board_of})
    assert (down.returncode, down.output) == (plain.returncode, plain.output)
    with socket.create_server(("127.0.0.1", 0)) as silent:
        silent.settimeout(30)
        port = silent.getsockname()[1]
        held = tiny.check(env={board_client.URL_VARIABLE: f"http://127.0.0.1:{port}", **board_of})
        assert (held.returncode, held.output) == (plain.returncode, plain.output)
        connection, _ = silent.accept()  # the sender, started by the check that has returned
        with connection:
            request, deadline = b"", time.monotonic() + 20
            connection.settimeout(1)
            while b'"chapter": "05"' not in request and time.monotonic() < deadline:
                try:
                    request += connection.recv(65536)
                except TimeoutError:
                    pass
            assert request.startswith(b"POST /api/verdict") and b"Bearer secret" in request and b'"ada"' in request
            connection.setblocking(False)
            with pytest.raises(BlockingIOError):  # still open, still waiting for an answer (b"" once it gave up)
                connection.recv(1)


def test_a_joined_check_posts_its_verdict_and_grading_does_not(live, tiny, learner_env, tmp_path):
    """make board-join, then make check-chapter05: the board has the verdict under the learner's name. The
    same workspace graded by make grade (its kit state copied with it) posts nothing; make board-leave forgets."""
    proc = subprocess.run(["make", "-s", "board-join", f"WORKSPACE={tiny.path}", f"BOARD={live.url}/",
                           f"TOKEN={live.token}"], cwd=KIT_ROOT, env=kit_env({"NAME": "the-machine"}),
                          capture_output=True, text=True, timeout=120)
    name = board_client.default_name(tiny.path)  # NAME from the environment (WSL sets it) is not the learner's
    assert proc.returncode == 0 and f"{live.url}, sous le nom « {name} »" in proc.stdout and name != "the-machine"
    assert state.load(tiny.path, board_client.STATE) == {"url": live.url, "token": live.token, "learner": name}
    verdict = tiny.check()
    kept = live.wait_for(lambda learners: name in learners)[name]["05"]
    assert kept["score"] == 0 and kept["total"] == len(verdict.checks) == 16
    assert [check["status"] for check in kept["checks"]] == [check.status for check in verdict.checks.values()]
    assert [check["title"] for check in kept["checks"]] == [check.title for check in verdict.checks.values()]

    received = kept["received"]
    (tmp_path / "root").mkdir()
    shutil.copytree(tiny.path, tmp_path / "subs" / "zoe", symlinks=True)
    assert state.load(tmp_path / "subs" / "zoe", board_client.STATE)["token"] == live.token
    grade = grading.grade_one(chapters.get("05"), "zoe", tmp_path / "subs" / "zoe", tmp_path / "root",
                              sandboxed=jail.problem() is None)
    assert grade.problem is None and len(grade.checks) == 16  # judged...
    time.sleep(3)  # ...and a post, had one started, would have arrived by now
    assert live.learners()[name]["05"]["received"] == received

    left = kit_command("board-leave", "--workspace", tiny.path)
    assert left.returncode == 0 and "ne sont plus envoyés" in left.stdout
    assert board_client.destination(tiny.path) is None


def test_the_readme_states_the_boards_real_numbers():
    """The README's figures about the board (refresh, bounds) are the code's own, in both languages."""
    french = (KIT_ROOT / "README.md").read_text(encoding="utf-8")
    english = (KIT_ROOT / "README.en.md").read_text(encoding="utf-8")
    seconds = board.POLL_MS / 1000
    assert f"toutes les {seconds:g}".replace(".", ",") + " secondes" in french
    assert f"every {seconds:g} seconds" in english
    for text, words in ((french, ("{} caractères", "{} vérifications au plus", "{} Kio")),
                        (english, ("{} characters", "at most {} checks", "{} KiB"))):
        for word, number in zip(words, (board_client.MAX_NAME, board_client.MAX_CHECKS, board_client.MAX_BODY // 1024)):
            assert word.format(number) in " ".join(text.split()), word.format(number)
