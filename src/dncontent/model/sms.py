"""Text messages: how each one is composed from the content and what it costs to send.

Both the SMS channel (which writes the messages) and validation (which holds them to their budgets before a
build) call these, so a message is measured the same way everywhere.

A message is sent as GSM-7 when every character is in the GSM 03.38 alphabet: 160 septets fit one
segment, 153 per segment once concatenated, and an extension character (€ [ ] { } ^ \\ | ~) takes two.
Otherwise it is sent as UCS-2: 70 UTF-16 code units in one segment, 67 per segment once concatenated,
and a character outside the Basic Multilingual Plane (an emoji) takes two. Carriers never split an
escape pair or a surrogate pair across segments. A message must declare `encoding: ucs2` to be allowed
to cost UCS-2 prices; Spanish needs it for á, í, ó and ú.

Every text starts with the brand's sender and a colon. A message has a purpose, which decides what it may
say and who may receive it (PURPOSES); the replies to the keywords patients text (STOP, HELP, START and
the locale's own, such as ALTO) are composed and measured the same way.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import NamedTuple

import gsm0338  # noqa: F401  registers the "gsm03.38" codec

from ..errors import BuildError, Problem
from ..load.files import display_path
from ..load.yaml_reader import format_path, read_yaml
from ..resources import templates_dir
from . import LocaleContent, SmsMessage, SmsReply, facts

TEMPLATE = "sms/message.txt.j2"
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
# and url:CTA-ID; the facts ({session_minutes}, {session_minutes.min}, {session_minutes.max}, {phone}) are
# filled in as in prose (model/facts.py)
NAMES = ("clinic", "page", "contraindications") + facts.NAMES
HINT = "placeholders: {clinic}, {page}, {url:CTA-ID}, {contraindications}, " + facts.placeholder_list()
MOST_SEGMENTS = 3  # no text may cost more, in any locale (the schema caps budgets at it too)
COST_RATIO = 1.5  # a translation's messages may cost at most this many times the source locale's segments


class Purpose(NamedTuple):
    """What a message's purpose allows, as the US TCPA and carriers read it."""

    name: str
    consent: str  # what the patient must have given before the first text
    promotion: bool  # whether it may invite the patient to book


PURPOSES = {
    # the healthcare exemption: names the provider, concise, opt-out, no marketing, within frequency limits
    "care": Purpose("care", "prior express consent: the patient gave this number to the clinic", False),
    "marketing": Purpose("marketing", "prior express written consent, required before the first text", True),
}
KEYWORD_REPLIES = {"stop": "STOP", "help": "HELP", "start": "START"}  # every locale answers these keywords

GSM = "gsm03.38"
ESCAPE = 0x1B  # the codec writes an extension character as ESCAPE + code: two septets
GSM_SINGLE, GSM_PART = 160, 153  # septets in a lone message; per segment once concatenated (7 go to the header)
UCS2_SINGLE, UCS2_PART = 70, 67  # UTF-16 code units, likewise
ENCODINGS = {"gsm7": "GSM-7", "ucs2": "UCS-2"}  # as declared in sms.yaml -> as reported

# Typographic characters that word processors put in and carriers' "smart encoding" turns into their plain
# forms. Without this, one curly apostrophe would switch a whole message to UCS-2 and more than double its cost.
# Only typography belongs here; whether a character is GSM-7 is the codec's business.
TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",  # ‘ ’ ‚ ‛ ′
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',  # “ ” „ ‟ ″
        "\u00ab": '"',
        "\u00bb": '"',  # « »
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u1680": " ",
        "\u202f": " ",
        "\u205f": " ",
        "\u3000": " ",
        **{chr(space): " " for space in range(0x2000, 0x200B)},  # en quad .. hair space
        "\u00ad": "",
        "\u200b": "",
        "\u2060": "",
        "\ufeff": "",  # soft hyphen, zero-width space and joiners
    }
)


