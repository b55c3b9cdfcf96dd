"""Editorial checks on valid content: reading grade, review dates, placeholder URLs, SMS budgets.

They report warnings (errors under --strict) and, for reading grades and review dates, an info line, so
editors see the state of the material on every save.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterator
from urllib.parse import urlsplit

from ..errors import Problem
from ..load import ContentFile
from ..load.yaml_reader import format_path
from ..model import Content, LocaleContent
from .readability import Formula, describe, formula_for, misses, scores

DUE_SOON_DAYS = 30
NEAR_BUDGET = 0.9  # warn when a message uses more than 90% of its segment budget
PLACEHOLDER_HOSTS = ("example.com", "example.org", "example.net", "localhost")
PLACEHOLDER_SUFFIXES = (".example", ".test", ".invalid", ".localhost", ".example.com", ".example.org", ".example.net")


class _Locator:
    def __init__(self, files: list[ContentFile]):
        self.files = {(f.locale, f.kind): f for f in files}

    def problem(self, locale, kind, path, message, hint="", severity="warning", code="lint") -> Problem:
        file = self.files[(locale, kind)]
        line, col = file.doc.where(path)
        return Problem(file.display, line, col, format_path(path), message, hint, severity=severity, code=code)


def lint(files: list[ContentFile], content: Content, today: datetime.date | None = None) -> list[Problem]:
    where = _Locator(files)
    today = today or datetime.date.today()
    problems = list(_placeholder_urls(where, content))
    for page in content.locales.values():
        problems += _reading_grades(where, page)
        problems += _review(where, page, today)
        problems += _draft(where, page)
        problems += _sms_budgets(where, page)
    problems += _sms_costs(content)
    from ..governance import checks  # sign-off, stale and untranslated text, waivers

    return checks.lint(files, problems, today)


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


def _reading_grades(where: _Locator, page: LocaleContent) -> Iterator[Problem]:
    formula = formula_for(page.locale)
    if formula is None:
        yield where.problem(page.locale, "page", (), f"no readability formula for locale {page.locale!r}; "
                            f"sections are not scored", severity="info", code="reading-grade")
        return
    sections = section_texts(page)
    target = readability_target(page, formula)
    for (i, section_id, _), score in zip(sections, scores([text for _, _, text in sections], formula)):
        path = ("sections", i)
        if misses(score, target, formula):
            side = "above" if formula.lower_is_easier else "below"
            yield where.problem(page.locale, "page", path, f"section {section_id!r}: {describe(score, formula)} "
                                f"is {side} the target of {target:g}",
                                "approved text changes need the clinic's sign-off", code="reading-grade")
        else:
            yield where.problem(page.locale, "page", path, f"section {section_id!r}: {describe(score, formula)}",
                                severity="info", code="reading-grade")


def review_state(next_review: str, today: datetime.date) -> tuple[str, int]:
    """("overdue" | "due soon" | "current", days until next_review) for a review date."""
    days = (datetime.date.fromisoformat(next_review) - today).days
    return ("overdue" if days < 0 else "due soon" if days <= DUE_SOON_DAYS else "current"), days


def _review(where: _Locator, page: LocaleContent, today: datetime.date) -> Iterator[Problem]:
    due = page.review.next_review
    state, days = review_state(due, today)
    path = ("review", "next_review")
    if state == "overdue":
        yield where.problem(page.locale, "page", path, f"review overdue: next_review was {due} ({-days} days ago)",
                            "have the text reviewed, then update last_reviewed and next_review", code="review-overdue")
    elif state == "due soon":
        yield where.problem(page.locale, "page", path, f"review due soon: next_review is {due} (in {days} days)",
                            "plan the clinical review", code="review-due")
    else:
        yield where.problem(page.locale, "page", path,
                            f"review current: last reviewed {page.review.last_reviewed}, next due {due} (in {days} days)",
                            severity="info", code="review")


def _draft(where: _Locator, page: LocaleContent) -> Iterator[Problem]:
    if page.is_draft:
        yield where.problem(page.locale, "page", ("review", "status"),
                            f"locale {page.locale!r} is a draft: no clinician has reviewed its text, and its page "
                            f"and brochures say so", "have a clinician review it, then set `status: approved`",
                            code="draft")


def _placeholder_urls(where: _Locator, content: Content) -> Iterator[Problem]:
    """Addresses still at example.com and the like: brand.yaml's links and site, cta.yaml `links`, page `url`s."""
    places = [(None, "brand", ("links", i, "url"), f"link {link_id!r}", url)
              for i, (link_id, url) in enumerate(content.brand.links.items())]
    brand = where.files.get((None, "brand"))
    site = brand.doc.data.get("site") if brand and brand.doc else None
    if site:
        places.append((None, "brand", ("site", "base_url"), "the published site", site["base_url"]))
    for locale, page in content.locales.items():
        cta = where.files.get((locale, "cta"))
        links = cta.doc.data.get("links") if cta and cta.doc else None
        places += [(locale, "cta", ("links", i, "url"), f"link {link['id']!r}", link["url"])
                   for i, link in enumerate(links or ())]
        if page.url:
            places.append((locale, "page", ("url",), "the page", page.url))
    for locale, kind, path, what, url in places:
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            continue  # validate already reports it
        if host.startswith("www."):
            host = host[4:]
        if host in PLACEHOLDER_HOSTS or host.endswith(PLACEHOLDER_SUFFIXES):
            yield where.problem(locale, kind, path, f"placeholder URL {url!r} for {what}",
                                "replace it with the clinic's real address before publishing", code="placeholder-url")


def _sms_budgets(where: _Locator, page: LocaleContent) -> Iterator[Problem]:
    from ..model import sms

    texts = [(("messages", i, "body"), entry) for i, entry in enumerate(sms.messages(page))]
    texts += [(("keywords", entry[0].id, "reply"), entry) for entry in sms.replies(page)]
    for path, (message, text, measured) in texts:
        refused = sms.check(page, message, text, measured)
        if refused:  # over budget, UCS-2 without `encoding: ucs2`, against its purpose: the build would fail
            yield refused
            continue
        capacity = sms.capacity(message.segments, measured.encoding)
        if measured.length > NEAR_BUDGET * capacity:
            yield where.problem(page.locale, "sms", path,
                                f"{'message' if path[0] == 'messages' else 'reply'} {message.id!r} uses {measured.length} of {capacity} {measured.unit} "
                                f"({measured.length / capacity:.0%} of its {message.segments}-segment "
                                f"{measured.encoding} budget)",
                                "shorten it, or raise `segments` if the extra cost is intended", code="sms-budget")


def _sms_costs(content: Content) -> Iterator[Problem]:
    """A translation's messages may cost at most COST_RATIO times the source locale's, in segments."""
    from ..model import sms

    source = content.locales.get(content.source_locale)
    for page in content.locales.values():
        if source is not None and page.sms and (found := sms.cost_problem(source, page)):
            yield found
