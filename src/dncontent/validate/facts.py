"""Facts typed once: the session length (the source locale's session.yaml) and the phone number (brand.yaml).

Every locale inherits them, so validation refuses a second copy that drifts: `facts` in a translated locale
that differ from the source's (a copy that agrees, as a new locale copied from en/ has, gets an info line),
prose that states the session length in digits the fact does not have, a tel: link that dials another number
than brand.yaml's `phone`, and placeholders that are not facts (model/facts.py names them).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from ..errors import Problem
from ..governance.units import locale_units
from ..load import ContentFile
from ..load.yaml_reader import format_path
from ..model import Brand, facts, source_of_facts

# The files whose text may draw in facts; text messages and labels have placeholders of their own.
PROSE_KINDS = ("page", "session", "conditions", "risks", "contraindications", "cta")
STATING_KINDS = ("page", "session")  # prose checked for a session length typed in digits
USE_PLACEHOLDERS = "{session_minutes.min} and {session_minutes.max}"
# What may stand between the two numbers of a range, or between a number and the minute word: dashes and
# the short words of a range (and, to, or; y, a, o; et, à, bis).
_CONNECTOR = re.compile(r"^(?:[-\u2010-\u2015\u2212]|[^\W\d_]{1,3})$")
_TOKEN = re.compile(r"\d+|[^\W\d_]+|[^\w\s]")
_TEL = re.compile(r"tel:\+?[0-9()\-.]+")  # as the schema has it (common.schema.json url)


def _problem(
    file: ContentFile | None,
    path: tuple,
    message: str,
    hint: str = "",
    code: str = "fact",
    key: bool = False,
    at: tuple[int, int] | None = None,
    severity: str = "error",
) -> Problem:
    assert file is not None and file.doc is not None  # problems are found in files that were read
    line, col = at or file.doc.where(path, key=key)
    return Problem(file.display, line, col, format_path(path), message, hint, severity=severity, code=code)


def _data(file: ContentFile | None) -> dict | None:
    return file.doc.data if file and file.doc and isinstance(file.doc.data, dict) else None


def check(files: list[ContentFile]) -> Iterator[Problem]:
    by_key = {(f.locale, f.kind): f for f in files}
    locales = sorted({f.locale for f in files if f.locale})
    source = source_of_facts(locales)
    minutes = yield from _session_facts(by_key, locales, source)
    brand = by_key.get((None, "brand"))
    phone = yield from _brand_phone(brand)
    yield from _links(brand, [by_key.get((locale, "cta")) for locale in locales], phone)
    for locale in locales:
        for kind in PROSE_KINDS + ("sms",):
            file = by_key.get((locale, kind))
            data = _data(file)
            if file is None or data is None:
                continue
            for unit in locale_units({kind: data}):
                if kind == "sms":
                    yield from _phone_placeholder(file, unit.yaml_path, unit.text, phone, brand)
                    continue
                yield from _placeholders(file, unit.yaml_path, unit.text, phone, brand)
                if kind in STATING_KINDS and minutes and re.search(r"\d", unit.text):
                    yield from _stated_minutes(file, unit.yaml_path, unit.text, minutes, locale, source)


# ---------------------------------------------------------------- the session length


def _session_facts(by_key, locales: list[str], source: str | None):
    """Problems with where the facts are; returns the source's (min, max) when it gives them."""
    session = by_key.get((source, "session"))
    data = _data(session)
    minutes = _minutes(data)
    if data is not None and "facts" not in data:
        yield _problem(
            session,
            (),
            f"{source}/session.yaml gives no `facts`: every locale takes the session length from it",
            "add facts: {session_minutes: {min: 15, max: 30}} with the clinic's figures",
            code="missing-fact",
        )
    for locale in locales:
        if locale == source:
            continue
        theirs = by_key.get((locale, "session"))
        own = _data(theirs)
        if own is None or "facts" not in own:
            continue
        stated = _minutes(own)
        if not (minutes and stated):
            continue  # the schema or the check above reports what is missing or malformed
        hint = (
            f"remove `facts` from this file: every locale shows {source}/session.yaml's facts; to change "
            f"the session length, change it there"
        )
        if stated == minutes:
            # a copy of the source's (a new locale starts as a copy of en/): harmless while it agrees
            yield _problem(
                theirs,
                ("facts",),
                f"facts repeat {source}/session.yaml's, which every locale shows",
                hint,
                key=True,
                severity="info",
            )
        else:
            yield _problem(
                theirs,
                ("facts",),
                f"gives session_minutes {stated[0]}-{stated[1]}, but every locale "
                f"shows {source}/session.yaml's {minutes[0]}-{minutes[1]}",
                hint,
                key=True,
            )
    return minutes


