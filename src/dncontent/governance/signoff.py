"""`dncontent signoff`: record that a clinician reviewed a locale, with a fingerprint of everything approved.

It writes one record in the locale's page.yaml, `signoff`: who (`by`), when (`date`), when the next review is
due (`next_review`, 12 months on unless given) and `units`, unit path -> fingerprint of every unit the
clinician approved: the text, and the values patients see with it (the session minutes, each link as this
locale resolves it, the clinic's name, phone, email and SMS sender). Signing off is the act of a clinician's
review, so this record is the only thing that makes a locale approved (governance/review.py), and only while
it matches the content; the review date and reviewer every channel shows come from it.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import NamedTuple

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from ..errors import ContentError, UsageError
from .fingerprint import fingerprint
from .review import DRAFT, one_year_after
from .units import brand_doc, docs_by_locale, shared_session, signed_units
from .yamledit import Document, WriteRefused, set_text, write_all

# What signing off resolves, so it does not stop a sign-off: `status: approved` typed before any sign-off.
RESOLVED_BY_SIGNOFF = ("review-status",)


class SignoffResult(NamedTuple):
    page: Path
    units: int
    changed: int  # units whose fingerprint the sign-off changed, added or removed
    next_review: str
    first: bool  # no earlier sign-off was recorded
    held: bool = False  # page.yaml keeps the locale a draft (`review.status: draft`) all the same


def signoff(
    content: Path | str,
    locale: str,
    by: str,
    date: datetime.date | None = None,
    next_review: datetime.date | None = None,
    today: datetime.date | None = None,
) -> SignoffResult:
    """Record the sign-off of `locale` by `by` on `date` (today by default). Refuses invalid content."""
    from ..pipeline import validate
    from ..validate import check_content

    root = Path(content)
    today = today or datetime.date.today()
    date = date or today
    by = reviewer(by)
    if date > today:
        raise UsageError(f"--date {date} is in the future: a sign-off records a review that has happened")
    next_review = next_review or one_year_after(date)
    if next_review <= date:
        raise UsageError(f"--next-review {next_review} must be after the sign-off date {date}")
    errors = [p for p in validate(root) if p.severity == "error" and p.code not in RESOLVED_BY_SIGNOFF]
    if errors:
        raise ContentError(errors)
    files, _ = check_content(root)
    docs = docs_by_locale(files)
    if locale not in docs:
        raise UsageError(f"no content for locale {locale!r}; content has {', '.join(sorted(docs))}")
    units = signed_units(docs[locale], brand_doc(files), shared_session(docs))
    page_path = next(f.path for f in files if f.locale == locale and f.kind == "page")
    doc = Document(page_path, root)
    first = not isinstance(doc.data.get("signoff"), dict)
    changed = record(
        doc.data, units={u.path: fingerprint(u.text) for u in units}, by=by, date=date, next_review=next_review
    )
    if doc.changed:
        text = doc.text()
        problems = [p for p in validate(root, replaced={page_path: text}) if p.severity == "error"]
        if problems:  # what the sign-off writes is checked by the rules the page is, before it is written
            raise WriteRefused("the sign-off would leave content that does not validate; nothing was written", problems)
        write_all([(page_path, text)], root)
    review = doc.data.get("review")
    held = isinstance(review, dict) and review.get("status") == DRAFT
    return SignoffResult(page_path, len(units), changed, next_review.isoformat(), first, held)


def reviewer(by: str) -> str:
    """The reviewer's name as it will be written (spaces collapsed), if the content rules accept it as text."""
    from ..load.yaml_reader import text_problem
    from ..validate.glyphs import describe, undrawable

    by = " ".join(by.split())
    if not by or len(by) > 200:
        raise UsageError(
            '--by takes the reviewer\'s name and credentials, e.g. "Dana Ruiz, PT, DPT" (1 to 200 characters)'
        )
    refused = text_problem(by)
    if refused:
        message, hint, _ = refused
        raise UsageError(f"--by: {message}; nothing was written (hint: {hint})")
    missing = undrawable(by)
    if missing:
        raise UsageError(
            f"--by: the brochure's font cannot draw {', '.join(describe(c) for c in missing)}; nothing "
            f"was written (hint: write the name in characters the font has, e.g. Latin letters)"
        )
    return by


def record(page, units: dict[str, str], by: str, date: datetime.date, next_review: datetime.date) -> int:
    """Write the sign-off into a round-trip page document, touching only what differs. Returns units changed.

    Only the `signoff` record is written: the status follows from it, and `review.status: draft`, if the page
    has it, is an editor's choice to keep the locale a draft, which a sign-off leaves as it is.
    """
    if not isinstance(page.get("signoff"), dict):
        page["signoff"] = CommentedMap()
    signoff = page["signoff"]
    _set(signoff, "by", by)
    _set(signoff, "date", DoubleQuotedScalarString(date.isoformat()))
    if "next_review" not in signoff:
        signoff.insert(2, "next_review", DoubleQuotedScalarString(next_review.isoformat()))
    else:
        _set(signoff, "next_review", DoubleQuotedScalarString(next_review.isoformat()))
    if not isinstance(signoff.get("units"), dict):
        signoff["units"] = CommentedMap()
    approved = signoff["units"]
    changed = 0
    for path in [p for p in approved if p not in units]:
        del approved[path]
        changed += 1
    for position, (path, value) in enumerate(units.items()):
        if path not in approved:
            approved.insert(position, path, value)
            changed += 1
        elif approved[path] != value:
            approved[path] = value
            changed += 1
    return changed


def _set(mapping, key: str, value) -> None:
    """Set a field only if its value differs; text keeps the quoting it had, dates are always quoted."""
    if key in mapping and str(mapping[key]) == str(value):
        return
    if key in mapping and not isinstance(value, DoubleQuotedScalarString):
        set_text(mapping, key, value)
    else:
        mapping[key] = value
