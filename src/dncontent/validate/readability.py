"""Flesch-Kincaid reading grades from textstat, remembered between runs so `validate` on save stays fast.

textstat counts syllables with the CMU pronouncing dictionary, which takes most of a second to load. Grades
only change when the text does, so each grade is kept in a small cache keyed by a hash of the text; a run
whose text is unchanged never imports textstat.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

_VERSION = "fk-1"  # bump to invalidate cached grades when the way they are computed changes


def _cache_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dncontent" / "reading-grades.json"


def _key(text: str) -> str:
    return hashlib.sha256(f"{_VERSION}\0{text}".encode("utf-8")).hexdigest()[:32]


def grades(texts: list[str]) -> list[float]:
    """The Flesch-Kincaid grade of each text, rounded to one decimal."""
    path = _cache_file()
    try:
        cache = json.loads(path.read_text("utf-8"))
        if not isinstance(cache, dict):
            cache = {}
    except (OSError, ValueError):
        cache = {}
    keys = [_key(text) for text in texts]
    missing = [(key, text) for key, text in zip(keys, texts) if not isinstance(cache.get(key), (int, float))]
    if missing:
        import textstat

        for key, text in missing:
            cache[key] = round(float(textstat.flesch_kincaid_grade(text)), 1)
        _store(path, {key: cache[key] for key in keys} | {k: v for k, v in list(cache.items())[-500:]})
    return [cache[key] for key in keys]


def _store(path: Path, cache: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(cache), "utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home only costs speed