def _minutes(data: dict | None) -> tuple[int, int] | None:
    value = ((data or {}).get("facts") or {}) if isinstance((data or {}).get("facts"), dict) else {}
    minutes = value.get("session_minutes")
    if isinstance(minutes, dict) and all(type(minutes.get(k)) is int for k in ("min", "max")):
        return minutes["min"], minutes["max"]
    return None


def _stated_minutes(
    file: ContentFile, path: tuple, text: str, minutes: tuple[int, int], locale: str, source: str | None
) -> Iterator[Problem]:
    """Numbers written just before the locale's word for minutes must be the session length's (a simple check:
    prose in page.yaml and session.yaml that gives a number of minutes is taken to state the session length)."""
    from ..model import cldr

    try:
        words = cldr.minute_words(locale)
    except Exception:  # a locale CLDR has no unit names for is not checked; validation names bad tags elsewhere
        return
    if not words:
        return
    for match in re.finditer(rf"(?<!\w)(?:{'|'.join(map(re.escape, words))})(?!\w)", text, re.IGNORECASE):
        numbers, start = _numbers_before(text, match.start())
        if not numbers or (numbers == list(minutes) if len(numbers) == 2 else numbers[0] in minutes):
            continue
        stated = "-".join(map(str, numbers))
        phrase = text[start : match.end()]
        yield _problem(
            file,
            path,
            f"states the session length as {stated} {match.group(0)} "
            f"({phrase!r}), but the fact in {source}/session.yaml is {minutes[0]}-{minutes[1]}",
            f"write the numbers as the fact's placeholders, {USE_PLACEHOLDERS}, so the text always "
            f"says what the fact says (another length in minutes here reads as the session's: write it "
            f"in words)",
            code="fact-mismatch",
            at=_where_in_text(file, path, phrase),
        )


def _numbers_before(text: str, end: int) -> tuple[list[int], int]:
    """The number (or range of two) that ends right before `end`, and where it starts; ([], end) if none."""
    tokens = list(_TOKEN.finditer(text[:end]))
    numbers: list[int] = []
    start = end
    for token in reversed(tokens):
        value = token.group(0)
        if value.isdecimal():
            numbers.insert(0, int(value))
            start = token.start()
            if len(numbers) == 2:
                break
        elif numbers and _CONNECTOR.match(value):
            continue
        else:
            break
    return numbers, start


def _where_in_text(file: ContentFile, path: tuple, phrase: str, last: bool = False) -> tuple[int, int] | None:
    """The line and column of `phrase` (with `last`, of its last character) inside the text at `path`, which may
    be folded over several lines."""
    assert file.doc is not None  # the text at `path` was read from it
    line, col = file.doc.where(path)
    try:
        lines = file.path.read_text("utf-8-sig").splitlines(keepends=True)
    except (OSError, UnicodeDecodeError):
        return None
    offsets = [0]
    for text in lines:
        offsets.append(offsets[-1] + len(text))
    begin = offsets[line - 1] + col - 1 if line - 1 < len(offsets) else 0
    later = [mark for mark in file.doc.marks.values() if mark > (line, col)]
    stop = offsets[min(later)[0] - 1] if later and min(later)[0] - 1 < len(offsets) else offsets[-1]
    pattern = r"\s+".join(map(re.escape, phrase.split()))
    found = re.compile(pattern).search("".join(lines), begin, stop)
    if not found:
        return None
    at = found.end() - 1 if last else found.start()
    row = max(i for i, offset in enumerate(offsets) if offset <= at)
    return row + 1, at - offsets[row] + 1


# ---------------------------------------------------------------- placeholders in prose


def _placeholders(file: ContentFile, path: tuple, text: str, phone, brand) -> Iterator[Problem]:
    if "{" not in text and "}" not in text:
        return
    for match in facts.PLACEHOLDER.finditer(text):
        name = match.group(1)
        if name not in facts.NAMES:
            guess = difflib.get_close_matches(name, facts.NAMES, n=1)
            yield _problem(
                file,
                path,
                f"unknown placeholder {match.group(0)!r}",
                f"did you mean {{{guess[0]}}}?" if guess else f"text may draw in the facts {facts.placeholder_list()}",
                code="placeholder",
                at=_where_in_text(file, path, match.group(0)),
            )
    yield from _phone_placeholder(file, path, text, phone, brand)
    stray = stray_brace(text, facts.PLACEHOLDER)
    if stray is not None:
        yield _problem(
            file,
            path,
            f"stray brace {text[stray]!r} in the text",
            "write a fact as a placeholder in one pair of braces, e.g. {session_minutes.min}; text cannot show braces",
            code="placeholder",
            at=where_character(file, path, text, stray),
        )


