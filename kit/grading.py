"""Class grading: `make grade CHAPTER=NN SUBMISSIONS=dir [GRADES=dir] [SHARD=k/N] [FORCE=1]`.

Each entry of SUBMISSIONS is one learner (kit/submissions.py): a workspace
folder with its sibling remotes, a bare git repository or a git bundle. Each is
judged in a throwaway copy by its own `python -m kit check` process, up to one
per core at once; the learner's own code runs in the grading sandbox
(kit/jail.py), and a watchdog stops a submission past its time, process or disk
limit. A broken, hanging or hostile submission gets its verdict and never stops
the others.

Reports (kit/reports.py) go to GRADES (default grades/chapterNN-<date>). Run
again into the same GRADES, a submission whose fingerprint has not changed keeps
its grade (FORCE=1 grades everyone again). SHARD=k/N grades a deterministic Nth
of the class into GRADES/shards/; `make grade-merge GRADES=dir` joins the shards
into the same reports as one run.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

from checks.result import ChapterResult
from kit import KIT_ROOT, board_client, jail, lang, limits, progress, reports, submissions
from kit.reports import Grade
from kit.shell import kit_env

TIME_LIMIT = int(os.environ.get("GRADE_TIME_LIMIT", "300"))  # seconds per submission
MEMORY_LIMIT = int(os.environ.get("GRADE_MEMORY_LIMIT_MB", "8192"))  # address space of the checker
PROCESS_LIMIT = int(os.environ.get("GRADE_PROCESS_LIMIT", "256"))  # processes of one submission at once
CHECKER_PROCESSES = 16  # the checker's own, beside the learner's
FILE_LIMIT_MB = jail.FILE_MB  # the largest file a learner's command may write
DISK_LIMIT_MB = int(os.environ.get("GRADE_DISK_LIMIT_MB", "4096"))  # what one submission's grading may write
WATCH_EVERY, DISK_EVERY = 0.2, 2.0  # seconds between two looks at a submission's processes, at its disk use
# Git runs no command that a learner's repository configures (a hook, an fsmonitor, an ext:: transport).
SAFE_GIT = {"GIT_CONFIG_COUNT": "3", "GIT_CONFIG_KEY_0": "core.fsmonitor", "GIT_CONFIG_VALUE_0": "false",
            "GIT_CONFIG_KEY_1": "core.hooksPath", "GIT_CONFIG_VALUE_1": "/dev/null",
            "GIT_CONFIG_KEY_2": "protocol.ext.allow", "GIT_CONFIG_VALUE_2": "never"}
SHARDS = "shards"  # GRADES's folder of partial results
METRIC_FILE_BYTES = 1_000_000  # a metrics file larger than this is not read


def kill_tree(pid):
    """Kill a process and all its descendants (the checker starts DVC in sessions of their own)."""
    for process in _family(pid):
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass


def _family(pid):
    try:
        parent = psutil.Process(pid)
        return parent.children(recursive=True) + [parent]
    except psutil.NoSuchProcess:
        return []


def _disk_use(folder):
    """Bytes written in `folder` (each file once, hard links included)."""
    seen, total = set(), 0
    for root, _, files in os.walk(folder):
        for name in files:
            try:
                info = os.lstat(os.path.join(root, name))
            except OSError:
                continue
            if (info.st_dev, info.st_ino) not in seen:
                seen.add((info.st_dev, info.st_ino))
                total += info.st_blocks * 512
    return total


def watch(proc, folder):
    """Wait for the checker `proc`, stopping it (and all it started) at the first limit it passes: time,
    processes, disk written in `folder`. The reason it was stopped (a sentence), or None."""
    started = last_disk = time.monotonic()
    while True:
        try:
            proc.wait(timeout=WATCH_EVERY)
            return None
        except subprocess.TimeoutExpired:
            pass
        now, reason = time.monotonic(), None
        if now - started > TIME_LIMIT:
            reason = lang.say("grade", "time_limit", seconds=TIME_LIMIT)
        elif len(_family(proc.pid)) >= PROCESS_LIMIT:
            reason = lang.say("grade", "process_limit", count=PROCESS_LIMIT)
        elif now - last_disk > DISK_EVERY:
            last_disk = now
            if _disk_use(folder) > DISK_LIMIT_MB * 1024 * 1024:
                reason = lang.say("grade", "disk_limit", megabytes=DISK_LIMIT_MB)
        if reason:
            kill_tree(proc.pid)
            proc.wait()
            return reason


def checker_env(folder, sandbox):
    """The checker's environment: its temporary files in the learner's folder, the sandbox for the learner's
    commands, git told never to run a command that a repository's own configuration names, and no class
    board (a submission joined to one keeps its address: grading never posts there)."""
    env = kit_env({"TMPDIR": str(folder / "tmp"), **SAFE_GIT, board_client.URL_VARIABLE: board_client.OFF})
    if sandbox:
        env[jail.VARIABLE] = sandbox.to_env()
    return env


def grade_one(chapter, learner, entry, root, hidden=(), sandboxed=True):
    """Judge one submission in its own folder under `root` (the grading's private folder)."""
    start = time.perf_counter()
    grade = Grade(learner)
    folder = Path(tempfile.mkdtemp(prefix="g", dir=root))  # short: a Unix socket's path lives under it
    report = folder.with_suffix(".json")  # beside the folder, outside the sandbox: learner code cannot reach it
    (folder / "tmp").mkdir()
    sandbox = jail.Jail(str(folder), hidden=[str(root), *map(str, hidden)], file_mb=FILE_LIMIT_MB) if sandboxed else None
    # A hard cap on the submission's processes where the system has one (the watchdog stops it there).
    cgroup = limits.make_cgroup(f"kit-grade-{os.getpid()}-{folder.name}", PROCESS_LIMIT + CHECKER_PROCESSES)
    capped = ["--processes", str(PROCESS_LIMIT + CHECKER_PROCESSES)] + (["--cgroup", str(cgroup)] if cgroup else [])
    try:
        copy = submissions.materialise(entry, folder, sandbox)
        proc = subprocess.Popen(
            [sys.executable, "-m", "kit.limits", str(MEMORY_LIMIT), *capped, "--",
             sys.executable, "-m", "kit", "check", chapter.number, "--workspace", str(copy), "--report", str(report)],
            cwd=KIT_ROOT, env=checker_env(folder, sandbox), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        stopped = watch(proc, folder)
        if stopped:
            raise ValueError(stopped)
        if not report.exists():
            raise ValueError(lang.say("grade", "checker_died", code=proc.returncode))
        grade.checks = ChapterResult.load(report).checks
        grade.metric = metric_value(chapter, copy)
    except ValueError as error:
        grade.problem = str(error)
    finally:
        limits.remove_cgroup(cgroup)
        shutil.rmtree(folder, ignore_errors=True)
        report.unlink(missing_ok=True)
    grade.seconds = time.perf_counter() - start
    return grade


def metric_value(chapter, project):
    """The number the chapter's manifest names as its graded metric (a key of a JSON file), or None."""
    if not chapter.metric:
        return None
    path = project / chapter.metric["file"]
    try:
        if not path.is_file() or path.stat().st_size > METRIC_FILE_BYTES:  # learner-made: maybe a device, or huge
            return None
        value = json.loads(path.read_text(encoding="utf-8")).get(chapter.metric["key"])
    except (OSError, ValueError, AttributeError):
        return None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def fingerprint(chapter, entry):
    """A hash of a submission (every file's path, size and modification time, its siblings' too; no command run
    on it) and of what judges it (the chapter's checks, the kit's language): unchanged, its grade stands."""
    digest = hashlib.sha256(f"{chapter.number}\0{progress.checks_version(chapter)}\0{lang.chosen()}".encode())
    for path in [entry, *(submissions.siblings(entry) if entry.is_dir() else [])]:
        if path.is_dir():
            progress.digest_files(digest, path, prefix=path.name, stat=os.lstat)
        else:  # a bundle or a file that is not a submission
            info = os.lstat(path)
            digest.update(f"{path.name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def in_shard(learner, shard):
    """Whether `learner` is in shard (k, N): the same learners in every run, whatever else the class holds."""
    index, total = shard
    return int(hashlib.sha256(learner.encode()).hexdigest(), 16) % total == index - 1


def parse_shard(text):
    """"k/N" -> (k, N); ValueError with the kit's sentence if it is not a shard."""
    try:
        index, total = (int(part) for part in text.split("/"))
        if 1 <= index <= total:
            return index, total
    except ValueError:
        pass
    raise ValueError(lang.say("grade", "bad_shard", shard=text))


def previous_grades(out, chapter):
    """{learner: Grade} of earlier runs into `out` for this chapter (its report and its shards)."""
    found = {}
    for path in [Path(out) / reports.GRADES_FILE, *sorted((Path(out) / SHARDS).glob("*.json"))]:
        try:
            number, grades, _ = reports.load(path)
        except ValueError:
            continue
        if number == chapter.number:
            found.update({grade.learner: grade for grade in grades if grade.fingerprint})
    return found


def grade_all(chapter, folder, jobs=None, out=None, sandboxed=True, shard=None, force=False):
    """Every submission of `folder` (of `shard` only, if given) judged, up to `jobs` at once, except those whose
    fingerprint matches their grade of an earlier run into `out` (unless `force`); what the learners' code
    cannot see: the submissions folder and the reports' (`out`)."""
    entries = [(learner, entry) for learner, entry in submissions.collect(folder)
               if shard is None or in_shard(learner, shard)]
    earlier = {} if force or out is None else previous_grades(out, chapter)
    hidden = [Path(folder).resolve()] + ([Path(out).resolve()] if out else [])

    def judged(item):
        learner, entry = item
        stamp = fingerprint(chapter, entry)
        if learner in earlier and earlier[learner].fingerprint == stamp:
            return earlier[learner]
        grade = grade_one(chapter, learner, entry, root=Path(root), hidden=hidden, sandboxed=sandboxed)
        grade.fingerprint = stamp
        return grade

    with tempfile.TemporaryDirectory(prefix="kit-grade-") as root, \
            ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
        return sorted(pool.map(judged, entries), key=lambda grade: grade.learner)


def grade(chapter, folder, out=None, jobs=None, shard=None, force=False):
    """`make grade`: judge the class (or one shard of it) and write the reports (or the shard's partial result)."""
    folder = Path(folder)
    if not folder.is_dir():
        print(lang.say("grade", "not_a_folder", folder=folder))
        return 2
    try:
        shard = parse_shard(shard) if shard else None
    except ValueError as error:
        print(error)
        return 2
    sandboxed = os.environ.get("GRADE_UNSAFE", "") != "1"
    if sandboxed and jail.problem():
        print(lang.say("grade", "no_sandbox", problem=jail.problem()))
        return 2
    if not sandboxed:
        print(lang.say("grade", "unsafe"))
    out = Path(out) if out else KIT_ROOT / "grades" / f"chapter{chapter.number}-{time.strftime('%Y%m%d-%H%M%S')}"
    start = time.perf_counter()
    grades = grade_all(chapter, folder, jobs, out=out, sandboxed=sandboxed, shard=shard, force=force)
    done = lang.say("grade", "done", count=len(grades), seconds=f"{time.perf_counter() - start:.0f}",
                    passed=sum(g.passed for g in grades), problems=sum(bool(g.problem) for g in grades))
    if shard:
        (out / SHARDS).mkdir(parents=True, exist_ok=True)
        reports.save(out / SHARDS / f"shard-{shard[0]}-of-{shard[1]}.json", chapter, grades, shard=list(shard))
        print(done)
        print(lang.say("grade", "shard_saved", shard=f"{shard[0]}/{shard[1]}", out=out))
        return 0
    reports.write_reports(chapter, grades, out)
    print(done)
    print(lang.say("grade", "reports", out=out))
    return 0


def merge(chapter, out):
    """`make grade-merge`: the shards of GRADES joined into the reports one run would have written."""
    out = Path(out)
    parts = sorted((out / SHARDS).glob("*.json"))
    grades, seen, total = {}, set(), None
    for path in parts:
        try:
            number, shard_grades, extra = reports.load(path)
        except ValueError as error:
            print(lang.say("grade", "bad_partial", path=path, problem=error))
            return 2
        if number != chapter.number:
            print(lang.say("grade", "other_chapter", path=path, chapter=number))
            return 2
        index, of = extra.get("shard", (0, 0))
        if total not in (None, of):
            print(lang.say("grade", "mixed_shards", out=out / SHARDS))
            return 2
        total = of
        seen.add(index)
        grades.update({grade.learner: grade for grade in shard_grades})
    missing = [f"{index}/{total}" for index in range(1, (total or 0) + 1) if index not in seen]
    if not parts or missing:
        print(lang.say("grade", "shards_missing", out=out / SHARDS, missing=", ".join(missing) or "1/N"))
        return 2
    merged = [grades[learner] for learner in sorted(grades)]
    reports.write_reports(chapter, merged, out)
    print(lang.say("grade", "merged", shards=total, count=len(merged), passed=sum(g.passed for g in merged)))
    print(lang.say("grade", "reports", out=out))
    return 0
