"""What `dncontent validate` says about governance: drafts, changes since the sign-off, stale and untranslated text,
waivers.

Runs on valid content only, as the other editorial checks do. Everything here is a warning (an error under
--strict) except a waiver that names a check that cannot be waived, which is an error.
"""

from __future__ import annotations

import datetime
import difflib
import re
from typing import NamedTuple

from ..errors import Problem
from ..load.yaml_reader import format_path
from .fingerprint import fingerprint, normalise
from .review import Assessment, assess, signoff_command
from .units import Unit, brand_doc, docs_by_locale, source_locale, subjects

WAIVABLE = ("reading-grade",)  # a reading score of our wording the clinic may accept for a while
# Never waivable: a placeholder URL or a draft is not publishable, and stale, untranslated or unreviewed text
# is exactly what the sign-off and the translation memory exist to catch.
NOT_WAIVABLE = ("placeholder-url", "draft", "stale", "untranslated", "changed-since-signoff")
# Never a warning, so nothing to waive: a note (near its limit) blocks nothing, an error (over it) must be fixed.
NEVER_WARNINGS = ("sms-budget", "review-due")
SHARED = ("brand", "facts")  # unit kinds every locale's sign-off covers at one line: brand.yaml, the source's facts
URLISH = re.compile(r"https?://\S+|www\.\S+|mailto:\S+|tel:\S+|\S+@\S+\.\S+")
LETTERS = re.compile(r"[^\W\d_]+")
LANGUAGES = {"en": "English", "es": "Spanish"}  # how messages name a source language; others go by their code


def language(code: str) -> str:
    return LANGUAGES.get(code, code)


class Finding(NamedTuple):
    """One thing to report about a unit or a record, before it is located in its file."""

    locale: str
    kind: str  # the content file: page, risks, ...
    yaml_path: tuple
    message: str
    hint: str
    code: str
    severity: str = "warning"
    unit: str = ""  # the unit path, when the finding is about a unit
    detail: str = ""  # for the report: the English now and then, for a stale unit
    key: bool = False  # locate the mapping key rather than its value


def lint(files, problems: list[Problem], today: datetime.date, assessed: dict | None = None) -> list[Problem]:
    """`problems` (the other editorial checks) plus governance's own, with accepted warnings waived."""
    located = {(f.locale, f.kind): f for f in files}
    found = [_locate(located, f) for f in findings(files, assessed)]
    return apply_waivers(files, problems + found, today)


def findings(files, assessed: dict | None = None) -> list[Finding]:
    """Every governance finding in valid content: sign-off and draft status, then stale and untranslated units.

    `assessed` is each locale's sign-off assessment (review.assess), when the caller has made it already.
    """
    assessed = assess(files) if assessed is None else assessed
    docs = docs_by_locale(files)
    brand = brand_doc(files)
    names = [n for n in (brand.get("name"), (brand.get("sms") or {}).get("sender")) if isinstance(n, str)]
    source = source_locale(docs)
    out: list[Finding] = []
    for locale in sorted(docs):
        out += signoff_findings(assessed[locale])
        if locale != source and source in docs:
            out += translation_findings(
                locale, docs[locale].get("translation"), assessed[locale].text, assessed[source].text, source, names
            )
    return out


def status(files, assessed: dict | None = None) -> dict[str, dict]:
    """Per locale, for the report: the sign-off, and the units changed since it, stale and untranslated."""
    located = {(f.locale, f.kind): f for f in files}
    assessed = assess(files) if assessed is None else assessed
    out: dict[str, dict] = {}
    for locale, assessment in assessed.items():
        signoff = assessment.signoff
        out[locale] = {
            "signed_off_by": signoff.by if signoff else None,
            "signed_off_on": signoff.date if signoff else None,
            "changed_since_signoff": [],
            "stale": [],
            "untranslated": [],
        }
    for finding in findings(files, assessed):
        if finding.severity != "warning" or not finding.unit:
            continue
        problem = _locate(located, finding)
        row = {"unit": finding.unit, "where": f"{problem.file}:{problem.line}:{problem.col}"}
        if finding.detail:
            row["detail"] = finding.detail
        key = {"changed-since-signoff": "changed_since_signoff"}.get(finding.code, finding.code)
        out[finding.locale][key].append(row)
    return out


def _locate(located, finding: Finding) -> Problem:
    if finding.kind == "brand":
        key: tuple[str | None, str] = (None, "brand")
    elif finding.kind == "facts":  # the facts every locale shows: the source locale's session.yaml
        key = (source_locale({locale for locale, _ in located if locale}), "session")
    else:
        key = (finding.locale, finding.kind)
    file = located[key]
    line, col = file.doc.where(finding.yaml_path, key=finding.key)
    return Problem(
        file.display,
        line,
        col,
        format_path(finding.yaml_path),
        finding.message,
        finding.hint,
        severity=finding.severity,
        code=finding.code,
    )


