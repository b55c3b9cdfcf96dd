"""Model: the validated content as typed, read-only objects that every channel renders from."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from . import cldr, facts

SOURCE_LOCALE = "en"  # the approved original; other locales are translations of it
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# The placeholders each label may use; validate refuses any other {...} in labels.yaml.
LABEL_PLACEHOLDERS = {
    "last_reviewed": ("date",),
    "next_review": ("date",),
    "reviewed_by": ("name",),
    "session_length": ("range",),
    "qr_alt": ("url",),
    "page_of": ("page", "pages"),
}


class Item(NamedTuple):
    """One list entry (a condition, risk or contraindication) with its approved wording."""

    id: str
    label: str
    short: str | None = None


class Phase(NamedTuple):
    id: str
    label: str
    text: str


class Cta(NamedTuple):
    id: str
    label: str
    description: str
    url: str
    link: str = ""  # the id of the link it opens (brand.yaml, or the locale's override in cta.yaml)


class Section(NamedTuple):
    id: str
    heading: str | None
    paragraphs: tuple[str, ...]
    list: str | None = None  # conditions | risks | contraindications | session_phases
    closing: tuple[str, ...] = ()
    cta: tuple[str, ...] = ()


class Review(NamedTuple):
    """A locale's review as the sign-off record has it (governance/review.py): never typed by hand.

    approved: a clinician's recorded sign-off matches the text, so channels show its date and reviewer.
    draft: no sign-off matches it; channels say so, and show no review date or reviewer.
    """

    status: str = "draft"
    last_reviewed: str | None = None  # the sign-off's date, YYYY-MM-DD
    next_review: str | None = None
    reviewed_by: str | None = None  # the clinician who signed it off


class Source(NamedTuple):
    title: str
    publisher: str
    url: str | None = None
    note: str | None = None
    captured: str | None = None  # when the text was taken from the source, YYYY-MM-DD


class SessionMinutes(NamedTuple):
    min: int
    max: int

    def __str__(self) -> str:
        return f"{self.min}-{self.max}"


class SmsMessage(NamedTuple):
    id: str
    segments: int
    body: str  # with placeholders, see model/sms.py
    description: str | None = None
    encoding: str = "gsm7"  # gsm7, or ucs2 for languages whose letters GSM-7 lacks
    purpose: str = "care"  # care (healthcare exemption) or marketing (prior express written consent): model/sms.py
    opt_out: bool = True  # the locale's opt-out line ends it; a keyword reply says what it must itself


class SmsReply(NamedTuple):
    """The reply to a keyword a patient texts (stop, help, start), in the locale's language."""

    id: str  # stop | help | start
    keywords: tuple[str, ...]  # what patients may text, in capitals: STOP, ALTO
    segments: int
    body: str  # with placeholders, like a message's
    encoding: str = "gsm7"
    description: str | None = None
    purpose: str = "reply"
    opt_out: bool = False


class Colors(NamedTuple):
    primary: str
    on_primary: str
    accent: str
    text: str
    muted: str
    background: str
    surface: str


class Brand(NamedTuple):
    name: str
    links: dict[str, str]  # brand.yaml's links, by id; a locale's own addresses are in LocaleContent.links
    colors: Colors
    sms_sender: str
    logo: Path | None = None
    phone: str | None = None  # formatted for people, (212) 555-0123: what print, the page and SMS show
    email: str | None = None
    base_url: str | None = None  # where build/ is published (brand.yaml site.base_url), ending in /
    phone_uri: str | None = None  # the same number as a link, tel:+12125550123 (RFC 3966)
    country: str = "US"  # brand.yaml `country`: how numbers without +code are read, and which are shown nationally
    sms_frequency: dict[str, dict[str, int]] = {}  # purpose -> {per_day, per_week, per_month}: brand.yaml sms.frequency
    sms_registration: dict[str, str] = {}  # brand.yaml sms.registration: use_case, description, opt_in


class Labels(NamedTuple):
    """The wording channels add around the approved text, in the locale's language (labels.yaml).

    Wording only: dates, lists and numbers are formatted from CLDR (model/cldr.py).
    """

    direction: str
    skip_to_content: str
    on_this_page: str
    patient_information: str
    languages: str
    last_reviewed: str
    next_review: str
    reviewed_by: str
    draft_notice: str
    risks_title: str
    contraindications_title: str
    session_length: str
    qr_caption: str
    qr_alt: str
    page_of: str
    sms_opt_out: str

    @staticmethod
    def fill(wording: str, **values) -> str:
        """`wording` with each {name} replaced by its value. Only plain names: wording is text, not a format spec."""
        return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), wording)


