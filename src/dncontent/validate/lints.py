"""Editorial checks on valid content: review dates, drafts, placeholder URLs, SMS budgets, the reading of our wording.

A warning is something to act on before publishing: `dncontent build --release` refuses content with one that
is not waived (and `--strict` makes them errors). A note is a heads-up that blocks nothing (a review due
soon, a message near its budget). Info lines state the material's condition (the review dates).

Reading scores of the approved page prose are figures in `dncontent report` and the preview, not lines here:
no editor may reword the clinic's approved copy or its faithful translation. What we write ourselves around
it (labels, SMS bodies, contraindication short forms) is held to the reading target.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from ..errors import Problem
from ..load import ContentFile
from ..load.yaml_reader import format_path
from ..model import Content, LocaleContent, SmsMessage, SmsReply
from .readability import describe, formula_for, misses, readability_target, scores

DUE_SOON_DAYS = 30
NEAR_BUDGET = 0.9  # a note when a message uses more than 90% of its segment budget
PLACEHOLDER_HOSTS = ("example.com", "example.org", "example.net", "localhost")
PLACEHOLDER_SUFFIXES = (".example", ".test", ".invalid", ".localhost", ".example.com", ".example.org", ".example.net")
# A readability formula averages over sentences: below this many words (a caption, a button, a short form, a
# one-line message) its figure says nothing ("Patient information" alone scores grade 20), so it is not taken.
MIN_WORDS = 20
TEXT_PLACEHOLDER = re.compile(r"\{[^{}]*\}")  # {clinic}, {url:contact}, {date}: filled in with names and numbers
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


class _Locator:
    def __init__(self, files: list[ContentFile]):
        self.files = {(f.locale, f.kind): f for f in files}

    def problem(self, locale, kind, path, message, hint="", severity="warning", code="lint") -> Problem:
        file = self.files[(locale, kind)]
        assert file.doc is not None  # the content was built from it
        line, col = file.doc.where(path)
        return Problem(file.display, line, col, format_path(path), message, hint, severity=severity, code=code)


def lint(
    files: list[ContentFile], content: Content, today: datetime.date | None = None, *, assessed: dict | None = None
) -> list[Problem]:
    """The editorial checks, then governance's (`assessed`: each locale's sign-off assessment, if made already)."""
    where = _Locator(files)
    today = today or datetime.date.today()
    problems = list(_placeholder_urls(where, content))
    for page in content.locales.values():
        problems += _our_wording(where, page)
        problems += _review(where, page, today)
        problems += _sms_budgets(where, page)
    problems += _sms_costs(content)
    from ..governance import checks  # sign-off, drafts, stale and untranslated text, waivers

    return checks.lint(files, problems, today, assessed)


def our_wording(page: LocaleContent) -> list[tuple[str, tuple, str, str]]:
    """(kind, path in its file, what it is, text) for the wording we write around the approved text: labels, SMS
    bodies and contraindication short forms, placeholders taken out."""
    texts: list[tuple[str, tuple, str, str]] = [
        ("labels", (name,), f"label {name!r}", wording)
        for name, wording in page.labels._asdict().items()
        if name != "direction"
    ]
    texts += [
        ("sms", ("messages", i, "body"), f"message {message.id!r}", message.body) for i, message in enumerate(page.sms)
    ]
    texts += [
        ("contraindications", ("contraindications", i, "short"), f"short form of {item.id!r}", item.short)
        for i, item in enumerate(page.contraindications)
        if item.short
    ]
    return [(kind, path, what, " ".join(TEXT_PLACEHOLDER.sub(" ", text).split())) for kind, path, what, text in texts]


def _our_wording(where: _Locator, page: LocaleContent) -> Iterator[Problem]:
    formula = formula_for(page.locale)
    if formula is None:
        return
    scored = [entry for entry in our_wording(page) if len(WORD.findall(entry[3])) >= MIN_WORDS]
    target = readability_target(page, formula)
    side = "above" if formula.lower_is_easier else "below"
    for (kind, path, what, _), score in zip(scored, scores([text for *_, text in scored], formula)):
        if misses(score, target, formula):
            yield where.problem(
                page.locale,
                kind,
                path,
                f"{what}: {describe(score, formula)} is {side} the target of {target:g}",
                "reword it in plainer words: this is our wording, not the clinic's approved text",
                code="reading-grade",
            )


def review_state(next_review: str, today: datetime.date) -> tuple[str, int]:
    """("overdue" | "due soon" | "current", days until next_review) for a review date."""
    days = (datetime.date.fromisoformat(next_review) - today).days
    return ("overdue" if days < 0 else "due soon" if days <= DUE_SOON_DAYS else "current"), days


def _review(where: _Locator, page: LocaleContent, today: datetime.date) -> Iterator[Problem]:
    """When a signed-off locale is next due for review. A draft has no review to be due (governance says it is
    a draft)."""
    due = page.review.next_review
    if page.is_draft or due is None:
        return
    state, days = review_state(due, today)
    doc = where.files[(page.locale, "page")].doc
    assert doc is not None  # the content was built from it
    signoff = doc.data.get("signoff") or {}
    path = ("signoff", "next_review") if "next_review" in signoff else ("signoff", "date")
    again = f'dncontent signoff --locale {page.locale} --by "NAME, CREDENTIALS"'
    if state == "overdue":
        yield where.problem(
            page.locale,
            "page",
            path,
            f"review overdue: the next review was due {due} ({-days} days ago)",
            f"have a clinician review the text, then record it: {again}",
            code="review-overdue",
        )
    elif state == "due soon":
        yield where.problem(
            page.locale,
            "page",
            path,
            f"review due soon: the next review is due {due} (in {days} days)",
            "plan the clinical review",
            severity="note",
            code="review-due",
        )
    else:
        yield where.problem(
            page.locale,
            "page",
            path,
            f"review current: signed off {page.review.last_reviewed}, next due {due} (in {days} days)",
            severity="info",
            code="review",
        )


def _placeholder_urls(where: _Locator, content: Content) -> Iterator[Problem]:
    """Addresses still at example.com and the like: brand.yaml's links and site, cta.yaml `links`, page `url`s."""
    places: list[tuple[str | None, str, tuple, str, str]] = [
        (None, "brand", ("links", i, "url"), f"link {link_id!r}", url)
        for i, (link_id, url) in enumerate(content.brand.links.items())
    ]
    brand = where.files.get((None, "brand"))
    site = brand.doc.data.get("site") if brand and brand.doc else None
    if site:
        places.append((None, "brand", ("site", "base_url"), "the published site", site["base_url"]))
    for locale, page in content.locales.items():
        cta = where.files.get((locale, "cta"))
        links = cta.doc.data.get("links") if cta and cta.doc else None
        places += [
            (locale, "cta", ("links", i, "url"), f"link {link['id']!r}", link["url"])
            for i, link in enumerate(links or ())
        ]
        if page.url:
            places.append((locale, "page", ("url",), "the page", page.url))
    for place_locale, kind, path, what, url in places:
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            continue  # validate already reports it
        if host.startswith("www."):
            host = host[4:]
        if host in PLACEHOLDER_HOSTS or host.endswith(PLACEHOLDER_SUFFIXES):
            yield where.problem(
                place_locale,
                kind,
                path,
                f"placeholder URL {url!r} for {what}",
                "replace it with the clinic's real address before publishing",
                code="placeholder-url",
            )