def signoff_findings(assessment: Assessment) -> list[Finding]:
    """Whether the locale is a draft and why; each unit changed, added or removed since its sign-off, where it is.

    Shared values (the clinic's name, phone, links, and the facts in the source locale's session.yaml) are in every
    locale's sign-off, so a change to one is reported once per signed-off locale, at its one line, naming the locale.
    """
    locale, signoff = assessment.locale, assessment.signoff
    again = signoff_command(locale)
    if signoff is None:
        if assessment.typed == "approved":
            return []  # the typed status is an error already (review.refusals), saying the same at the same line
        return [
            Finding(
                locale,
                "page",
                ("review", "status") if assessment.typed else (),
                f"locale {locale!r} is a draft: no clinician has signed off its text, and every output says so",
                f"once a clinician has reviewed it, record the sign-off: {again}",
                "draft",
            )
        ]
    who = f"the sign-off by {signoff.by} on {signoff.date}"
    hint = f"have a clinician review it, then record the sign-off: {again}"
    out = []
    for change in assessment.changes:
        since = (
            who
            if change.unit is None or change.unit.kind not in SHARED
            else f"the {locale} sign-off by {signoff.by} on {signoff.date}"
        )
        if change.how == "removed":
            out.append(
                Finding(
                    locale,
                    "page",
                    ("signoff", "units", change.path),
                    f"{change.path} was removed since {since}",
                    hint,
                    "changed-since-signoff",
                    unit=change.path,
                    key=True,
                )
            )
        else:
            assert change.unit is not None  # only a removed unit is nowhere now
            out.append(
                Finding(
                    locale,
                    change.unit.kind,
                    change.unit.yaml_path,
                    f"{change.how} since {since} ({change.path})",
                    hint,
                    "changed-since-signoff",
                    unit=change.path,
                )
            )
    if out:
        out.append(
            Finding(
                locale,
                "page",
                ("signoff",),
                f"locale {locale!r} is a draft again: {len(out)} unit(s) changed, added or removed since {who}",
                hint,
                "draft",
                key=True,
            )
        )
    elif assessment.held:
        out.append(
            Finding(
                locale,
                "page",
                ("review", "status"),
                f"locale {locale!r} is kept a draft by "
                f"review.status, though signed off by {signoff.by} on {signoff.date}",
                "remove `status: draft` to publish it as approved",
                "draft",
            )
        )
    else:
        out.append(
            Finding(
                locale,
                "page",
                ("signoff",),
                f"signed off by {signoff.by} on {signoff.date}: all {len(assessment.units)} units as approved",
                "",
                "signoff",
                "info",
            )
        )
    return out


def translation_findings(
    locale: str, memory: dict | None, units: list[Unit], source_units: list[Unit], source: str, names: list[str]
) -> list[Finding]:
    """Untranslated units (identical to the source) and stale ones (the source changed since translation)."""
    english = {unit.path: unit.text for unit in source_units}
    recorded = (memory or {}).get("units") or {}
    confirmed = set((memory or {}).get("same") or ())
    record_hint = (
        f"update the translation: dncontent i18n export --locale {locale} --only stale, then "
        f"dncontent i18n import the translated file"
    )
    name = language(source)
    out = []
    for unit in units:
        now = english.get(unit.path)
        if now is None:
            continue  # a unit the source does not have: the id mirror check reports it
        then = recorded.get(unit.path)
        if normalise(unit.text) == normalise(now):
            # unless a translator confirmed it is meant to read the same (imported with the source text as its translation)
            if unit.path not in confirmed and not language_neutral(unit.text, names):
                out.append(
                    Finding(
                        locale,
                        unit.kind,
                        unit.yaml_path,
                        f"not translated: identical to the {name} ({unit.path})",
                        "translate it; text meant to read the same is confirmed "
                        "through a PO file (see dncontent i18n export)",
                        "untranslated",
                        unit=unit.path,
                    )
                )
            continue
        if memory is None:
            continue  # no memory: staleness is not tracked (one info line below)
        if then is None:
            out.append(
                Finding(
                    locale,
                    unit.kind,
                    unit.yaml_path,
                    f"no record of the {name} text this translates ({unit.path})",
                    f"record it once the translation is checked: dncontent i18n mark-current --locale {locale}",
                    "stale",
                    unit=unit.path,
                )
            )
        elif fingerprint(then) != fingerprint(now):
            shown_now, shown_then = quote_change(now, then)
            out.append(
                Finding(
                    locale,
                    unit.kind,
                    unit.yaml_path,
                    f"stale translation: the {name} changed since it "
                    f"was translated ({unit.path}; {name} now: {shown_now}; then: {shown_then})",
                    record_hint,
                    "stale",
                    unit=unit.path,
                    detail=f"now: {shown_now}; then: {shown_then}",
                )
            )
    if memory is None:
        out.append(
            Finding(
                locale,
                "page",
                ("title",),
                f"no translation memory (content/{locale}/translation.yaml): stale translations are not tracked",
                f"record what each unit was translated from: dncontent i18n mark-current --locale {locale}",
                "translation-memory",
                "info",
            )
        )
    return out