class Measurement(NamedTuple):
    """How a carrier would send a text.

    `characters` counts what a reader sees; `length` is what segments are counted in: septets for GSM-7,
    UTF-16 code units for UCS-2; `segments` is how many SMS the text is split into.
    """

    encoding: str  # "GSM-7" or "UCS-2"
    characters: int
    length: int
    segments: int

    @property
    def unit(self) -> str:
        return "septets" if self.encoding == "GSM-7" else "UTF-16 code units"

    @property
    def septets(self) -> int | None:
        return self.length if self.encoding == "GSM-7" else None

    @property
    def code_units(self) -> int | None:
        return self.length if self.encoding == "UCS-2" else None


def measure(text: str) -> Measurement:
    """Encode `text` with the GSM 03.38 codec, or as UCS-2 when the codec cannot, and count its segments."""
    try:
        encoded = text.encode(GSM, "strict")
    except UnicodeEncodeError:
        return measure_ucs2(text)
    units = _septets(encoded)
    return Measurement("GSM-7", len(text), sum(units), _segments(units, GSM_SINGLE, GSM_PART))


def measure_ucs2(text: str) -> Measurement:
    """What `text` costs as UCS-2, whether or not GSM-7 could carry it."""
    units = [2 if ord(ch) > 0xFFFF else 1 for ch in text]  # an emoji is a surrogate pair: two units
    return Measurement("UCS-2", len(text), sum(units), _segments(units, UCS2_SINGLE, UCS2_PART))


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


def compose(page: LocaleContent, message: SmsMessage | SmsReply) -> str:
    """The text to send: placeholders filled in, wrapped by the template, typography made plain, spaces collapsed."""
    body = PLACEHOLDER.sub(lambda match: _placeholder(page, message, match.group(1)), message.body)
    text = (
        _environment()
        .get_template(TEMPLATE)
        .render(sender=page.brand.sms_sender, body=body, opt_out=page.labels.sms_opt_out if message.opt_out else "")
    )
    return " ".join(text.translate(TYPOGRAPHIC).split())


def page_address(page: LocaleContent) -> str:
    """Where the page itself is read: its `url`, else where site.base_url publishes it, else the clinic's website."""
    if page.url:
        return page.url
    if page.brand.base_url:
        return page.brand.base_url + f"html/{page.locale}/{page.id}.html"  # as channels/paths.page_path
    return page.links.get("website") or page.brand.links.get("website", "")


def _placeholder(page: LocaleContent, message: SmsMessage | SmsReply, placeholder: str) -> str:
    name, _, argument = placeholder.partition(":")
    if name == "clinic":
        return page.brand.name
    if name == "page" and not argument and page_address(page):
        return page_address(page)
    if name in facts.NAMES and not argument:
        known = facts.values(page.locale, page.session_minutes.min, page.session_minutes.max, page.brand.phone)
        if name in known:
            return known[name]
    if name == "url":
        for cta in page.cta:
            if cta.id == argument:
                return page.address(cta.url)  # a tel: link as the number people dial, never a raw tel: URL
    if name == "contraindications":
        return page.join_or([_short(item.short, item.label) for item in page.contraindications])
    # validate refuses these before a build starts; this guards callers that skip it
    raise BuildError(
        "cannot compose text messages",
        [_problem(page, message, "body", f"unknown placeholder {'{' + placeholder + '}'!r}", HINT)],
    )


def _short(short: str | None, label: str) -> str:
    """The short form; failing that the label, which starts a list item, lowered to run on inside a sentence."""
    if short:
        return short
    first = label.split(" ", 1)[0]
    return label if first.isupper() and len(first) > 1 else label[:1].lower() + label[1:]  # keep "HIV"


@cache
def _environment():
    import jinja2

    # Plain text: nothing to escape. Templates are looked up on every render, so jinja2 reloads edited ones.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()), autoescape=False, undefined=jinja2.StrictUndefined
    )


def messages(page: LocaleContent) -> list[tuple[SmsMessage, str, Measurement]]:
    """Every message of a locale, composed and measured, in content order."""
    return _composed(page, page.sms)


