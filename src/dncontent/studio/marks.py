"""Governance in the studio: what changed since sign-off, stale and untranslated text, and the release verdict."""

from __future__ import annotations

from typing import NamedTuple

from ..errors import Problem
from ..governance import checks
from ..governance.units import docs_by_locale, source_locale


class Mark(NamedTuple):
    """Something governance says about one field: shown beside it."""

    code: str  # changed-since-signoff | stale | untranslated
    title: str  # a few words: "Stale translation"
    detail: str = ""  # the sentence behind it
    source: str = ""  # for a stale unit: the source text it was translated from


TITLES = {
    "changed-since-signoff": "Changed since sign-off",
    "stale": "Stale translation",
    "untranslated": "Not translated",
}


def field_marks(files) -> dict[tuple[str, tuple], list[Mark]]:
    """Marks by (file relative to the content folder, path in it). Valid content only, as `validate` has it."""
    docs = docs_by_locale(files)
    out: dict[tuple[str, tuple], list[Mark]] = {}
    for finding in checks.findings(files):
        if finding.code not in TITLES or finding.key:
            continue
        memory = (docs.get(finding.locale, {}).get("translation") or {}).get("units") or {}
        source = memory.get(finding.unit, "") if finding.code == "stale" else ""
        mark = Mark(finding.code, TITLES[finding.code], finding.message, source)
        out.setdefault((f"{finding.locale}/{finding.kind}.yaml", tuple(finding.yaml_path)), []).append(mark)
    return out


class LocaleStatus(NamedTuple):
    locale: str
    draft: bool
    signed_off_by: str | None
    signed_off_on: str | None
    changed: int  # units changed, added or removed since the sign-off
    stale: int
    untranslated: int


def locale_statuses(files, content) -> list[LocaleStatus]:
    """Each locale's review state and governance counts, source locale first."""
    found = checks.status(files)
    order = content.in_order() if content is not None else sorted(found)
    return [
        LocaleStatus(
            locale,
            content.locales[locale].is_draft if content is not None else False,
            found[locale]["signed_off_by"],
            found[locale]["signed_off_on"],
            len(found[locale]["changed_since_signoff"]),
            len(found[locale]["stale"]),
            len(found[locale]["untranslated"]),
        )
        for locale in order
        if locale in found
    ]


def the_source_locale(files) -> str:
    return source_locale(docs_by_locale(files))


class Verdict(NamedTuple):
    ready: bool
    summary: str
    reasons: tuple[Problem, ...]  # what stops a release, located


def release_verdict(problems: list[Problem]) -> Verdict:
    """Whether the content could be released as it is, and what stops it.

    What `dncontent validate --strict` refuses: every error, and every editorial warning (changed since
    sign-off, stale or untranslated text, drafts, placeholder URLs, overdue reviews).
    """
    reasons = tuple(p for p in problems if p.severity in ("error", "warning"))
    if not reasons:
        return Verdict(True, "Ready to release: validate --strict finds nothing to fix", ())
    errors = sum(1 for p in reasons if p.severity == "error")
    parts = [f"{errors} error{'s' * (errors != 1)}"] if errors else []
    warnings = len(reasons) - errors
    if warnings:
        parts.append(f"{warnings} warning{'s' * (warnings != 1)}")
    return Verdict(False, f"Not ready to release: {' and '.join(parts)} to resolve", reasons)
