"""Translator files: export a locale as gettext PO (one entry per unit) and import a translated PO back.

An entry's msgctxt is the unit path, its msgid the source text now and its msgstr the translation. A stale
unit is `#, fuzzy` with the source text it was translated from as `#| msgid`, the way msgmerge marks a changed
message. Import checks every entry, and the content that would result, before it writes anything.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import NamedTuple

import polib

from ..errors import DncontentError, Problem, UsageError
from ..load.files import display_path
from ..load.yaml_reader import format_path
from ..model.facts import MEANINGS as FACTS
from ..resources import schemas_dir
from .fingerprint import normalise
from .pofile import ImportRefused, read_po
from .translation import Translation, current_memory, memory_text, open_content, open_translation, stale, untranslated
from .units import Unit, locale_units, placeholders

ONLY = ("all", "stale", "untranslated")
DEFAULT_TRANSLATOR = "FULL NAME <EMAIL@ADDRESS>"  # a template's Last-Translator, before anyone fills it in
PLACEHOLDER_MEANING = {
    "{clinic}": "the clinic's name",
    "{page}": "the address of this page",
    "{contraindications}": "the short forms of the contraindications, joined as a list",
    **{"{" + name + "}": meaning for name, meaning in FACTS.items()},
}


# ---------------------------------------------------------------- export


def export(content: Path | str, locale: str, only: str = "all") -> tuple[str, int]:
    """The PO file for `locale` as text, and how many entries it has."""
    if only not in ONLY:
        raise UsageError(f"--only takes one of {', '.join(ONLY)}")
    t = open_translation(content, locale)
    source_docs = {f.kind: f.doc.data for f in t.files if f.locale == t.source}
    po = polib.POFile(wrapwidth=78)
    po.header = (
        f"{source_docs['page']['title']}: the {t.source} text and its {locale} translation, one entry per unit.\n"
        f"msgctxt is the unit path; a fuzzy entry is stale: the {t.source} text changed since it was translated,\n"
        f"and #| msgid shows it as it was. Written by `dncontent i18n export --locale {locale}`;\n"
        f"read back with `dncontent i18n import FILE`."
    )
    po.metadata = _metadata(t, source_docs)
    for source_unit, entry in zip(t.source_units, _entries(t.files, t.source, t.source_units)):
        unit = t.units.get(source_unit.path)
        english = source_unit.text
        missing = unit is None or untranslated(t, unit, english)
        entry.msgstr = "" if missing or unit is None else unit.text
        if not missing and (
            stale(t, source_unit.path, english) or (t.memory_path.is_file() and source_unit.path not in t.records)
        ):
            entry.flags.insert(0, "fuzzy")
            if source_unit.path in t.records:
                entry.previous_msgid = t.records[source_unit.path]
        if only == "stale" and "fuzzy" not in entry.flags or only == "untranslated" and not missing:
            continue
        po.append(entry)
    return str(po) + "\n", len(po)


def template(content: Path | str) -> tuple[str, int]:
    """The POT file of the source locale as text (every unit, empty translations), and how many entries it has."""
    root, files, docs, source = open_content(content)
    units = locale_units(docs[source])
    po = polib.POFile(wrapwidth=78)
    po.header = (
        f"{docs[source]['page']['title']}: the {source} text, one entry per unit, to translate into a new locale.\n"
        f"msgctxt is the unit path. Written by `dncontent i18n export --template`; start a locale's file\n"
        f"from it (msginit, or a new translation in Poedit or Weblate), then read it back with\n"
        f"`dncontent i18n import FILE --locale LOCALE`."
    )
    po.metadata_is_fuzzy = True  # a template's header is filled in when a translation starts from it
    po.metadata = {
        "Project-Id-Version": "dncontent",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": f"{_content_date(docs[source]['page'])} 00:00+0000",
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": DEFAULT_TRANSLATOR,
        "Language-Team": "LANGUAGE <LL@li.org>",
        "Language": "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Source-Language": source,
    }
    for entry in _entries(files, source, units):
        po.append(entry)
    return str(po) + "\n", len(po)


def _entries(files: list, source: str, units: list[Unit]) -> list[polib.POEntry]:
    """One entry per source unit: its path, its text, where it appears and what it must keep; no translation."""
    source_docs = {f.kind: f.doc.data for f in files if f.locale == source}
    lines = {f.kind: f for f in files if f.locale == source}
    labels_schema = json.loads((schemas_dir() / "labels.schema.json").read_text("utf-8")).get("properties", {})
    entries = []
    for unit in units:
        entry = polib.POEntry(msgctxt=unit.path, msgid=unit.text, msgstr="")
        entry.comment = _describe(unit, source_docs, labels_schema)
        entry.occurrences = [(f"{source}/{unit.kind}.yaml", str(lines[unit.kind].doc.where(unit.yaml_path)[0]))]
        if placeholders(unit.text):
            entry.flags.append("python-brace-format")  # so msgfmt --check and translators' tools check them
        entries.append(entry)
    return entries


def _metadata(t: Translation, source_docs: dict) -> dict:
    from babel import Locale, UnknownLocaleError
    from babel.messages.plurals import get_plural

    page = next(f.doc.data for f in t.files if f.locale == t.locale and f.kind == "page")
    try:
        plural = get_plural(t.locale.replace("-", "_"))
        plural_forms = f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"
        team = Locale.parse(t.locale.replace("-", "_")).english_name
    except (ValueError, UnknownLocaleError):
        plural_forms, team = "nplurals=2; plural=(n != 1);", t.locale
    # dates from the content, not the clock, so the same content always gives the same file
    return {
        "Project-Id-Version": "dncontent",
        "POT-Creation-Date": f"{_content_date(source_docs['page'])} 00:00+0000",
        "PO-Revision-Date": f"{_content_date(page)} 00:00+0000",
        "Language": t.locale,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural_forms,
        "Last-Translator": "",
        "Language-Team": team,
        "X-Source-Language": t.source,
    }


def _content_date(page: dict) -> str:
    """The date a page's text was last settled: its sign-off, else the date it was captured from its source."""
    signoff = page["signoff"] if isinstance(page.get("signoff"), dict) else {}
    return signoff.get("date") or page["source"].get("captured") or "1970-01-01"


