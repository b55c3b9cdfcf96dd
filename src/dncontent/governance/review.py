"""Review status, earned rather than typed: a locale is approved only while its recorded sign-off matches it.

`assess` compares each locale's sign-off record (page.yaml's `signoff`, written by `dncontent signoff`) with the
content as it is now. A locale is approved when the record's fingerprints match every unit it covers (none
changed, added or removed) and page.yaml does not hold it back with `review.status: draft`; anything else is a
draft. The review date, the reviewer and the next review come from the record alone, and a draft has none.
Validation, the model and so every channel take the status from here; nothing else decides it.
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

from ..errors import Problem
from ..load.yaml_reader import format_path
from ..model import Review
from .fingerprint import fingerprint
from .units import Unit, brand_doc, docs_by_locale, locale_units, shared_session, value_units

APPROVED, DRAFT = "approved", "draft"


def signoff_command(locale: str) -> str:
    return f'dncontent signoff --locale {locale} --by "NAME, CREDENTIALS"'


def one_year_after(date: datetime.date) -> datetime.date:
    try:
        return date.replace(year=date.year + 1)
    except ValueError:  # 29 February
        return date.replace(year=date.year + 1, day=28)


class Signoff(NamedTuple):
    """A clinician's recorded review of one locale."""

    by: str
    date: str  # YYYY-MM-DD
    next_review: str  # YYYY-MM-DD; a year after `date` for a record written before it was kept
    units: dict[str, str]  # unit path -> fingerprint approved


class Change(NamedTuple):
    """One difference between the content now and what was signed off."""

    how: str  # changed | added | removed
    path: str  # the unit path
    unit: Unit | None  # where it is now; None for a unit removed since


class Assessment(NamedTuple):
    """What the sign-off of one locale says about the content as it is now."""

    locale: str
    text: list[Unit]  # the locale's text units (what a translator translates)
    values: list[Unit]  # the values patients see besides the text: facts, links, the clinic's name and numbers
    signoff: Signoff | None
    changes: tuple[Change, ...]  # since the sign-off; empty without one
    typed: str | None  # review.status as written in page.yaml, if it is

    @property
    def units(self) -> list[Unit]:
        """Everything a sign-off covers."""
        return self.text + self.values

    @property
    def status(self) -> str:
        return APPROVED if self.signoff and not self.changes and self.typed != DRAFT else DRAFT

    @property
    def held(self) -> bool:
        """Signed off and unchanged, but kept a draft on purpose by `review.status: draft`."""
        return bool(self.signoff) and not self.changes and self.typed == DRAFT

    @property
    def review(self) -> Review:
        """The review as channels show it: the sign-off's date, reviewer and next review, or nothing for a draft."""
        if self.status != APPROVED:
            return Review(DRAFT)
        assert self.signoff is not None  # approved means signed off
        return Review(APPROVED, self.signoff.date, self.signoff.next_review, self.signoff.by)


def assess(files) -> dict[str, Assessment]:
    """Every locale's assessment, each unit fingerprinted once."""
    brand = brand_doc(files)
    out = {}
    by_locale = docs_by_locale(files)
    shared = shared_session(by_locale)
    for locale, kinds in sorted(by_locale.items()):
        page = kinds.get("page") or {}
        review = page.get("review")
        typed = review.get("status") if isinstance(review, dict) else None
        text, values = locale_units(kinds), value_units(kinds, brand, shared)
        signoff = read_signoff(page.get("signoff"))
        out[locale] = Assessment(
            locale,
            text,
            values,
            signoff,
            compare(signoff, text + values) if signoff else (),
            typed if isinstance(typed, str) else None,
        )
    return out


def read_signoff(record) -> Signoff | None:
    if not (
        isinstance(record, dict)
        and isinstance(record.get("units"), dict)
        and isinstance(record.get("by"), str)
        and isinstance(record.get("date"), str)
    ):
        return None
    next_review = record.get("next_review")
    if not isinstance(next_review, str):
        try:
            next_review = one_year_after(datetime.date.fromisoformat(record["date"])).isoformat()
        except ValueError:
            next_review = record["date"]
    return Signoff(record["by"], record["date"], next_review, record["units"])


def compare(signoff: Signoff, units: list[Unit]) -> tuple[Change, ...]:
    """Units changed or added since the sign-off, in content order, then those removed since."""
    approved = signoff.units
    changes = []
    for unit in units:
        if unit.path not in approved:
            changes.append(Change("added", unit.path, unit))
        elif approved[unit.path] != fingerprint(unit.text):
            changes.append(Change("changed", unit.path, unit))
    present = {unit.path for unit in units}
    changes += [Change("removed", path, None) for path in approved if path not in present]
    return tuple(changes)


def refusals(files, assessed: dict[str, Assessment]) -> list[Problem]:
    """`review.status: approved` typed where no matching sign-off earns it: an error at that line."""
    pages = {f.locale: f for f in files if f.kind == "page" and f.doc is not None}
    out = []
    for locale, assessment in assessed.items():
        if assessment.typed != APPROVED or assessment.status == APPROVED:
            continue
        signoff = assessment.signoff
        why = (
            "no sign-off is recorded"
            if signoff is None
            else f"{len(assessment.changes)} unit(s) changed, added or removed since the sign-off by {signoff.by} on "
            f"{signoff.date}"
        )
        path = ("review", "status")
        line, col = pages[locale].doc.where(path)
        out.append(
            Problem(
                pages[locale].display,
                line,
                col,
                format_path(path),
                f"'approved' is not a status to type: {why}",
                f"only a recorded sign-off approves a locale; remove this line, and once a clinician has "
                f"reviewed the text: {signoff_command(locale)}",
                code="review-status",
            )
        )
    return out
