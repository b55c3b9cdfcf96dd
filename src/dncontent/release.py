"""A release: what must be true before content reaches patients, and what a release's manifest records of it.

`dncontent build --release` refuses, writing nothing, while the content has an error or any warning that is
not waived: a placeholder link, a draft locale, a stale or untranslated unit, a change since the sign-off, an
overdue review, a message over its budget, our wording over its reading target. A draft may be published on
purpose with `--allow-draft LOCALE`: it keeps its draft notices, and its manifest entry says so. Notes and
info lines never refuse a release. A plain build reports the same reasons in one line, without refusing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from .errors import DncontentError, Problem
from .load.yaml_reader import format_path
from .model import Content

DRAFT_CODES = ("draft",)  # the warnings that say a locale's text has not been reviewed
# What a draft published on purpose may still have: it is a draft because its text is not approved as it stands.
UNAPPROVED_CODES = DRAFT_CODES + ("changed-since-signoff",)
BLOCKING = ("error", "warning")
# How the development build's last line counts each kind of reason: code -> (one, many).
KINDS = {
    "placeholder-url": ("placeholder link", "placeholder links"),
    "draft": ("draft locale", "draft locales"),
    "no-signoff": ("approved locale without a recorded sign-off", "approved locales without a recorded sign-off"),
    "changed-since-signoff": ("change since the sign-off", "changes since the sign-off"),
    "stale": ("stale translation", "stale translations"),
    "untranslated": ("untranslated unit", "untranslated units"),
    "review-overdue": ("overdue review", "overdue reviews"),
    "sms-budget": ("message over its budget", "messages over their budget"),
    "reading-grade": ("reading score off its target", "reading scores off their target"),
}


class ReleaseRefused(DncontentError):
    """Content that must not be published yet; nothing was written."""

    def __init__(self, reasons: list[Problem]):
        self.problems = sorted(reasons)
        count = len(self.problems)
        drafts = any(p.code in DRAFT_CODES for p in self.problems)
        super().__init__(
            f"release refused for {count} reason{'s' * (count != 1)} (listed above); nothing was "
            f"written"
            + (
                "; a draft is published only on purpose, with --allow-draft LOCALE, and keeps its draft notices"
                if drafts
                else ""
            )
        )


def refusals(files, content: Content, problems: Iterable[Problem], allow_draft: Iterable[str] = ()) -> list[Problem]:
    """Every reason, at its file:line, why `content` (the locales it holds, and the shared files) may not be
    released: each error and each warning that is not waived, as errors, plus each draft not allowed."""
    located = {f.display: f for f in files}
    allowed = {locale for locale in allow_draft if locale in content.locales and content.locales[locale].is_draft}
    reasons, reported = [], set()
    for problem in in_scope(files, content, problems):
        if problem.severity not in BLOCKING:
            continue
        file = located.get(problem.file)
        locale = file.locale if file else None
        if problem.code in DRAFT_CODES:
            reported.add(locale)
        if locale in allowed and problem.code in UNAPPROVED_CODES:
            continue
        reasons.append(problem._replace(severity="error"))
    for locale, page in content.locales.items():
        if page.is_draft and locale not in allowed and locale not in reported:
            reasons.append(
                _at(
                    files,
                    locale,
                    ("review", "status"),
                    f"locale {locale!r} is a draft: no clinician has reviewed its text",
                    _signoff_hint(locale),
                    "draft",
                )
            )
        elif not page.is_draft and signoff_record(files, locale) is None:
            reasons.append(
                _at(
                    files,
                    locale,
                    ("review", "status"),
                    f"locale {locale!r} says approved, but no clinician's sign-off is recorded",
                    _signoff_hint(locale),
                    "no-signoff",
                )
            )
    return sorted(reasons)


def in_scope(files, content: Content, problems: Iterable[Problem]) -> list[Problem]:
    """The problems of the shared files and of the locales `content` holds (a build of some locales only)."""
    locale_of = {f.display: f.locale for f in files}
    return [p for p in problems if locale_of.get(p.file) is None or locale_of[p.file] in content.locales]


def signoff_record(files, locale: str) -> dict | None:
    """The locale's recorded sign-off (who, when, the fingerprints approved), or None."""
    page = next((f for f in files if f.locale == locale and f.kind == "page" and f.doc is not None), None)
    record = page.doc.data.get("signoff") if page and isinstance(page.doc.data, dict) else None
    return record if isinstance(record, dict) else None


def fingerprint(record: dict) -> str:
    """sha256 of a sign-off record as canonical JSON (sorted keys, no spaces, UTF-8): the same record, the same
    fingerprint, however its YAML is laid out."""
    canonical = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def locale_records(files, content: Content, allow_draft: Iterable[str] = ()) -> dict[str, dict]:
    """What a release's manifest says of each locale: approved, with its sign-off's fingerprint, or a draft
    published on purpose (draft-allowed), with none. Only for content `refusals` let through."""
    out = {}
    for locale in content.in_order():
        if content.locales[locale].is_draft:
            out[locale] = {"status": "draft-allowed", "signoff": None}
        else:
            record = signoff_record(files, locale)
            assert record is not None  # approved: page.yaml records the sign-off
            out[locale] = {"status": "approved", "signoff": fingerprint(record)}
    return out


def summary(warnings: int, reasons: list[Problem]) -> str:
    """One line on the warnings and what a release would refuse, for the end of a development build."""
    counted = f"{warnings} warning{'s' * (warnings != 1)}"
    if not reasons:
        return (
            f"{counted}: a release would go ahead (dncontent build --release)"
            if warnings
            else "No warnings: a release would go ahead (dncontent build --release)"
        )
    counts: dict[str, int] = {}
    for reason in reasons:
        counts[reason.code] = counts.get(reason.code, 0) + 1
    kinds = ", ".join(
        f"{n} {KINDS.get(code, (f'{code} problem', f'{code} problems'))[n != 1]}" for code, n in counts.items()
    )
    return f"{counted}; a release would refuse: {kinds} (dncontent validate shows them)"


def _signoff_hint(locale: str) -> str:
    return f'have a clinician review it, then record the sign-off: dncontent signoff --locale {locale} --by "NAME, CREDENTIALS"'


def _at(files, locale: str, path: tuple, message: str, hint: str, code: str) -> Problem:
    page = next(f for f in files if f.locale == locale and f.kind == "page")
    line, col = page.doc.where(path)
    return Problem(page.display, line, col, format_path(path), message, hint, code=code)