class LocaleContent(NamedTuple):
    """Everything one locale says, plus the shared brand."""

    locale: str
    brand: Brand
    id: str  # the document's id (page.yaml), the same in every locale: outputs are named after it
    title: str
    topic: str  # the therapy the material is about, as patients name it
    review: Review
    source: Source
    sections: tuple[Section, ...]
    conditions: tuple[Item, ...]
    risks: tuple[Item, ...]
    contraindications: tuple[Item, ...]
    session_phases: tuple[Phase, ...]
    session_minutes: SessionMinutes
    cta: tuple[Cta, ...]
    sms: tuple[SmsMessage, ...]
    labels: Labels
    url: str | None = None  # this locale's public page address (page.yaml url), if the content gives one
    # the brand's links with this locale's overrides (cta.yaml `links`), and `phone` (tel:) when brand.yaml has one
    links: dict[str, str] = {}
    readability_targets: dict[str, float] = {}  # reading_grade_target / reading_ease_target from page.yaml
    files: dict[str, Path] = {}  # kind -> source file
    sms_replies: tuple[SmsReply, ...] = ()  # sms.yaml `keywords`: the replies to stop, help and start

    @property
    def is_draft(self) -> bool:
        return self.review.status != "approved"

    def date(self, iso: str) -> str:
        """An ISO date written the locale's way (CLDR): November 20, 2026; 20 de noviembre de 2026."""
        return cldr.format_date(iso, self.locale)

    def join_or(self, words: list[str]) -> str:
        """Alternatives joined the locale's way (CLDR): a, b, or c; a, b o c."""
        return cldr.join_or(words, self.locale)

    @property
    def session_range(self) -> str:
        """The session length in minutes as a range with the locale's digits: 15–30."""
        return cldr.number_range(self.session_minutes.min, self.session_minutes.max, self.locale)

    @property
    def language_name(self) -> str:
        return cldr.language_name(self.locale)

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def list_items(self, name: str) -> tuple[Item, ...] | tuple[Phase, ...]:
        return getattr(self, name)

    def address(self, url: str) -> str:
        """An address as a reader reads it: a tel: link as the clinic's phone number formatted for people (validation
        holds every tel: link to that number), any other address as it is."""
        if url.startswith("tel:") and self.brand.phone:
            return self.brand.phone
        return url

    def cta_by_id(self, cta_id: str) -> Cta:
        return next(c for c in self.cta if c.id == cta_id)

    @property
    def booking(self) -> Cta:
        """The call to action that books an appointment: validation ensures one links to the brand's `booking`."""
        return next(c for c in self.cta if c.link == "booking")


class Content(NamedTuple):
    root: Path
    brand: Brand
    locales: dict[str, LocaleContent]
    source_locale: str = SOURCE_LOCALE  # the language the others are translated from (kept when a build picks locales)

    @property
    def id(self) -> str:
        """The document's id: validation holds every locale to the same one."""
        return (
            self.locales[self.source_locale].id
            if self.source_locale in self.locales
            else next(iter(self.locales.values())).id
        )

    def in_order(self) -> list[str]:
        """The locales, the source language first."""
        return sorted(self.locales, key=lambda locale: (locale != self.source_locale, locale))


def _folder(url: str | None) -> str | None:
    """A base URL as the address of a folder, so that paths resolve under it rather than beside it."""
    return url if url is None or url.endswith("/") else url + "/"


def _t(values) -> tuple[str, ...]:
    return tuple(values or ())


def _phone(b: dict):
    """brand.yaml's phone, parsed (validation has refused one that is not a valid number), or None."""
    if not b.get("phone"):
        return None
    from .phone import parse  # phonenumbers loads only for content that has a phone number

    return parse(b["phone"], b.get("country") or Brand._field_defaults["country"])


def source_of_facts(locales) -> str | None:
    """The locale whose session.yaml holds the facts every locale shares: the source locale (en when present)."""
    locales = sorted(locales)
    return SOURCE_LOCALE if SOURCE_LOCALE in locales else (locales[0] if locales else None)