def _describe(unit: Unit, docs: dict, labels_schema: dict) -> str:
    """Where a unit appears and what it must keep, for the translator (the PO file's #. comments)."""
    parts = unit.path.split("/")
    everywhere = "Web page, brochure and app"
    if unit.kind == "page" and parts[0] == "page":
        where = {
            "title": f"{everywhere}: the page title",
            "topic": "The therapy's name as patients say it: search metadata and summaries",
        }[parts[1]]
    elif unit.kind == "page":
        section = docs["page"]["sections"][unit.yaml_path[1]]
        heading = f" ({section['heading']})" if section.get("heading") else ""
        if parts[2] == "heading":
            where = f"{everywhere}: heading of the section '{parts[1]}'"
        elif parts[2] == "paragraphs":
            where = f"{everywhere}: paragraph {parts[3]} of the section '{parts[1]}'{heading}"
        else:
            where = f"{everywhere}: closing paragraph {parts[3]} of the section '{parts[1]}'{heading}, after its list"
    elif unit.kind in ("conditions", "risks"):
        where = {
            "conditions": f"{everywhere}: list of conditions it can help with",
            "risks": f"{everywhere}: list of risks and side effects",
        }[unit.kind]
    elif unit.kind == "contraindications":
        where = (
            f"{everywhere}: list of when to avoid or be cautious (tell your therapist if you have...)"
            if parts[2] == "label"
            else "Text messages: short form, joined with the others into one list "
            "(a, b or c) in running text; keep it short"
        )
    elif unit.kind == "session":
        where = f"{everywhere}: {'title' if parts[3] == 'label' else 'text'} of the session phase '{parts[2]}'"
    elif unit.kind == "cta":
        where = (
            f"Web page and brochure: button text of the call to action '{parts[1]}'"
            if parts[2] == "label"
            else f"Web page: accessible name of the link '{parts[1]}', read out by screen readers"
        )
    elif unit.kind == "sms" and unit.yaml_path[0] == "keywords":
        reply = docs["sms"]["keywords"][parts[2]]
        words = ", ".join(reply.get("keywords") or ())
        where = (
            f"Text message: the reply to the keyword{'s' * (', ' in words)} {words} ({parts[2]}). The sender is "
            f"added before it; no opt-out line after it. Budget: {reply['segments']} SMS segment(s); keep the "
            f"keywords it names as written"
        )
    elif unit.kind == "sms":
        message = next(m for m in docs["sms"]["messages"] if m["id"] == parts[1])
        note = f" ({message['description']})" if message.get("description") else ""
        where = (
            f"Text message '{parts[1]}'{note}. The sender and a colon are added before it and the opt-out line after "
            f"it. Budget: {message['segments']} SMS segment(s); keep it as short as the English"
        )
    else:
        about = labels_schema.get(parts[1], {})
        where = f"Wording around the text: {about.get('title', parts[1])}. {about.get('description', '')}".strip()
    kept = list(dict.fromkeys(placeholders(unit.text)))
    if kept:
        shown = [
            f"{p} ({PLACEHOLDER_MEANING[p]})"
            if p in PLACEHOLDER_MEANING
            else f"{p} (the address of the call to action {p[5:-1]!r})"
            if p.startswith("{url:")
            else p
            for p in kept
        ]
        where += f"\nKeep the placeholders exactly as written: {', '.join(shown)}"
    return where


