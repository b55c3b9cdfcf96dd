"""The state of the material at a glance: per locale, sections and reading grades, SMS sizes, brochure pages, review."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .channels import channel
from .model import Content
from .pipeline import load_content


@dataclass
class SectionRow:
    id: str
    heading: str | None
    words: int
    readability: float | None  # in the locale's formula's terms; None when the language has no formula
    hard: bool  # harder to read than the target


@dataclass
class SmsRow:
    id: str
    encoding: str
    characters: int
    length: int  # septets (GSM-7) or UTF-16 code units (UCS-2): what segments are counted in
    unit: str
    segments: int
    budget: int


@dataclass
class LocaleReport:
    locale: str
    title: str
    last_reviewed: str | None  # the sign-off's date; None for a draft
    next_review: str | None
    review_status: str
    status: str  # draft or approved, as the sign-off earns it
    readability_formula: str | None
    readability_target: float | None
    sections: list[SectionRow] = field(default_factory=list)
    sms: list[SmsRow] = field(default_factory=list)
    brochure_pages: dict[str, int] = field(default_factory=dict)
    signed_off_by: str | None = None
    signed_off_on: str | None = None
    # units as {"unit", "where" (file:line:col)}, stale ones also with "detail" (the English now and then)
    changed_since_signoff: list[dict] = field(default_factory=list)
    stale: list[dict] = field(default_factory=list)
    untranslated: list[dict] = field(default_factory=list)


def _page_counts(content: Content, content_dir: Path, print_server: bool) -> dict[tuple[str, str], int]:
    from . import cache
    from .options import BuildOptions
    from .pipeline import artifact_cache

    store = artifact_cache(BuildOptions(content=content_dir))
    store.print_server = print_server
    with cache.using(store):
        return channel("pdf").page_counts(content)


def review_status(next_review: str | None, today: datetime.date) -> str:
    from .validate.lints import review_state

    if next_review is None:
        return "not signed off"
    state, days = review_state(next_review, today)
    return f"overdue by {-days} days" if state == "overdue" else f"{state}, due in {days} days"


def build_report(
    content_dir: Path | str = "content",
    *,
    brochures: bool = True,
    today: datetime.date | None = None,
    print_server: bool = False,
) -> list[LocaleReport]:
    """Each locale's report. The brochures' page counts come from the brochures a build would make: taken from
    the artifact cache when a build has made them, else printed (on a print server with `print_server`, as
    `dncontent build` prints) and kept there for the next build."""
    from .model import sms
    from .validate.readability import formula_for, readability_target, section_scores

    content: Content = load_content(content_dir)
    today = today or datetime.date.today()
    pages = _page_counts(content, Path(content_dir), print_server) if brochures else {}
    governance = _governance(content_dir)
    reports = []
    for locale in content.in_order():
        page = content.locales[locale]
        formula = formula_for(locale)
        target = readability_target(page, formula) if formula else None
        report = LocaleReport(
            locale,
            page.title,
            page.review.last_reviewed,
            page.review.next_review,
            review_status(page.review.next_review, today),
            page.review.status,
            formula.name if formula else None,
            target,
        )
        for row in section_scores(page):
            report.sections.append(SectionRow(row.id, page.sections[row.index].heading, row.words, row.score, row.hard))
        for message, _text, measured in sms.messages(page):
            report.sms.append(
                SmsRow(
                    message.id,
                    measured.encoding,
                    measured.characters,
                    measured.length,
                    measured.unit,
                    measured.segments,
                    message.segments,
                )
            )
        report.brochure_pages = {size: n for (loc, size), n in pages.items() if loc == locale}
        for name, value in governance.get(locale, {}).items():
            setattr(report, name, value)
        reports.append(report)
    return reports


def _governance(content_dir: Path | str) -> dict[str, dict]:
    from .governance.checks import status
    from .validate import check_content

    files, _ = check_content(Path(content_dir))
    return status(files)


def as_records(reports: list[LocaleReport]) -> list[dict]:
    return [asdict(r) for r in reports]


def format_text(reports: list[LocaleReport]) -> str:
    lines: list[str] = []
    for r in reports:
        draft = " DRAFT: not signed off by a clinician" if r.status == "draft" else ""
        review = (
            f"Review: {r.status}, last {r.last_reviewed}, next {r.next_review} ({r.review_status})"
            if r.last_reviewed
            else f"Review: {r.status} ({r.review_status})"
        )
        lines += [f"{r.title} [{r.locale}]{draft}", review, ""]
        lines.append(f"  {'Section':20} {'Heading':44} {'Words':>5} {'Score':>6}")
        for s in r.sections:
            flag = " !" if s.hard else ""
            heading = (s.heading or "-")[:44]
            score = "-" if s.readability is None else f"{s.readability:.1f}"
            lines.append(f"  {s.id:20} {heading:44} {s.words:5d} {score:>6}{flag}")
        if r.readability_formula:
            lines.append(f"  (scores: {r.readability_formula}; ! misses the target of {r.readability_target:g})")
        else:
            lines.append(f"  (no readability formula for {r.locale})")
        lines += ["", f"  {'SMS':20} {'Encoding':8} {'Chars':>6} {'Length':>7} {'Segments':>9}"]
        for m in r.sms:
            over = " over budget" if m.segments > m.budget else ""
            lines.append(
                f"  {m.id:20} {m.encoding:8} {m.characters:6d} {m.length:7d} {m.segments:>5d} / {m.budget}{over}"
            )
        lines.append("  (length: septets for GSM-7, UTF-16 code units for UCS-2)")
        signoff = (
            f"by {r.signed_off_by} on {r.signed_off_on}, {len(r.changed_since_signoff)} units changed since"
            if r.signed_off_by
            else "none recorded"
        )
        lines += ["", f"  Sign-off: {signoff}"]
        lines += [f"    {u['unit']:44} {u['where']}" for u in r.changed_since_signoff]
        if r.stale or r.untranslated:  # untranslated units are many at first: listed in --format json
            lines.append(f"  Translation: {len(r.stale)} stale, {len(r.untranslated)} untranslated")
            lines += [
                f"    {u['unit']:44} {u['where']}" + (f"  {u['detail']}" if u.get("detail") else "") for u in r.stale
            ]
        if r.brochure_pages:
            lines += ["", f"  {'Brochure':20} {'Pages':>6}"]
            lines += [f"  {size:20} {n:6d}" for size, n in r.brochure_pages.items()]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