def _sms_budgets(where: _Locator, page: LocaleContent) -> Iterator[Problem]:
    from ..model import sms

    texts: list[tuple[tuple, tuple[SmsMessage | SmsReply, str, sms.Measurement]]] = [
        (("messages", i, "body"), entry) for i, entry in enumerate(sms.remembered(page))
    ]
    texts += [(("keywords", entry[0].id, "reply"), entry) for entry in sms.remembered_replies(page)]
    for path, (message, text, measured) in texts:
        refused = sms.check(page, message, text, measured)
        if refused:  # over budget, UCS-2 without `encoding: ucs2`, against its purpose: the build would fail
            if refused.code == "sms-budget" and "{contraindications}" in getattr(message, "body", ""):
                refused = refused._replace(hint=f"{refused.hint}; {_short_forms_drawn_in(where, page)}")
            yield refused
            continue
        capacity = sms.capacity(message.segments, measured.encoding)
        if measured.length > NEAR_BUDGET * capacity:
            yield where.problem(
                page.locale,
                "sms",
                path,
                f"{'message' if path[0] == 'messages' else 'reply'} {message.id!r} uses {measured.length} of {capacity} {measured.unit} "
                f"({measured.length / capacity:.0%} of its {message.segments}-segment "
                f"{measured.encoding} budget)",
                "shorten it, or raise `segments` if the extra cost is intended",
                severity="note",
                code="sms-budget",
            )


def _short_forms_drawn_in(where: _Locator, page: LocaleContent) -> str:
    """Where the text {contraindications} draws into a message is, longest first: the lines to shorten."""
    file = where.files.get((page.locale, "contraindications"))
    data = file.doc.data if file is not None and file.doc is not None else {}
    ids = [item.get("id") if isinstance(item, dict) else None for item in (data or {}).get("contraindications") or []]
    drawn = []
    for item in page.contraindications:
        field = "short" if item.short else "label"
        text = item.short or item.label
        if file is not None and file.doc is not None and item.id in ids:
            line, col = file.doc.where(("contraindications", ids.index(item.id), field))
            drawn.append((len(text), f"{file.display}:{line}:{col} ({item.id}, {len(text)} characters)"))
    longest = [place for _, place in sorted(drawn, key=lambda entry: -entry[0])[:3]]
    return (
        "{contraindications} draws in each contraindication's short form; the longest: " + ", ".join(longest)
        if longest
        else "{contraindications} draws in each contraindication's short form"
    )


def _sms_costs(content: Content) -> Iterator[Problem]:
    """A translation's messages may cost at most COST_RATIO times the source locale's, in segments."""
    from ..model import sms

    source = content.locales.get(content.source_locale)
    for page in content.locales.values():
        if source is not None and page.sms and (found := sms.cost_problem(source, page)):
            yield found