# ---------------------------------------------------------------- import


class ImportResult(NamedTuple):
    locale: str
    updated: int  # units whose text changed
    unchanged: int
    untranslated: int  # empty msgstr: left as they are
    fuzzy_taken: int
    memory_written: bool
    files: list[Path]  # content files written
    warnings: list[Problem] = []  # entries skipped: their unit is no longer in the content
    still_stale: int = 0  # units of the locale stale after the import


def import_po(
    content: Path | str, po_path: Path | str, locale: str | None = None, accept_fuzzy: bool = False
) -> ImportResult:
    """Write the translations of a PO file into the content, after checking all of it. All or nothing."""
    po_path = Path(po_path)
    shown = display_path(po_path)
    po, text, header = read_po(po_path, shown)
    language = po.metadata.get("Language", "").strip()
    locale = locale or language.replace("_", "-")
    if not locale:
        raise UsageError(f"{shown} does not say its language (no Language header); give --locale")
    t = open_translation(content, locale)
    if language:
        mismatch = language_mismatch(language, locale, {f.locale for f in t.files if f.locale})
        if mismatch:
            line = header["Language"].line if "Language" in header else 1
            raise ImportRefused(
                f"{shown} not imported: it is not in {locale}; nothing was written",
                [Problem(shown, line, 1, "", *mismatch, code="po-language")],
            )
    english = {u.path: u for u in t.source_units}
    problems: list[Problem] = []
    accepted: list[tuple[polib.POEntry, Unit]] = []
    seen: dict[str, int] = {}
    skipped = fuzzy_taken = 0

    _number_lines(po, text)

    warnings: list[Problem] = []

    def refuse(entry, message, hint="", code="po"):
        problems.append(Problem(shown, entry.linenum or 1, 1, entry.msgctxt or "", message, hint, code=code))

    for entry in po:
        if entry.obsolete:
            continue
        path = entry.msgctxt
        if path in seen:
            refuse(entry, f"{path} appears twice", f"first on line {seen[path]}; keep one")
            continue
        seen[path or ""] = entry.linenum or 1
        if path not in english:
            warnings.append(
                Problem(
                    shown,
                    entry.linenum or 1,
                    1,
                    path or "",
                    f"skipped: no such unit in content/{t.source} (removed or renamed since the file was exported)",
                    f"export again for the current units: dncontent i18n export --locale {t.locale}",
                    "warning",
                    "po-obsolete",
                )
            )
            continue
        if entry.fuzzy and not accept_fuzzy:
            refuse(
                entry,
                "entry is fuzzy: its translation is not confirmed against the English",
                "check it against the msgid and remove the fuzzy flag, or import with --accept-fuzzy",
                code="po-fuzzy",
            )
            continue
        if not entry.msgstr.strip():
            skipped += 1
            continue
        unit = t.units.get(path)
        if unit is None:
            refuse(entry, f"content/{t.locale} has no {path}", f"add it to content/{t.locale} first", code="po-context")
            continue
        wanted, found = placeholders(english[path].text), placeholders(entry.msgstr)
        if wanted != found:
            refuse(
                entry,
                f"placeholders do not match the English: expected {', '.join(wanted) or 'none'}, "
                f"found {', '.join(found) or 'none'}",
                "keep every {placeholder} exactly as the English has it",
                code="po-placeholder",
            )
            continue
        fuzzy_taken += entry.fuzzy
        accepted.append((entry, unit))
    if problems:
        raise ImportRefused(
            f"{shown} not imported: {len(problems)} problem(s); nothing was written", problems + warnings
        )
    translator = _translator(po.metadata.get("Last-Translator", ""))
    return _apply(t, shown, accepted, skipped, fuzzy_taken, translator)._replace(warnings=warnings)


