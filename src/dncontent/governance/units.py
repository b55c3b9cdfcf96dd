"""Units: every piece of text a clinician approves and a translator translates, named by a stable path of ids.

A unit path reads like `risks/nerve-damage/label` or `sections/benefits/paragraphs/2` (paragraphs count from
1). Paths are built from ids, never from list positions, so they survive reordering and name the same unit
in every locale. Units are read from the validated documents, not the model, so any key a labels file holds
is a unit (`labels/<key>`, or `labels/<key>/<n>` for a list of wordings), except the text direction.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import NamedTuple

PLACEHOLDERS = re.compile(r"\{[^{}]*\}")  # {clinic}, {url:contact}, {date}: kept exactly by every translation

# Which lists of each kind hold items with ids, and the prefix their unit paths start with.
LIST_PREFIX = {("page", "sections"): "sections", ("conditions", "conditions"): "conditions",
               ("risks", "risks"): "risks", ("contraindications", "contraindications"): "contraindications",
               ("session", "phases"): "session/phases", ("cta", "cta"): "cta", ("sms", "messages"): "sms"}
# The text fields of each list's items that are units (in this order).
ITEM_FIELDS = {"conditions": ("label",), "risks": ("label",), "contraindications": ("label", "short"),
               "phases": ("label", "text"), "cta": ("label", "description"), "messages": ("body",)}
NOT_TEXT_LABELS = ("direction",)  # ltr/rtl: a setting, not wording


class Unit(NamedTuple):
    """One approved, translatable piece of text and where it lives."""

    path: str  # e.g. risks/nerve-damage/label
    kind: str  # the content file it is in: risks
    yaml_path: tuple  # where in that file: ("risks", 3, "label")
    text: str


def locale_units(docs: Mapping[str, dict]) -> list[Unit]:
    """Every unit of one locale, file by file in the order the files are listed, from its documents by kind."""
    units: list[Unit] = []
    page = docs.get("page") or {}
    for field in ("title", "topic"):
        if isinstance(page.get(field), str):
            units.append(Unit(f"page/{field}", "page", (field,), page[field]))
    for i, section in _items(page, "sections"):
        base = f"sections/{section['id']}"
        if isinstance(section.get("heading"), str):
            units.append(Unit(f"{base}/heading", "page", ("sections", i, "heading"), section["heading"]))
        for part in ("paragraphs", "closing"):
            for n, text in enumerate(section.get(part) or (), start=1):
                if isinstance(text, str):
                    units.append(Unit(f"{base}/{part}/{n}", "page", ("sections", i, part, n - 1), text))
    for (kind, field), prefix in LIST_PREFIX.items():
        if kind == "page":
            continue
        for i, item in _items(docs.get(kind) or {}, field):
            for name in ITEM_FIELDS[field]:
                if isinstance(item.get(name), str):
                    units.append(Unit(f"{prefix}/{item['id']}/{name}", kind, (field, i, name), item[name]))
    for key, value in (docs.get("labels") or {}).items():
        if key in NOT_TEXT_LABELS:
            continue
        if isinstance(value, str):
            units.append(Unit(f"labels/{key}", "labels", (key,), value))
        elif isinstance(value, list):
            units += [Unit(f"labels/{key}/{n}", "labels", (key, n - 1), text)
                      for n, text in enumerate(value, start=1) if isinstance(text, str)]
    return units


def _items(doc: dict, field: str) -> Iterator[tuple[int, dict]]:
    items = doc.get(field) if isinstance(doc, dict) else None
    for i, item in enumerate(items if isinstance(items, list) else ()):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            yield i, item


def docs_by_locale(files) -> dict[str, dict[str, dict]]:
    """{locale: {kind: document}} from parsed content files (brand.yaml, which has no locale, left out)."""
    out: dict[str, dict[str, dict]] = {}
    for file in files:
        if file.locale and file.doc is not None and isinstance(file.doc.data, dict):
            out.setdefault(file.locale, {})[file.kind] = file.doc.data
    return out


def source_locale(locales) -> str:
    """The locale others are translated from: en when there is one (as the id mirror check has it)."""
    locales = sorted(locales)
    return "en" if "en" in locales or not locales else locales[0]


def placeholders(text: str) -> list[str]:
    """The placeholders in a text, sorted, each as often as it occurs."""
    return sorted(PLACEHOLDERS.findall(text))


def subjects(doc: dict, kind: str, yaml_path: tuple) -> set[str]:
    """The names a waiver may give the thing at `yaml_path`: the item's id, `<prefix>/<id>`, and unit paths in it."""
    if len(yaml_path) < 2 or not isinstance(yaml_path[1], int):
        return set()
    prefix = LIST_PREFIX.get((kind, yaml_path[0]))
    items = doc.get(yaml_path[0]) if isinstance(doc, dict) else None
    if not prefix or not isinstance(items, list) or yaml_path[1] >= len(items) or not isinstance(items[yaml_path[1]], dict):
        return set()
    item_id = items[yaml_path[1]].get("id")
    if not isinstance(item_id, str):
        return set()
    names = {item_id, f"{prefix}/{item_id}"}
    if len(yaml_path) > 2:
        names |= {unit.path for unit in locale_units({kind: doc}) if unit.yaml_path[:len(yaml_path)] == yaml_path}
    return names