def replies(page: LocaleContent) -> list[tuple[SmsReply, str, Measurement]]:
    """The locale's keyword replies (stop, help, start), composed and measured."""
    return _composed(page, page.sms_replies)


def _composed(page: LocaleContent, texts) -> list:
    composed, found = [], []
    for message in texts:
        try:
            text = compose(page, message)
        except BuildError as exc:
            found += exc.problems
            continue
        composed.append((message, text, measure(text)))
    if found:
        raise BuildError("cannot compose text messages", found)
    return composed


def remembered(page: LocaleContent) -> list[tuple[SmsMessage, str, Measurement]]:
    """`messages(page)`, the texts taken from the artifact cache when nothing they are composed from has changed
    (the locale's messages, names, links, short forms and session length, the template, dncontent's code and the
    libraries' versions): `validate` and a build's checks then load neither the template engine nor CLDR's data.
    Measured every time; composed afresh in a release (see `cache.from_scratch`)."""
    return _remembered(page, "sms-text", page.sms, messages)


def remembered_replies(page: LocaleContent) -> list[tuple[SmsReply, str, Measurement]]:
    """`replies(page)`, cached as `remembered` caches the messages."""
    return _remembered(page, "sms-reply", page.sms_replies, replies)


def _remembered(page: LocaleContent, kind: str, texts, composed_afresh) -> list:
    from .. import cache as artifacts

    store = artifacts.remembered()
    key = store.key(
        kind,
        page.locale,
        repr((texts, page.brand, page.labels, page.links, page.session_minutes, page.cta, page.contraindications)),
    )
    entry = store.get(key, [(_text_path(page, kind, t), "sms", page.locale, "composed") for t in texts])
    if entry is not None:
        return [
            (text, part.data.decode("utf-8"), measure(part.data.decode("utf-8")))
            for text, part in zip(texts, entry.parts)
        ]
    composed = composed_afresh(page)
    store.put(
        key,
        [
            artifacts.Part(_text_path(page, kind, t), "sms", page.locale, "composed", text.encode("utf-8"))
            for t, text, _ in composed
        ],
    )
    return composed


def _text_path(page: LocaleContent, kind: str, message: SmsMessage | SmsReply) -> str:
    return f"{kind}/{page.locale}/{message.id}"


def problems(page: LocaleContent) -> list[Problem]:
    """One problem per message or keyword reply of the locale that cannot be sent as written."""
    return [found for entry in messages(page) + replies(page) if (found := check(page, *entry))]


def check(page: LocaleContent, message: SmsMessage | SmsReply, text: str, measurement: Measurement) -> Problem | None:
    """Why a composed text cannot be sent: UCS-2 without `encoding: ucs2`, over budget, not starting with the
    sender, or saying what its purpose forbids. None if it can."""
    budget = f"its budget is {message.segments}"
    if measurement.encoding == "UCS-2" and message.encoding != "ucs2":
        found = [ch for ch in dict.fromkeys(text) if not _is_gsm(ch)]
        in_body = all(ch in message.body for ch in found)
        cost = f"as UCS-2: {_plural(measurement.segments, 'segment')} ({measurement.length} UTF-16 code units)"
        return _problem(
            page,
            message,
            "body" if in_body else None,
            f"text message {message.id!r} has {'characters' if len(found) > 1 else 'a character'} a plain text "
            f"cannot carry, {', '.join(map(_describe, found))}, so it would be sent in Unicode, where a text holds "
            f"fewer characters (not GSM-7; {cost}); {budget}",
            f"add `encoding: ucs2` to the message if the language needs these letters ({cost}), "
            f"otherwise replace {'them' if len(found) > 1 else 'it'} with plain text"
            if in_body
            else f"it comes from text the message draws in (the clinic's name, the opt-out line or a placeholder's "
            f"value); add `encoding: ucs2` to send it as UCS-2 ({cost})",
            code="sms-encoding",
        )
    if measurement.segments > message.segments:
        single, part = (GSM_SINGLE, GSM_PART) if measurement.encoding == "GSM-7" else (UCS2_SINGLE, UCS2_PART)
        return _problem(
            page,
            message,
            None,
            f"text message {message.id!r} is too long: it would be sent as {measurement.segments} texts joined "
            f"together, and {budget} ({measurement.length} {measurement.unit} as {measurement.encoding} = "
            f"{_plural(measurement.segments, 'segment')})",
            f"shorten it, or raise `segments` if the cost is intended; as {measurement.encoding} one text holds "
            f"{single} {measurement.unit}, a longer message {part} per segment",
            code="sms-budget",
        )
    sender = f"{page.brand.sms_sender}:"
    if not text.startswith(sender + " "):
        return _problem(
            page,
            message,
            None,
            f"sms message {message.id!r} does not start with the sender {sender!r}",
            f"keep templates/{TEMPLATE} starting with the sender and a colon",
            code="sms-sender",
        )
    return _purpose_problem(page, message, text)