def _translator(value: str) -> str | None:
    """The header's Last-Translator as the memory records it; None when it is empty, the template's FULL NAME
    <EMAIL@ADDRESS>, or what msginit --no-translator writes."""
    value = " ".join(value.split())
    return value if value and not value.startswith(("FULL NAME", "Automatically generated")) else None


def _number_lines(po: polib.POFile, text: str) -> None:
    """Point each entry at its msgstr line, the line that holds the translation (as msgfmt reports), rather than
    where polib began the entry (its first comment)."""
    msgstrs = [n for n, line in enumerate(text.splitlines(), start=1) if line.startswith("msgstr")]
    for entry in po:
        if not entry.obsolete and entry.linenum:
            entry.linenum = next((n for n in msgstrs if n >= entry.linenum), entry.linenum)


def language_mismatch(language: str, locale: str, locales: set[str]) -> tuple[str, str] | None:
    """Why a PO file whose header says `language` cannot go into `locale` (message, hint), or None.

    Tags compare as BCP 47 does, whatever their spelling (es_419 is es-419, pt_BR.UTF-8 is pt-BR). A file for the
    language in general fits a regional locale and the other way round (es into es-MX, es_ES into es), unless the
    content has a locale of its own for the file's tag; two different regions, or two languages, never fit.
    """

    def tag(value: str) -> list[str]:
        return re.split(r"[@.]", value, maxsplit=1)[0].replace("_", "-").lower().split("-")

    said, wanted = tag(language), tag(locale)
    own = next((loc for loc in sorted(locales) if tag(loc) == said), None)
    if said == wanted or (said[0] == wanted[0] and (len(said) == 1 or len(wanted) == 1) and own in (None, locale)):
        return None
    hint = (
        f"import it into {own} with --locale {own}" if own else f"content has no locale {language}"
    ) + f"; if the file really is {locale}, correct this line to Language: {locale}"
    return f"the header says Language: {language}, but the import is into {locale}", hint


def _apply(
    t: Translation, shown: str, accepted: list, skipped: int, fuzzy_taken: int, translator: str | None
) -> ImportResult:
    from .yamledit import Document, set_text, write_all

    documents: dict[str, Document] = {}
    updated = 0
    records = dict(t.records)
    same = set(t.same)
    by = dict(t.by)
    for entry, unit in accepted:
        if translator and (entry.msgstr != unit.text or t.records.get(unit.path) != entry.msgid):
            by[unit.path] = translator  # the import changed this unit's translation or what it was made from
        records[unit.path] = entry.msgid
        if normalise(entry.msgstr) == normalise(entry.msgid):
            same.add(unit.path)  # the translator confirms it reads as the source does
        else:
            same.discard(unit.path)
        if entry.msgstr == unit.text:
            continue
        if unit.kind not in documents:
            documents[unit.kind] = Document(t.root / t.locale / f"{unit.kind}.yaml", t.root)
        doc = documents[unit.kind]
        container = doc.data
        for step in unit.yaml_path[:-1]:
            container = container[step]
        updated += set_text(container, unit.yaml_path[-1], entry.msgstr)
    writes = [(doc.path, doc.text()) for doc in documents.values() if doc.changed]
    memory = memory_text(t.source, records, [u.path for u in t.source_units], frozenset(same), by)
    old_memory = current_memory(t)
    if memory != old_memory:
        writes.append((t.memory_path, memory))
    if writes:
        _check_would_be(t, shown, writes, accepted)
        write_all(writes, t.root)
    content_files = [path for path, _ in writes if path != t.memory_path]
    after = t._replace(records=records)
    still_stale = sum(1 for u in t.source_units if stale(after, u.path, u.text))
    return ImportResult(
        t.locale,
        updated,
        len(accepted) - updated,
        skipped,
        fuzzy_taken,
        memory != old_memory,
        content_files,
        [],
        still_stale,
    )


