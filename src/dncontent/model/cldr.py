"""Locale-aware formatting from CLDR, through Babel: dates, "or" lists, numbers and ranges, unit words, language names.

Labels keep wording only; everything a locale's conventions decide (month names, the word and commas of a
list, digits) comes from here, so a new locale needs no hand-kept month names or joiners.
"""

from __future__ import annotations

import datetime
from functools import cache

# CLDR's number-range pattern is "{0}–{1}" for English, Spanish and most locales; Babel does not expose
# CLDR's range patterns, so the pattern is kept here and the numbers themselves come from Babel.
RANGE_PATTERN = "{0}\u2013{1}"


@cache
def babel_locale(tag: str):
    """The Babel locale for a BCP 47 tag such as en, es, es-419 or zh-Hant."""
    from babel import Locale

    return Locale.parse(tag, sep="-")


def format_date(iso: str, tag: str) -> str:
    """An ISO date the locale's way: November 20, 2026; 20 de noviembre de 2026."""
    from babel.dates import format_date as babel_format_date

    return babel_format_date(datetime.date.fromisoformat(iso), "long", locale=babel_locale(tag))


def join_or(words: list[str], tag: str) -> str:
    """Alternatives joined the locale's way: a, b, or c; a, b o c."""
    from babel.lists import format_list

    return format_list(list(words), style="or", locale=babel_locale(tag)) if words else ""


def number(value: int, tag: str) -> str:
    """A number with the locale's digits and grouping: 15, 1,200; 1.200."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=babel_locale(tag))


def number_range(low: int, high: int, tag: str) -> str:
    """A range of numbers with the locale's digits: 15–30."""
    return RANGE_PATTERN.format(number(low, tag), number(high, tag))


def minute_words(tag: str) -> tuple[str, ...]:
    """The words the locale writes after a number of minutes, from CLDR's unit names: minutes, minute, min."""
    from babel.units import format_unit

    words = []
    for length in ("long", "short"):
        for count in (1, 2, 5, 11):  # one of each plural form the languages we know have
            shown = format_unit(count, "duration-minute", length=length, locale=babel_locale(tag))
            numeral = number(count, tag)
            if numeral in shown and shown.startswith(numeral):
                word = shown[len(numeral) :].strip(" \u00a0\u202f").rstrip(".")
                if len(word) > 1:  # a one-letter abbreviation would match too much
                    words.append(word)
    return tuple(dict.fromkeys(words))


def language_name(tag: str) -> str:
    """The language's own name, as a reader of it would look for it in a language menu: English, Español."""
    name = babel_locale(tag).get_display_name(babel_locale(tag)) or tag
    return name[:1].upper() + name[1:]


def direction(tag: str) -> str:
    """ltr or rtl, from CLDR's character order."""
    return "rtl" if babel_locale(tag).character_order == "right-to-left" else "ltr"
