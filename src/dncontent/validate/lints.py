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
from .readability import grades

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
        problems += _sms_budgets(where, page)
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


def _reading_grades(where: _Locator, page: LocaleContent) -> Iterator[Problem]:
    sections = section_texts(page)
    target = page.reading_grade_target
    for (i, section_id, _), grade in zip(sections, grades([text for _, _, text in sections])):
        path = ("sections", i)
        if grade > target:
            yield where.problem(page.locale, "page", path, f"section {section_id!r}: reading grade {grade:.1f} "
                                f"(Flesch-Kincaid) is above the target of {target:g}",
                                "approved text changes need the clinic's sign-off", code="reading-grade")
        else:
            yield where.problem(page.locale, "page", path, f"section {section_id!r}: reading grade {grade:.1f} (Flesch-Kincaid)",
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


def _placeholder_urls(where: _Locator, content: Content) -> Iterator[Problem]:
    for i, (link_id, url) in enumerate(content.brand.links.items()):
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            continue  # validate already reports it
        if host.startswith("www."):
            host = host[4:]
        if host in PLACEHOLDER_HOSTS or host.endswith(PLACEHOLDER_SUFFIXES):
            yield where.problem(None, "brand", ("links", i, "url"), f"placeholder URL {url!r} for link {link_id!r}",
                                "replace it with the clinic's real address before publishing", code="placeholder-url")


def _sms_budgets(where: _Locator, page: LocaleContent) -> Iterator[Problem]:
    from ..channels import channel

    sms = channel("sms")
    for i, (message, text, measured) in enumerate(sms.messages(page)):
        refused = sms.check(page, message, text, measured)
        if refused:  # over budget or not GSM-7: an error, as the build would fail
            yield refused
            continue
        capacity = sms.capacity(message.segments)
        if measured.septets > NEAR_BUDGET * capacity:
            yield where.problem(page.locale, "sms", ("messages", i, "body"),
                                f"message {message.id!r} uses {measured.septets} of {capacity} characters "
                                f"({measured.septets / capacity:.0%} of its {message.segments}-segment budget)",
                                "shorten it, or raise `segments` if the extra cost is intended", code="sms-budget")