def build_model(
    root: Path, docs: dict[tuple[str | None, str], dict], reviews: dict[str, Review] | None = None
) -> Content:
    """Turn validated documents, keyed by (locale, kind), into the model. Assumes validation passed.

    Facts are typed once: the session length in the source locale's session.yaml, the phone number in
    brand.yaml. Every locale inherits them, and its text's fact placeholders are filled in here (model/facts.py),
    so every channel shows the same values. `reviews` is each locale's review as its sign-off earns it
    (governance.review.assess); a locale without one is a draft.
    """
    reviews = reviews or {}
    b = docs[(None, "brand")]
    phone = _phone(b)
    brand = Brand(
        name=b["name"],
        links={link["id"]: link["url"] for link in b["links"]},
        colors=Colors(**b["colors"]),
        sms_sender=b["sms"]["sender"],
        logo=(root / b["logo"]) if b.get("logo") else None,
        phone=phone.shown if phone else None,
        email=b.get("email"),
        base_url=_folder((b.get("site") or {}).get("base_url")),
        phone_uri=phone.uri if phone else None,
        country=b.get("country") or Brand._field_defaults["country"],
        sms_frequency={purpose: dict(limits) for purpose, limits in (b["sms"].get("frequency") or {}).items()},
        sms_registration=dict(b["sms"].get("registration") or {}),
    )
    names = sorted({loc for loc, _ in docs if loc})
    shared = docs[(source_of_facts(names), "session")]["facts"]["session_minutes"] if names else None
    minutes = SessionMinutes(**{k: int(v) for k, v in shared.items()}) if shared else None
    locales = {}
    for locale in names:
        d = lambda kind: docs[(locale, kind)]  # noqa: E731, B023 -- called in this iteration only
        page, session, cta = d("page"), d("session"), d("cta")
        links = {
            **brand.links,
            **{link["id"]: link["url"] for link in cta.get("links") or ()},
            **({"phone": brand.phone_uri} if brand.phone_uri else {}),
        }
        if brand.phone_uri:  # every tel: link dials brand.yaml's phone (validation holds it): written one way
            links = {key: brand.phone_uri if url.startswith("tel:") else url for key, url in links.items()}
        assert minutes is not None  # there are locales, and validation holds the source's facts
        known = facts.values(locale, minutes.min, minutes.max, brand.phone)
        f = lambda text: facts.fill(text, known) if isinstance(text, str) else text  # noqa: E731, B023
        item = lambda i: Item(**{key: f(value) for key, value in i.items()})  # noqa: E731, B023
        locales[locale] = LocaleContent(
            locale=locale,
            brand=brand,
            id=page["id"],
            title=f(page["title"]),
            topic=f(page["topic"]),
            url=page.get("url"),
            review=reviews.get(locale, Review()),
            source=Source(**page["source"]),
            sections=tuple(
                Section(
                    id=s["id"],
                    heading=f(s.get("heading")),
                    paragraphs=tuple(map(f, _t(s["paragraphs"]))),
                    list=s.get("list"),
                    closing=tuple(map(f, _t(s.get("closing")))),
                    cta=_t(s.get("cta")),
                )
                for s in page["sections"]
            ),
            conditions=tuple(item(i) for i in d("conditions")["conditions"]),
            risks=tuple(item(i) for i in d("risks")["risks"]),
            contraindications=tuple(item(i) for i in d("contraindications")["contraindications"]),
            session_phases=tuple(Phase(id=p["id"], label=f(p["label"]), text=f(p["text"])) for p in session["phases"]),
            session_minutes=minutes,
            cta=tuple(
                Cta(
                    id=c["id"],
                    label=f(c["label"]),
                    description=f(c["description"]),
                    url=links[c["link"]],
                    link=c["link"],
                )
                for c in cta["cta"]
            ),
            sms=tuple(SmsMessage(**{**m, "segments": int(m["segments"])}) for m in d("sms")["messages"]),
            labels=Labels(**d("labels")),
            links=links,
            readability_targets={
                key: page[key] for key in ("reading_grade_target", "reading_ease_target") if key in page
            },
            files={kind: root / locale / f"{kind}.yaml" for (loc, kind) in docs if loc == locale},
            sms_replies=tuple(
                SmsReply(
                    id=key,
                    keywords=tuple(reply["keywords"]),
                    segments=int(reply["segments"]),
                    body=reply["reply"],
                    encoding=reply.get("encoding", "gsm7"),
                )
                for key, reply in (d("sms").get("keywords") or {}).items()
            ),
        )
    source = SOURCE_LOCALE if SOURCE_LOCALE in locales else next(iter(locales), SOURCE_LOCALE)
    return Content(root=root, brand=brand, locales=locales, source_locale=source)
