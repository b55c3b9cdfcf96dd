"""Facts in text: values typed once (the session length, the clinic's phone) that text draws in by placeholder.

Prose (page.yaml, session.yaml, the lists and the calls to action) and text messages may write:

  {session_minutes.min}  the shortest typical session in minutes, with the locale's digits: 15
  {session_minutes.max}  the longest: 30
  {session_minutes}      the two as a range, the locale's way: 15–30
  {phone}                the clinic's phone number (brand.yaml), formatted for people: (212) 555-0123

The model fills them in, so every channel (page, brochure, export, text messages) shows the same value,
and a change to the fact changes every one of them. Translations keep the placeholders as they are.
"""

from __future__ import annotations

import contextlib
import json
import re

from . import cldr

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")  # whatever is between braces, so a misspelt name is caught, not kept
NAMES = ("session_minutes.min", "session_minutes.max", "session_minutes", "phone")
MEANINGS = {
    "session_minutes.min": "the shortest typical session in minutes, e.g. 15",
    "session_minutes.max": "the longest typical session in minutes, e.g. 30",
    "session_minutes": "the session length in minutes as a range, e.g. 15-30",
    "phone": "the clinic's phone number, formatted for people",
}


def values(locale: str, low: int, high: int, phone: str | None) -> dict[str, str]:
    """What each placeholder stands for in `locale`: numbers with its digits; the phone as people read it."""
    found = _numbers(locale, low, high)
    if phone:
        found["phone"] = phone
    return found


def _numbers(locale: str, low: int, high: int) -> dict[str, str]:
    """The session length's numbers as `locale` writes them, from CLDR; remembered in the artifact cache (under
    Babel's version), as the composed text messages are, so that `validate` need not load CLDR's data."""
    from .. import cache

    store = cache.remembered()
    key = store.key("facts", locale, str(low), str(high))
    slot = (f"facts/{locale}", "facts", locale, "numbers")
    entry = store.get(key, [slot])
    if entry is not None:
        with contextlib.suppress(ValueError):
            kept = json.loads(entry.parts[0].data)
            if isinstance(kept, dict) and tuple(kept) == NAMES[:3] and all(isinstance(v, str) for v in kept.values()):
                return kept
    numbers = {
        "session_minutes.min": cldr.number(low, locale),
        "session_minutes.max": cldr.number(high, locale),
        "session_minutes": cldr.number_range(low, high, locale),
    }
    store.put(key, [cache.Part(*slot, json.dumps(numbers).encode("utf-8"))])
    return numbers


def fill(text: str, facts: dict[str, str]) -> str:
    """`text` with each fact placeholder replaced; anything else in braces is left for validation to report."""
    if "{" not in text:
        return text
    return PLACEHOLDER.sub(lambda m: facts.get(m.group(1), m.group(0)), text)


def placeholder_list() -> str:
    return ", ".join("{" + name + "}" for name in NAMES)
