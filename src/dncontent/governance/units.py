"""Units: every piece of text a clinician approves and a translator translates, named by a stable path of ids.

A unit path reads like `risks/nerve-damage/label` or `sections/benefits/paragraphs/2` (paragraphs count from
1); a keyword reply is `sms/keywords/<stop|help|start>/reply`. Paths are built from ids, never from list positions, so they survive reordering and name the same unit
in every locale. Units are read from the validated documents, not the model, so any key a labels file holds
is a unit (`labels/<key>`, or `labels/<key>/<n>` for a list of wordings), except the text direction.

A sign-off covers more than the text: `signed_units` adds the values patients also see, which are not
translated: the session minutes (`facts/session_minutes/min`, at the source locale's session.yaml, which every
locale shows), each link as the locale resolves it (`links/<id>`, at the locale's override in cta.yaml or else at
brand.yaml), and the clinic's name, phone, email and SMS sender (`brand/name`, `brand/phone`, `brand/email`,
`brand/sms_sender`, at brand.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import NamedTuple

PLACEHOLDERS = re.compile(r"\{[^{}]*\}")  # {clinic}, {url:contact}, {date}: kept exactly by every translation

# Which lists of each kind hold items with ids, and the prefix their unit paths start with.
LIST_PREFIX = {
    ("page", "sections"): "sections",
    ("conditions", "conditions"): "conditions",
    ("risks", "risks"): "risks",
    ("contraindications", "contraindications"): "contraindications",
    ("session", "phases"): "session/phases",
    ("cta", "cta"): "cta",
    ("sms", "messages"): "sms",
}
# The text fields of each list's items that are units (in this order).
ITEM_FIELDS = {
    "conditions": ("label",),
    "risks": ("label",),
    "contraindications": ("label", "short"),
    "phases": ("label", "text"),
    "cta": ("label", "description"),
    "messages": ("body",),
}
NOT_TEXT_LABELS = ("direction",)  # ltr/rtl: a setting, not wording


class Unit(NamedTuple):
    """One approved piece of text (or value) and where it lives."""

    path: str  # e.g. risks/nerve-damage/label
    kind: str  # the content file it is in: risks (brand: brand.yaml; facts: the source locale's session.yaml)
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
    replies = (docs.get("sms") or {}).get("keywords") if isinstance(docs.get("sms"), dict) else None
    for key, reply in replies.items() if isinstance(replies, dict) else ():
        if isinstance(reply, dict) and isinstance(reply.get("reply"), str):  # what STOP, HELP, START answer
            units.append(Unit(f"sms/keywords/{key}/reply", "sms", ("keywords", key, "reply"), reply["reply"]))
    for key, value in (docs.get("labels") or {}).items():
        if key in NOT_TEXT_LABELS:
            continue
        if isinstance(value, str):
            units.append(Unit(f"labels/{key}", "labels", (key,), value))
        elif isinstance(value, list):
            units += [
                Unit(f"labels/{key}/{n}", "labels", (key, n - 1), text)
                for n, text in enumerate(value, start=1)
                if isinstance(text, str)
            ]
    return units


def value_units(docs: Mapping[str, dict], brand: Mapping | None, shared: Mapping | None = None) -> list[Unit]:
    """What a locale shows patients besides its text: facts, links as this locale resolves them, the clinic's
    name, phone, email and SMS sender. Values, not wording: signed off, never translated.

    The facts are the source locale's (`shared`: its session document), which every locale shows whatever its own
    session.yaml says (model.build_model); without `shared`, the locale's own."""
    units: list[Unit] = []
    session = shared if isinstance(shared, Mapping) else docs.get("session")
    facts = session.get("facts") if isinstance(session, Mapping) else None
    minutes = facts.get("session_minutes") if isinstance(facts, dict) else None
    for bound in ("min", "max"):
        if isinstance(minutes, dict) and isinstance(minutes.get(bound), (int, float)):
            units.append(
                Unit(
                    f"facts/session_minutes/{bound}", "facts", ("facts", "session_minutes", bound), str(minutes[bound])
                )
            )
    brand = brand if isinstance(brand, Mapping) else {}
    overrides = {
        item["id"]: (i, item["url"])
        for i, item in _items(docs.get("cta") or {}, "links")
        if isinstance(item.get("url"), str)
    }
    for i, link in _items(brand, "links"):
        if link["id"] in overrides:
            j, url = overrides[link["id"]]
            units.append(Unit(f"links/{link['id']}", "cta", ("links", j, "url"), url))
        elif isinstance(link.get("url"), str):
            units.append(Unit(f"links/{link['id']}", "brand", ("links", i, "url"), link["url"]))
    sms = brand["sms"] if isinstance(brand.get("sms"), Mapping) else {}
    for name, value, yaml_path in (
        ("name", brand.get("name"), ("name",)),
        ("phone", brand.get("phone"), ("phone",)),
        ("email", brand.get("email"), ("email",)),
        ("sms_sender", sms.get("sender"), ("sms", "sender")),
    ):
        if isinstance(value, str):
            units.append(Unit(f"brand/{name}", "brand", yaml_path, value))
    return units


def signed_units(docs: Mapping[str, dict], brand: Mapping | None, shared: Mapping | None = None) -> list[Unit]:
    """Everything a sign-off of one locale covers: its text units, then its values (facts from `shared`)."""
    return locale_units(docs) + value_units(docs, brand, shared)


def shared_session(by_locale: Mapping[str, Mapping[str, dict]]) -> dict | None:
    """The session document whose facts every locale shows: the source locale's (docs_by_locale's shape)."""
    return (by_locale.get(source_locale(by_locale)) or {}).get("session") if by_locale else None


def brand_doc(files) -> dict:
    """brand.yaml's document, or {} when it is missing or not a mapping."""
    doc = next((f.doc.data for f in files if f.locale is None and f.kind == "brand" and f.doc is not None), None)
    return doc if isinstance(doc, dict) else {}


def _items(doc: Mapping, field: str) -> Iterator[tuple[int, dict]]:
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
    if (
        not prefix
        or not isinstance(items, list)
        or yaml_path[1] >= len(items)
        or not isinstance(items[yaml_path[1]], dict)
    ):
        return set()
    item_id = items[yaml_path[1]].get("id")
    if not isinstance(item_id, str):
        return set()
    names = {item_id, f"{prefix}/{item_id}"}
    if len(yaml_path) > 2:
        names |= {unit.path for unit in locale_units({kind: doc}) if unit.yaml_path[: len(yaml_path)] == yaml_path}
    return names
