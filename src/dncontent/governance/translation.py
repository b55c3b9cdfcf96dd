"""The translation memory: content/<locale>/translation.yaml records the source text each unit was translated from.

`dncontent validate` compares it with the source locale's text now and reports stale units; `dncontent
i18n import` and `dncontent i18n mark-current` write it. The file is dncontent's own: it is always written
whole, in the source's unit order, so the same records give the same bytes.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import NamedTuple

from ..errors import ContentError, UsageError
from .checks import language_neutral
from .fingerprint import fingerprint, normalise
from .units import Unit, docs_by_locale, locale_units, source_locale

HEADER = """\
# yaml-language-server: $schema=../../schemas/translation.schema.json
# What each unit of this locale was translated from: unit path -> the {source} text at the time.
# Written by `dncontent i18n import` and `dncontent i18n mark-current`; `dncontent validate` reports a unit
# as stale when the {source} text has changed since. Edit the translations, not this file.
"""
FOLD_AT = 92  # long source texts are folded blocks, wrapped like the content files


class Translation(NamedTuple):
    """A valid content folder seen from one translated locale."""

    root: Path
    locale: str
    source: str
    files: list
    source_units: list[Unit]
    units: dict[str, Unit]  # the locale's own, by path
    records: dict[str, str]  # unit path -> source text it was translated from
    memory_path: Path
    names: list[str]  # language-neutral names: the clinic and its SMS sender
    same: frozenset = frozenset()  # units a translator confirmed are meant to read as the source does
    by: dict = {}  # unit path -> who translated it, from the PO file's Last-Translator


def open_content(content: Path | str) -> tuple[Path, list, dict, str]:
    """Validate the content; its root, files, documents by locale and source locale. Refuses invalid content."""
    from ..pipeline import validate
    from ..validate import check_content

    root = Path(content)
    errors = [p for p in validate(root) if p.severity == "error"]
    if errors:
        raise ContentError(errors)
    files, _ = check_content(root)
    docs = docs_by_locale(files)
    return root, files, docs, source_locale(docs)


def open_translation(content: Path | str, locale: str) -> Translation:
    """Validate the content and gather what a translation command needs. Refuses invalid content."""
    root, files, docs, source = open_content(content)
    if locale not in docs:
        raise UsageError(f"no content for locale {locale!r}; content has {', '.join(sorted(docs))}")
    if locale == source:
        raise UsageError(
            f"{locale} is the source language: translations are made from it, into the other locales; "
            f"for a template of its units, use dncontent i18n export --template"
        )
    brand: dict = next((f.doc.data for f in files if f.kind == "brand"), {})
    names = [n for n in (brand.get("name"), (brand.get("sms") or {}).get("sender")) if isinstance(n, str)]
    memory = docs[locale].get("translation") or {}
    return Translation(
        root,
        locale,
        source,
        files,
        locale_units(docs[source]),
        {u.path: u for u in locale_units(docs[locale])},
        dict(memory.get("units") or {}),
        root / locale / "translation.yaml",
        names,
        frozenset(memory.get("same") or ()),
        dict(memory.get("by") or {}),
    )


def untranslated(t: Translation, unit: Unit, english: str) -> bool:
    """Identical to the source, not a name or number, and never confirmed as meant to read the same."""
    return (
        normalise(unit.text) == normalise(english)
        and unit.path not in t.same
        and not language_neutral(unit.text, t.names)
    )


def stale(t: Translation, path: str, english: str) -> bool:
    return path in t.records and fingerprint(t.records[path]) != fingerprint(english)


def memory_text(
    source: str,
    records: dict[str, str],
    order: list[str],
    same: frozenset = frozenset(),
    by: dict[str, str] | None = None,
) -> str:
    """translation.yaml for these records, in the source's unit order (records for vanished units dropped), the
    units confirmed as meant to read as the source does, and who translated each unit."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    from .yamledit import folded

    units = CommentedMap()
    for path in order:
        if path in records:
            units[path] = folded(normalise(records[path]), FOLD_AT)
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    confirmed = [path for path in order if path in same and path in records]
    translators = CommentedMap((path, by[path]) for path in order if by is not None and path in by and path in records)
    yaml.dump(
        CommentedMap(
            [("source", source), ("units", units)]
            + ([("same", confirmed)] if confirmed else [])
            + ([("by", translators)] if translators else [])
        ),
        out,
    )
    return HEADER.format(source=source) + out.getvalue()


class MarkResult(NamedTuple):
    recorded: int  # units the memory now records as current
    stale_kept: int  # stale units left stale
    untranslated: int  # units identical to the source, not recorded
    written: bool


def mark_current(content: Path | str, locale: str, include_stale: bool = False) -> MarkResult:
    """Record every translated unit as made from the source text as it is now.

    Units already recorded as translated from an older source text stay stale unless `include_stale`:
    say so only once someone has checked them against the source as it is now.
    """
    from .yamledit import write_all

    t = open_translation(content, locale)
    records = dict(t.records)
    stale_kept = untranslated_count = 0
    for source_unit in t.source_units:
        unit = t.units.get(source_unit.path)
        if unit is None:
            continue
        if untranslated(t, unit, source_unit.text):
            untranslated_count += 1
        elif stale(t, unit.path, source_unit.text) and not include_stale:
            stale_kept += 1
        else:
            records[unit.path] = source_unit.text
    same = frozenset(
        path for path in t.same if path in t.units and normalise(t.units[path].text) == normalise(records.get(path, ""))
    )
    text = memory_text(t.source, records, [u.path for u in t.source_units], same, t.by)
    written = text != current_memory(t)
    if written:
        write_all([(t.memory_path, text)], t.root)
    current = sum(
        1 for u in t.source_units if u.path in records and not stale(t._replace(records=records), u.path, u.text)
    )
    return MarkResult(current, stale_kept, untranslated_count, written)


def current_memory(t: Translation) -> str | None:
    """translation.yaml as it is now, or None if the locale has none; refused if it is a link or not a file."""
    from .yamledit import read_for_edit

    if not os.path.lexists(t.memory_path):
        return None
    return read_for_edit(t.memory_path, t.root)