def stray_brace(text: str, placeholder: re.Pattern) -> int | None:
    """Where the first brace in `text` that is not part of a placeholder is, or None."""
    inside = [match.span() for match in placeholder.finditer(text)]
    return next((i for i, ch in enumerate(text) if ch in "{}" and not any(a <= i < b for a, b in inside)), None)


def where_character(file: ContentFile, path: tuple, text: str, index: int) -> tuple[int, int] | None:
    """The line and column of `text[index]` as the file shows the text at `path` (perhaps folded over lines):
    found by the words that lead up to it."""
    words = text[max(0, index - 80) : index + 1].split()[-6:]
    return _where_in_text(file, path, " ".join(words), last=True) if words else None


def _phone_placeholder(file: ContentFile, path: tuple, text: str, phone, brand) -> Iterator[Problem]:
    if "{phone}" in text and phone is None and not _has_phone(brand):
        yield _problem(
            file,
            path,
            "{phone} is the clinic's phone number, and brand.yaml gives none",
            "add the clinic's number to brand.yaml as `phone:`",
            code="missing-fact",
            at=_where_in_text(file, path, "{phone}"),
        )


def _has_phone(brand: ContentFile | None) -> bool:
    return isinstance((_data(brand) or {}).get("phone"), str)


# ---------------------------------------------------------------- the phone number and tel: links


def _country(data: dict) -> str:
    country = data.get("country")
    return country if isinstance(country, str) else Brand._field_defaults["country"]


def _brand_phone(brand: ContentFile | None):
    """Problems with brand.yaml's phone and country; returns the parsed phone, or None."""
    data = _data(brand)
    if data is None or not (isinstance(data.get("phone"), str) or isinstance(data.get("country"), str)):
        return None
    from ..model.phone import PhoneTrouble, known_country, parse

    country = _country(data)
    if isinstance(data.get("country"), str) and not known_country(country):
        yield _problem(
            brand,
            ("country",),
            f"unknown country {country!r}",
            "give the clinic's country as two capital letters (ISO 3166), e.g. US, CA, MX or ES",
        )
        return None
    if not isinstance(data.get("phone"), str):
        return None
    try:
        phone = parse(data["phone"], country)
    except PhoneTrouble as trouble:
        yield _problem(
            brand,
            ("phone",),
            f"phone {data['phone']!r} {trouble}",
            f"write the clinic's number as it is dialled in {country}, or with its country code (+1 ...); "
            f"a number elsewhere needs its country code or brand.yaml's `country`",
            code="phone",
        )
        return None
    if phone.fictional:
        yield _problem(
            brand,
            ("phone",),
            f"placeholder phone number {phone.shown}: 555-0100 to 555-0199 are kept for fiction",
            "replace it with the clinic's real number before publishing",
            code="placeholder-phone",
            severity="warning",
        )
    return phone


def _links(brand: ContentFile | None, ctas: list[ContentFile | None], phone) -> Iterator[Problem]:
    """tel: links dial brand.yaml's phone; `phone` is the name of that link, not one to define."""
    places = [(brand, i, link) for i, link in _items(brand, "links")]
    places += [(cta, i, link) for cta in ctas for i, link in _items(cta, "links")]
    country = _country(_data(brand) or {})
    for file, i, link in places:
        if link.get("id") == "phone" and file is brand:
            yield _problem(
                file,
                ("links", i, "id"),
                "link id 'phone' is the link to brand.yaml's `phone`",
                "write the number as brand.yaml's `phone:`; calls to action dial it with `link: phone`",
            )
        url = link.get("url")
        if not (isinstance(url, str) and _TEL.fullmatch(url)):
            continue  # not a tel: link, or one the schema refuses
        yield from _tel_link(file, ("links", i, "url"), url, phone, country)


def _tel_link(file: ContentFile | None, path: tuple, url: str, phone, country: str) -> Iterator[Problem]:
    from ..model.phone import PhoneTrouble, from_tel

    use = "name the link `phone` in cta.yaml (`link: phone`), so the button dials the number the brochure prints"
    if phone is None:
        yield _problem(
            file,
            path,
            f"{url} is a phone number, and brand.yaml gives the clinic's number nowhere",
            f"write the number once, as brand.yaml's `phone:`, and {use}",
            code="phone",
        )
        return
    try:
        dialled = from_tel(url, country)
    except PhoneTrouble as trouble:
        yield _problem(file, path, f"tel: link {url!r} {trouble}", use, code="phone")
        return
    if dialled.e164 != phone.e164:
        yield _problem(
            file,
            path,
            f"tel: link dials {dialled.shown}, but brand.yaml's phone is {phone.shown}",
            f"{use}, or correct it to {phone.uri}",
            code="phone",
        )


def _items(file: ContentFile | None, field: str) -> list[tuple[int, dict]]:
    items = (_data(file) or {}).get(field)
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)] if isinstance(items, list) else []
