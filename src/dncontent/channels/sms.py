"""SMS channel: each text message composed from the content, measured with the GSM 03.38 codec, held to its budget.

Per locale it writes `sms/<locale>/<message-id>.txt`, the exact text to send (UTF-8, no trailing newline,
because a newline would be sent and counted as a character), and `sms/<locale>/messages.json`, the
measurements. A message that is over its segment budget, or that cannot be sent as GSM-7, fails the build.
"""
from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple
from functools import cache

import gsm0338  # noqa: F401  registers the "gsm03.38" codec

from ..errors import BuildError, Problem
from ..load.files import display_path
from ..load.yaml_reader import format_path, read_yaml
from ..model import Content, LocaleContent, SmsMessage
from ..options import BuildOptions
from ..resources import templates_dir
from ..validate.rules import SMS_PLACEHOLDER
from ..write import Artifact

NAME = "sms"
DESCRIPTION = "text messages within their segment budgets, with their GSM-7 measurements"
TEMPLATE = "sms/message.txt.j2"

GSM = "gsm03.38"
ESCAPE = 0x1B  # the codec writes an extension character (€ [ ] { } ^ \ | ~) as ESCAPE + code: two septets
GSM_SINGLE, GSM_PART = 160, 153  # septets in a lone message; per segment once concatenated (7 go to the header)
UCS2_SINGLE, UCS2_PART = 70, 67  # UTF-16 code units, likewise

# Typographic characters that word processors put in and carriers' "smart encoding" turns into their plain
# forms. Without this, one curly apostrophe would switch a whole message to UCS-2 and more than double its cost.
# Only typography belongs here; whether a character is GSM-7 is the codec's business.
TYPOGRAPHIC = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",  # ‘ ’ ‚ ‛ ′
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',  # “ ” „ ‟ ″
    "\u00ab": '"', "\u00bb": '"',  # « »
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2026": "...",
    "\u00a0": " ", "\u1680": " ", "\u202f": " ", "\u205f": " ", "\u3000": " ",
    **{chr(space): " " for space in range(0x2000, 0x200B)},  # en quad .. hair space
    "\u00ad": "", "\u200b": "", "\u2060": "", "\ufeff": "",  # soft hyphen, zero-width space and joiners
})

class Measurement(NamedTuple):
    """How a carrier would send a text.

    `characters` counts what a reader sees; `septets` is the GSM-7 length on the wire (None for UCS-2);
    `segments` is how many SMS the text is split into.
    """

    encoding: str  # "GSM-7" or "UCS-2"
    characters: int
    septets: int | None
    segments: int


def measure(text: str) -> Measurement:
    """Encode `text` with the GSM 03.38 codec, or as UCS-2 when the codec cannot, and count its segments."""
    try:
        encoded = text.encode(GSM, "strict")
    except UnicodeEncodeError:
        units = [2 if ord(ch) > 0xFFFF else 1 for ch in text]  # an emoji is a surrogate pair: two units
        return Measurement("UCS-2", len(text), None, _segments(units, UCS2_SINGLE, UCS2_PART))
    return Measurement("GSM-7", len(text), len(encoded), _segments(_septets(encoded), GSM_SINGLE, GSM_PART))


def capacity(segments: int, encoding: str = "GSM-7") -> int:
    """The most septets (GSM-7) or UTF-16 units (UCS-2) that `segments` segments hold.

    An upper bound: `measure` never splits an escape pair or an emoji, so a text with those may need one more.
    """
    single, part = (GSM_SINGLE, GSM_PART) if encoding == "GSM-7" else (UCS2_SINGLE, UCS2_PART)
    return single if segments <= 1 else part * segments


def _septets(encoded: bytes) -> list[int]:
    """The encoded text as indivisible units: 1 septet, or 2 for an escape and the character it extends."""
    units, at = [], 0
    while at < len(encoded):
        step = 2 if encoded[at] == ESCAPE and at + 1 < len(encoded) else 1
        units.append(step)
        at += step
    return units


def _segments(units: list[int], single: int, part: int) -> int:
    """Segments needed, never splitting a unit: phones cannot rejoin half an escape or half a surrogate pair."""
    if sum(units) <= single:
        return 1
    segments, used = 1, 0
    for unit in units:
        if used + unit > part:
            segments, used = segments + 1, 0
        used += unit
    return segments


def compose(page: LocaleContent, message: SmsMessage) -> str:
    """The text to send: placeholders filled in, wrapped by the template, typography made plain, spaces collapsed."""
    body = SMS_PLACEHOLDER.sub(lambda match: _placeholder(page, message, match.group(1)), message.body)
    text = _environment().get_template(TEMPLATE).render(
        clinic=page.brand.name, body=body, opt_out=page.brand.sms_opt_out)
    return " ".join(text.translate(TYPOGRAPHIC).split())


def _placeholder(page: LocaleContent, message: SmsMessage, placeholder: str) -> str:
    name, _, argument = placeholder.partition(":")
    if name == "clinic":
        return page.brand.name
    if name == "session_minutes":
        return str(page.session_minutes)
    if name == "url":
        for cta in page.cta:
            if cta.id == argument:
                return cta.url
    if name == "contraindications":
        return _join([_short(item.short, item.label) for item in page.contraindications], page.labels.list_or)
    # validate refuses these before a build starts; this guards callers that skip it
    raise BuildError("cannot compose text messages", [_problem(
        page, message, "body", f"unknown placeholder {'{' + placeholder + '}'!r}",
        "placeholders: {clinic}, {url:CTA-ID}, {session_minutes}, {contraindications}")])


