"""Flesch-Kincaid reading grades from textstat, remembered between runs so `validate` on save stays fast.

textstat counts syllables with the CMU pronouncing dictionary, which takes most of a second to load. Grades
only change when the text does, so each grade is kept in a small cache keyed by a hash of the text; a run
whose text is unchanged never imports textstat.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

_VERSION = "fk-1"  # bump to invalidate cached grades when the way they are computed changes


MAX_CACHE_BYTES = 1_000_000  # 500 grades take about 30 KB


def _cache_file() -> Path | None:
    """Where grades are kept, or None when there is nowhere: no home folder (HOME unset and the user not in
    /etc/passwd). A relative XDG_CACHE_HOME is ignored, as the XDG specification says."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        try:
            base = Path.home() / ".cache"
        except (RuntimeError, KeyError, OSError):
            return None
    return Path(base) / "dncontent" / "reading-grades.json"


def _load(path: Path | None) -> dict:
    """The cached grades, or none when the cache is missing, unreadable, damaged or not a plain file (a FIFO
    there would block a plain read forever)."""
    if path is None:
        return {}
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        with open(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return {}
            cache = json.loads(fh.read(MAX_CACHE_BYTES + 1))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(cache, dict):
        return {}
    return {key: grade for key, grade in cache.items() if type(grade) in (int, float)}


def _key(text: str) -> str:
    return hashlib.sha256(f"{_VERSION}\0{text}".encode("utf-8")).hexdigest()[:32]


def grades(texts: list[str]) -> list[float]:
    """The Flesch-Kincaid grade of each text, rounded to one decimal."""
    path = _cache_file()
    cache = _load(path)
    keys = [_key(text) for text in texts]
    missing = [(key, text) for key, text in zip(keys, texts) if key not in cache]
    if missing:
        import textstat

        for key, text in missing:
            cache[key] = round(float(textstat.flesch_kincaid_grade(text)), 1)
        _store(path, {key: cache[key] for key in keys} | {k: v for k, v in list(cache.items())[-500:]})
    return [cache[key] for key in keys]


def _store(path: Path | None, cache: dict) -> None:
    if path is None:
        return
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(cache), "utf-8")
        os.replace(tmp, path)
    except OSError:  # a read-only or full disk only costs speed, and leaves nothing behind
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