def language_neutral(text: str, names: list[str]) -> bool:
    """Text that reads the same in every language: names, addresses, numbers, placeholders, acronyms.

    What is left once placeholders, URLs, e-mail addresses and the clinic's name and SMS sender are taken
    out must have no words, or only all-capital ones of two letters or more (HIV, MRI, STOP).
    """
    rest = re.sub(r"\{[^{}]*\}", " ", text)
    rest = URLISH.sub(" ", rest)
    for name in sorted(names, key=len, reverse=True):
        rest = rest.replace(name, " ")
    words = LETTERS.findall(rest)
    return all(len(word) > 1 and word.isupper() for word in words)


def quote_change(now: str, then: str, context: int = 4, width: int = 12) -> tuple[str, str]:
    """Both texts quoted, short ones whole and long ones around the first words that differ."""
    a, b = normalise(now).split(), normalise(then).split()
    if len(a) <= width and len(b) <= width:
        return f'"{" ".join(a)}"', f'"{" ".join(b)}"'
    start = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    start = max(0, start - context)

    def excerpt(words: list[str]) -> str:
        shown = " ".join(words[start : start + width])
        return f'"{"…" if start else ""}{shown}{"…" if start + width < len(words) else ""}"'

    return excerpt(a), excerpt(b)


def apply_waivers(files, problems: list[Problem], today: datetime.date) -> list[Problem]:
    """Turn each waived warning into an info line; report expired, unusable and unused waivers."""
    by_display = {f.display: f for f in files if f.doc is not None}
    pages = {f.locale: f for f in files if f.kind == "page" and f.doc is not None and isinstance(f.doc.data, dict)}
    active: list[tuple] = []  # (locale, index, waiver, page file)
    extra: list[Problem] = []
    for locale, page in sorted(pages.items()):
        waivers = page.doc.data.get("waivers")
        for i, waiver in enumerate(waivers if isinstance(waivers, list) else ()):
            if not isinstance(waiver, dict):
                continue
            check = waiver.get("check")
            if check not in WAIVABLE:
                guess = difflib.get_close_matches(str(check), WAIVABLE, n=1)
                why = (
                    "must be fixed, not waived"
                    if check in NOT_WAIVABLE
                    else "is never a warning: a note blocks nothing, an error must be fixed"
                    if check in NEVER_WARNINGS
                    else "is not a check that can be waived"
                )
                known = check in NOT_WAIVABLE or check in NEVER_WARNINGS
                extra.append(
                    _at(
                        page,
                        ("waivers", i, "check"),
                        f"waiver: {check!r} {why}",
                        f"did you mean {guess[0]!r}?"
                        if guess and not known
                        else f"waivable checks: {', '.join(WAIVABLE)}",
                        "error",
                        "waiver",
                    )
                )
            elif str(waiver.get("until")) < today.isoformat():
                extra.append(
                    _at(
                        page,
                        ("waivers", i, "until"),
                        f"waiver for {check} on {waiver.get('unit')!r} expired on {waiver.get('until')}",
                        "fix what it waived, or have the clinic renew it with a new `until`",
                        "warning",
                        "waiver-expired",
                    )
                )
            else:
                active.append((locale, i, waiver, page))
    used: set[tuple] = set()
    out = []
    for problem in problems:
        waiver = _waiver_for(problem, active, by_display) if problem.severity == "warning" else None
        if waiver is None:
            out.append(problem)
            continue
        locale, i, details, page = waiver
        used.add((locale, i))
        line = page.doc.where(("waivers", i))[0]
        out.append(
            problem._replace(
                severity="info",
                hint="",
                message=f"{problem.message} (waived until "
                f"{details['until']} by {page.display}:{line}, accepted by "
                f"{details['accepted_by']}: {details['reason']})",
            )
        )
    for locale, i, details, page in active:
        if (locale, i) not in used:
            extra.append(
                _at(
                    page,
                    ("waivers", i),
                    f"waiver for {details['check']} on {details['unit']!r} matches no warning",
                    "remove it if the warning is gone",
                    "info",
                    "waiver",
                )
            )
    return out + extra


def _waiver_for(problem: Problem, active: list[tuple], by_display: dict) -> tuple | None:
    if problem.code not in WAIVABLE or not active:
        return None
    file = by_display.get(problem.file)
    if file is None or file.locale is None:
        return None
    names = None
    for entry in active:
        locale, _, waiver, _ = entry
        if locale != file.locale or waiver.get("check") != problem.code:
            continue
        if names is None:
            names = subjects(file.doc.data, file.kind, _parse_field(problem.field))
        if waiver.get("unit") in names:
            return entry
    return None


def _parse_field(field: str) -> tuple:
    """ "messages[1].body" -> ("messages", 1, "body"), the inverse of format_path."""
    out: list = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", field):
        out.append(int(index) if index else name)
    return tuple(out)


def _at(page, path: tuple, message: str, hint: str, severity: str, code: str) -> Problem:
    line, col = page.doc.where(path)
    return Problem(page.display, line, col, format_path(path), message, hint, severity=severity, code=code)