def _purpose_problem(page: LocaleContent, message: SmsMessage | SmsReply, text: str) -> Problem | None:
    """What a care message may not leave out or put in; what a keyword reply must say."""
    found = []
    if isinstance(message, SmsReply):
        if (
            message.id in ("stop", "start", "help")
            and page.brand.sms_sender not in text
            and page.brand.name not in text
        ):
            found.append(("it does not name the clinic", "start it with the sender"))
        if message.id == "help":
            stops = next((r.keywords for r in page.sms_replies if r.id == "stop"), ("STOP",))
            if not any(re.search(rf"\b{re.escape(word)}\b", text) for word in stops):
                found.append(("it does not say how to stop", f"name a stop keyword: {', '.join(stops)}"))
            if not re.search(r"\{(url:[^{}]+|phone)\}", message.body):
                found.append(("it gives no contact", "add {url:contact} or {phone}"))
    elif not PURPOSES[message.purpose].promotion:
        if page.brand.sms_sender not in text and page.brand.name not in text:
            found.append(("a care message must name the clinic", "keep the sender first"))
        if page.labels.sms_opt_out not in text:
            found.append(("a care message must say how to opt out", "keep the opt-out line (labels.yaml sms_opt_out)"))
        booking = [cta for cta in page.cta if cta.link == "booking"]
        for cta in booking:
            if cta.url in text or cta.label.casefold() in text.casefold():
                found.append(
                    (
                        f"a care message may not invite the patient to book ({cta.label!r}, {cta.url})",
                        "send invitations as `purpose: marketing`, to patients who agreed to them in writing",
                    )
                )
    if not found:
        return None
    kind = "reply" if isinstance(message, SmsReply) else f"{message.purpose} message"
    return _problem(
        page,
        message,
        "purpose" if isinstance(message, SmsMessage) else None,
        f"sms {kind} {message.id!r}: " + "; ".join(why for why, _ in found),
        "; ".join(hint for _, hint in found),
        code="sms-purpose",
    )


def cost_problem(source: LocaleContent, page: LocaleContent) -> Problem | None:
    """A translation whose messages cost more than COST_RATIO times the source locale's, in segments."""
    mine = sum(measured.segments for *_, measured in remembered(page))
    theirs = sum(measured.segments for *_, measured in remembered(source))
    if page.locale == source.locale or not theirs or mine <= COST_RATIO * theirs:
        return None
    return _problem(
        page,
        None,
        None,
        f"the {page.locale} messages cost {mine} segments, more than {COST_RATIO:g} times the "
        f"{source.locale} messages' {theirs}",
        "write shorter texts: link to the page rather than listing, and keep to the sender",
        code="sms-cost",
    )


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


def _problem(
    page: LocaleContent,
    message: SmsMessage | SmsReply | None,
    field: str | None,
    text: str,
    hint: str,
    code: str = "sms",
) -> Problem:
    """A problem located at the message in its sms.yaml (or at its `field`), read again only when something failed."""
    source = page.files.get("sms")
    if isinstance(message, SmsReply):
        path: tuple[str | int, ...] = ("keywords", message.id) + ((field,) if field else ())
    else:
        index = next((i for i, m in enumerate(page.sms) if message and m.id == message.id), None)
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
