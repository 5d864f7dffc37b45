"""Where a learner stands: `make status` and `make watch-chapterNN`.

A chapter's verdict is cached (in the kit's .kit-state/, never in the
workspace) against a fingerprint of the workspace (git state, refs and every
file's size and modification time) and of the checks themselves (the checks/
code and the chapter's manifest). Nothing changed, nothing re-run.
"""

import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from kit import KIT_ROOT, chapters, checker
from kit.shell import git

CACHE = KIT_ROOT / ".kit-state" / "verdicts.json"
CHECKS = KIT_ROOT / "checks"
SKIPPED = {".git", ".dvc/tmp", ".dvc/cache"}  # git and DVC bookkeeping, summed up by the git state below


def fingerprint(workspace):
    """A hash that changes whenever anything a check could look at changes."""
    workspace = Path(workspace)
    digest = hashlib.sha256()
    if (workspace / ".git").is_dir():
        for args in (("rev-parse", "HEAD"), ("for-each-ref",), ("status", "--porcelain"), ("stash", "list")):
            digest.update(git(workspace, *args, check=False).encode())
    for root, dirs, files in os.walk(workspace):
        rel = Path(root).relative_to(workspace)
        dirs[:] = sorted(d for d in dirs if (rel / d).as_posix() not in SKIPPED)
        for name in sorted(files):
            try:
                stat = (Path(root) / name).stat()
            except OSError:
                continue
            digest.update(f"{rel / name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def checks_version(chapter):
    """A hash of what judges the chapter: every module of checks/ and the chapter's manifest."""
    digest = hashlib.sha256()
    for path in sorted(CHECKS.glob("*.py")) + [chapter.folder / "chapter.toml"]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _load_cache():
    try:
        return json.loads(CACHE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def verdict(chapter, workspace, print_checks=False):
    """{"passed": bool, "failures": [titles]} for a chapter, from the cache when nothing changed."""
    workspace = Path(workspace).resolve()
    key = f"{workspace}:{chapter.number}"
    current = f"{fingerprint(workspace)}:{checks_version(chapter)}"
    cache = _load_cache()
    if not print_checks and cache.get(key, {}).get("fingerprint") == current:
        return cache[key]
    with tempfile.TemporaryDirectory() as tmp, open(os.devnull, "w", encoding="utf-8") as devnull:
        report = Path(tmp) / "report.json"
        checker.check(chapter, workspace, report=report, stream=sys.stdout if print_checks else devnull)
        data = json.loads(report.read_text(encoding="utf-8"))
    result = {"fingerprint": current, "passed": data["passed"],
              "failures": [c["title"] for c in data["checks"] if c["status"] == "failed"]}
    cache[key] = result
    CACHE.parent.mkdir(exist_ok=True)
    CACHE.write_text(json.dumps(cache, ensure_ascii=False, indent=1), encoding="utf-8")
    return result


def kit_start(workspace):
    """The latest chapter whose start the kit built in this workspace (its chapterNN tag), or None."""
    tags = git(workspace, "tag", "--list", "chapter[0-9][0-9]", check=False).split()
    return max((tag[len("chapter"):] for tag in tags), default=None)


def status(workspace):
    """Print one line per chapter: passed, to do, not started; then what is next. Return 0 if all passed."""
    workspace = Path(workspace)
    if not (workspace / ".git").is_dir():
        print(f"Pas d'espace de travail dans {workspace}. Commencez par : make start-chapter01")
        return 1
    start = kit_start(workspace) or "01"
    print(f"Progression dans {workspace.resolve()} :\n")
    blocked = None
    for chapter in chapters.published():
        if chapter.number < start:
            line = "✔ fourni par le kit (point de départ d'un chapitre suivant)"
        elif blocked:
            line = "· pas commencé"
        else:
            result = verdict(chapter, workspace)
            if result["passed"]:
                line = "✔ réussi"
            else:
                blocked = chapter
                line = f"✘ à terminer (en échec : {result['failures'][0] if result['failures'] else '?'})"
        print(f"  {chapter.number}  {chapter.title:<36} {line}")
    print()
    if blocked:
        print(f"Prochaine étape : chapters/{blocked.name}/README.md, puis make check-chapter{blocked.number} "
              f"(un indice : make hint-chapter{blocked.number}).")
        return 1
    print("Tous les chapitres sont réussis. Bravo !")
    return 0


def watch(chapter, workspace, interval=1.0, quiet_period=1.0, runs=None):
    """Re-run the chapter's checks whenever the workspace changes (debounced); Ctrl-C stops."""
    workspace = Path(workspace)
    seen, done = None, 0
    try:
        while runs is None or done < runs:
            current = fingerprint(workspace)
            if current != seen:
                time.sleep(quiet_period)  # wait for the editor to finish saving
                if fingerprint(workspace) != current:
                    continue
                print("\033[2J\033[H", end="")  # clear the screen
                verdict(chapter, workspace, print_checks=True)
                print(f"\nJe surveille {workspace} : les vérifications repartent à chaque modification. "
                      "Ctrl-C pour arrêter.")
                seen, done = current, done + 1
            time.sleep(interval)
    except KeyboardInterrupt:
        print("\nSurveillance arrêtée.")
    return 0