def _check_would_be(t: Translation, shown: str, writes: list[tuple[Path, str]], accepted: list) -> None:
    """Validate the content as the import would leave it, in memory (nothing is written, not even a copy);
    refuse with the PO's lines."""
    from ..pipeline import validate

    written = {display_path(path): path.relative_to(t.root) for path, _ in writes}
    problems = []
    for error in [p for p in validate(t.root, replaced=dict(writes)) if p.severity == "error"]:
        entry = _entry_at(written[error.file], error.field, t.locale, accepted) if error.file in written else None
        if entry is not None:
            problems.append(
                Problem(
                    shown,
                    entry.linenum or 1,
                    1,
                    entry.msgctxt,
                    f"the content rules refuse this translation: {error.message}",
                    error.hint,
                    code=error.code,
                )
            )
        else:
            problems.append(error)
    if problems:
        raise ImportRefused(f"{shown} not imported: {len(problems)} problem(s); nothing was written", problems)


def _entry_at(rel: Path, field: str, locale: str, accepted: list):
    if len(rel.parts) != 2 or rel.parts[0] != locale:
        return None
    kind = rel.stem
    for entry, unit in accepted:
        where = format_path(unit.yaml_path)
        if unit.kind == kind and (
            where == field or where.startswith(field + ".") or where.startswith(field + "[") or field.startswith(where)
        ):
            return entry
    return None


# ---------------------------------------------------------------- files kept in the repository

TEMPLATE_NAME = "dncontent.pot"


class OutOfStep(DncontentError):
    """Translation files in the repository that differ from what the content gives."""

    def __init__(self, message: str, problems: list[Problem]):
        self.problems = problems
        super().__init__(message)


class SyncResult(NamedTuple):
    written: list[Path]
    unchanged: list[Path]
    stray: list[Problem]  # PO files in the folder that the content does not give


def sync(content: Path | str, po_dir: Path, check: bool = False) -> SyncResult:
    """Write the template and each translated locale's PO file into `po_dir` (only the ones that differ); with
    `check`, write nothing and refuse, one problem per file, if any differs or is missing."""
    _, _, docs, source = open_content(content)
    wanted = {po_dir / TEMPLATE_NAME: template(content)[0]}
    for locale in sorted(docs):
        if locale != source:
            wanted[po_dir / f"{locale}.po"] = export(content, locale)[0]
    stray = [
        Problem(
            display_path(path),
            1,
            1,
            "",
            f"no locale {path.stem} in the content: this file is not kept in step",
            f"remove it, or add content/{path.stem}",
            "warning",
            "po-sync",
        )
        for path in sorted(po_dir.glob("*.po*"))
        if path not in wanted and path.suffix in (".po", ".pot")
    ]
    differing = []
    for path, text in wanted.items():
        try:
            now = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            now = None
        if now != text:
            differing.append((path, text, now))
    if check:
        problems = []
        for path, text, now in differing:
            if now is None:
                problems.append(
                    Problem(
                        display_path(path),
                        1,
                        1,
                        "",
                        "missing: the content gives this file",
                        "write it with dncontent i18n sync",
                        code="po-sync",
                    )
                )
                continue
            old, new = now.splitlines(), text.splitlines()
            line = next((n for n, (a, b) in enumerate(zip(old, new), start=1) if a != b), min(len(old), len(new)) + 1)
            problems.append(
                Problem(
                    display_path(path),
                    line,
                    1,
                    "",
                    "out of step with the content from this line",
                    "rewrite it with dncontent i18n sync",
                    code="po-sync",
                )
            )
        if problems:
            raise OutOfStep(
                f"{len(problems)} translation file{'s' * (len(problems) != 1)} out of step with the "
                f"content; nothing was written",
                problems + stray,
            )
        return SyncResult([], list(wanted), stray)
    po_dir.mkdir(parents=True, exist_ok=True)
    for path, text, _ in differing:
        path.write_bytes(text.encode("utf-8"))
    written = [path for path, _, _ in differing]
    return SyncResult(written, [path for path in wanted if path not in written], stray)
