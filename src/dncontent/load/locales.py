"""Locale folder names: BCP 47 tags (en, es-419, pt-BR, zh-Hant, sr-Latn-RS) that Babel's CLDR data knows."""

from __future__ import annotations

EXAMPLES = "en, es-419, pt-BR or zh-Hant"


def canonical_tag(language: str, territory: str | None, script: str | None, variant: str | None) -> str:
    """A tag in BCP 47's conventional case: language lower, Script title, REGION upper, variants lower."""
    parts = [language.lower()]
    if script:
        parts.append(script.title())
    if territory:
        parts.append(territory.upper())
    if variant:
        parts.append(variant.lower())
    return "-".join(parts)


def locale_problem(tag: str) -> tuple[str, str] | None:
    """None when `tag` is a usable locale tag; otherwise (message, hint) saying what to write instead.

    Babel parses the tag and must know the locale (its dates, lists and numbers come from CLDR), and the
    folder name must be written the conventional way, so file names and the export's `locale` agree. A tag
    found usable is remembered in the artifact cache (under Babel's version), so `validate` need not load Babel.
    """
    from .. import cache

    store = cache.remembered()
    key = store.key("locale-tag", tag)
    if store.get(key, []) is not None:
        return None
    problem = _babel_problem(tag)
    if problem is None:
        store.put(key, [])
    return problem


def _babel_problem(tag: str) -> tuple[str, str] | None:
    from babel import Locale, UnknownLocaleError
    from babel.core import parse_locale

    if any(mark in tag for mark in "_.@"):  # a POSIX locale name such as es_ES, en_US.UTF-8 or ca_ES@valencia
        try:
            hint = f"rename the folder to {canonical_tag(*parse_locale(tag.replace('_', '-'), sep='-')[:4])}"
        except ValueError:
            hint = f"name locale folders with BCP 47 tags, e.g. {EXAMPLES}"
        return f"{tag!r} is not a BCP 47 locale tag (those join their parts with hyphens)", hint
    try:
        parts = parse_locale(tag, sep="-")
        Locale.parse(tag, sep="-")
    except (ValueError, UnknownLocaleError):
        return (f"{tag!r} is not a locale tag Babel knows", f"name locale folders with BCP 47 tags, e.g. {EXAMPLES}")
    canonical = canonical_tag(*parts[:4])
    if canonical != tag:
        return f"{tag!r} is not written the conventional way", f"rename the folder to {canonical}"
    return None