def _short(short: str | None, label: str) -> str:
    """The short form; failing that the label, which starts a list item, lowered to run on inside a sentence."""
    if short:
        return short
    first = label.split(" ", 1)[0]
    return label if first.isupper() and len(first) > 1 else label[:1].lower() + label[1:]  # keep "HIV"


def _join(words: list[str], conjunction: str) -> str:
    """a, b, c or d."""
    if len(words) < 2:
        return ", ".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"



@cache
def _environment():
    import jinja2

    # Plain text: nothing to escape. Templates are looked up on every render, so jinja2 reloads edited ones.
    return jinja2.Environment(loader=jinja2.FileSystemLoader(templates_dir()), autoescape=False,
                              undefined=jinja2.StrictUndefined)


def messages(page: LocaleContent) -> list[tuple[SmsMessage, str, Measurement]]:
    """Every message of a locale, composed and measured, in content order."""
    composed, found = [], []
    for message in page.sms:
        try:
            text = compose(page, message)
        except BuildError as exc:
            found += exc.problems
            continue
        composed.append((message, text, measure(text)))
    if found:
        raise BuildError("cannot compose text messages", found)
    return composed


def problems(page: LocaleContent) -> list[Problem]:
    """One problem per message of the locale that cannot be sent as written."""
    return [found for entry in messages(page) if (found := check(page, *entry))]


def check(page: LocaleContent, message: SmsMessage, text: str, measurement: Measurement) -> Problem | None:
    """Why a composed message cannot be sent: not GSM-7, or over its budget. None if it can."""
    budget = f"its budget is {message.segments}"
    if measurement.encoding != "GSM-7":
        found = [ch for ch in dict.fromkeys(text) if not _is_gsm(ch)]
        in_body = all(ch in message.body for ch in found)
        size = f"{measurement.characters} characters = {_plural(measurement.segments, 'segment')}"
        return _problem(
            page, message, "body" if in_body else None,
            f"sms message {message.id!r} is not GSM-7, because of {', '.join(map(_describe, found))}: "
            f"as UCS-2 it is {size}; {budget}",
            "replace it with plain text: GSM-7 has no emoji and few symbols" if in_body else
            "it comes from text the message draws in: the clinic's name, the opt-out line or a placeholder's value",
            code="sms-encoding")
    if measurement.segments > message.segments:
        return _problem(
            page, message, None,
            f"sms message {message.id!r} is {measurement.septets} septets = "
            f"{_plural(measurement.segments, 'segment')}; {budget}",
            f"shorten the body or raise `segments`; one message holds {GSM_SINGLE} septets, "
            f"a longer one {GSM_PART} per segment", code="sms-budget")
    return None


def _is_gsm(ch: str) -> bool:
    try:
        ch.encode(GSM, "strict")
    except UnicodeEncodeError:
        return False
    return True


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"{ch!r} (U+{ord(ch):04X}{' ' + name if name else ''})"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


def _problem(page: LocaleContent, message: SmsMessage, field: str | None, text: str, hint: str,
             code: str = "sms") -> Problem:
    """A problem located at the message in its sms.yaml (or at its `field`), read again only when something failed."""
    source = page.files.get("sms")
    index = next((i for i, m in enumerate(page.sms) if m.id == message.id), None)
    path = ("messages",) if index is None else ("messages", index) + ((field,) if field else ())
    if source is None:
        return Problem(f"{page.locale}/sms.yaml", 1, 1, format_path(path), text, hint, code=code)
    display = display_path(source)
    try:
        doc, _ = read_yaml(source.read_bytes(), display)
    except OSError:
        doc = None
    line, col = doc.where(path) if doc else (1, 1)
    return Problem(display, line, col, format_path(path), text, hint, code=code)


def sidecar(page: LocaleContent, composed: list[tuple[SmsMessage, str, Measurement]]) -> dict:
    """The measurements of a locale's messages, for whoever sends them. Key order is part of the contract."""
    return {
        "locale": page.locale,
        "sender": page.brand.sms_sender,
        "messages": [
            {"id": message.id, "description": message.description, "encoding": measurement.encoding,
             "characters": measurement.characters, "septets": measurement.septets,
             "segments": measurement.segments, "budget": message.segments, "text": text}
            for message, text, measurement in composed
        ],
    }


def render(content: Content, options: BuildOptions) -> Iterator[Artifact]:
    composed_by_locale, found = {}, []
    for locale, page in content.locales.items():
        try:
            composed_by_locale[locale] = composed = messages(page)
        except BuildError as exc:
            found += exc.problems
            continue
        found += [problem for entry in composed if (problem := check(page, *entry))]
    if found:
        raise BuildError(f"{_plural(len(found), 'text message')} cannot be sent as written", found)
    for locale, composed in composed_by_locale.items():
        for message, text, _ in composed:
            yield Artifact(f"sms/{locale}/{message.id}.txt", NAME, locale, "message", text.encode("utf-8"))
        document = sidecar(content.locales[locale], composed)
        data = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        yield Artifact(f"sms/{locale}/messages.json", NAME, locale, "sidecar", data)
