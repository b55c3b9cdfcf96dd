"""JSON channel: a versioned export of the whole model for app developers, with its own JSON Schema."""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections.abc import Iterator
from functools import cache

from ..model import Content, LocaleContent
from ..options import BuildOptions
from ..printing.compose import PAPERS  # the brochures' papers; WeasyPrint is not imported with them
from ..resources import schemas_dir
from ..write import Artifact
from . import paths, render_cached

NAME = "json"
DESCRIPTION = "versioned JSON export and its JSON Schema, for apps"
# Semver of the export's shape (schemas/export.schema.json): major for breaking changes, minor for additions.
SCHEMA_VERSION = "2.0.0"
# The published schema's name. The project owns no domain, so an https:// $id would point at nothing (or at
# someone else); a URN names the contract without suggesting a place to fetch it from. It changes only with
# the major version, so an app's copy of the schema stays the schema of every export it can read.
SCHEMA_ID = f"urn:dncontent:export:v{SCHEMA_VERSION.split('.')[0]}"
INDEX_SCHEMA_ID = f"urn:dncontent:index:v{SCHEMA_VERSION.split('.')[0]}"
# The published files beside the exports in build/json/: each document names its schema by file name (`$schema`)
SCHEMA_FILE, INDEX_SCHEMA_FILE, TYPES_FILE = "schema.json", "index.schema.json", "types.d.ts"
# The index's review of an export carries these of the export's own review fields, with the same schemas
INDEX_REVIEW = ("status", "last_reviewed", "next_review")
# The lists a section can show, each the name of a top-level array of the export.
LISTS = ("conditions", "risks", "contraindications", "session_phases")
# A call to action's role, from the id of the link it opens; any other link is `other` (or `contact` for tel:/mailto:).
ROLES = {"booking": "booking", "contact": "contact", "website": "website"}
_MEDIA_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
# Keywords that close an object to properties the schema does not name; the published schema drops them.
_CLOSING = ("additionalProperties", "unevaluatedProperties")
# Keywords whose value maps names to subschemas (rather than being one subschema).
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")


def export_path(content: Content, locale: str) -> str:
    return paths.export_path(content, locale)


def translated_from(content: Content, locale: str) -> str | None:
    return None if locale == content.source_locale else content.source_locale


def alternates(content: Content) -> list[dict]:
    """Every locale's export, the source language first, with paths relative to an export (or the index)."""
    return [
        {
            "locale": loc,
            "path": posixpath.basename(export_path(content, loc)),
            "translated_from": translated_from(content, loc),
        }
        for loc in content.in_order()
    ]


def export(page: LocaleContent, content: Content) -> dict:
    """The export document for one locale. Key order is part of the contract; keep it stable.

    One rule for what is missing: every key is always there; a value the content does not give is null, and
    a list with nothing in it is [] (never null).
    """
    brand = page.brand
    here = export_path(content, page.locale)
    document = {
        "$schema": SCHEMA_FILE,
        "schema_version": SCHEMA_VERSION,
        "id": page.id,
        "revision": None,  # filled in last: a hash of everything else
        "locale": page.locale,
        "direction": page.labels.direction,
        "title": page.title,
        "topic": page.topic,
        "url": paths.page_url(content, page),
        "review": review(page),
        "source": {
            "title": page.source.title,
            "publisher": page.source.publisher,
            "url": page.source.url,
            "captured": page.source.captured,
            "note": page.source.note,
        },
        "brand": {
            "name": brand.name,
            # this locale's addresses: brand.yaml's links with its own overrides, and `phone` as a tel: link
            "links": [{"id": key, "url": url} for key, url in page.links.items()],
            "phone": brand.phone,
            "email": brand.email,
            "colors": {key: getattr(brand.colors, key) for key in brand.colors._fields},
            "logo": _logo(content, here),
        },
        "facts": {"session_minutes": {"min": page.session_minutes.min, "max": page.session_minutes.max}},
        "labels": labels(page),
        "sections": [
            {
                "id": s.id,
                "heading": s.heading,
                "paragraphs": list(s.paragraphs),
                "list": s.list,
                "closing": list(s.closing),
                "cta": list(s.cta),
            }
            for s in page.sections
        ],
        "conditions": [{"id": i.id, "label": i.label} for i in page.conditions],
        "risks": [{"id": i.id, "label": i.label} for i in page.risks],
        "contraindications": [{"id": i.id, "label": i.label, "short": i.short} for i in page.contraindications],
        "session_phases": [{"id": p.id, "label": p.label, "text": p.text} for p in page.session_phases],
        "cta": [
            {
                "id": c.id,
                "label": c.label,
                "description": c.description,
                "url": c.url,
                "link": c.link,
                "role": role(c.link, c.url),
            }
            for c in page.cta
        ],
        "brochures": [
            {
                "paper": paper,
                "path": paths.relative(stem + ".pdf", here),
                "url": paths.public_url(content, stem + ".pdf"),
            }
            for paper in (p.name for p in PAPERS)
            for stem in [paths.brochure_stem(page.id, page.locale, paper)]
        ],
        "alternates": alternates(content),
    }
    document["revision"] = revision(document)
    return document


def review(page: LocaleContent) -> dict:
    """The review as the sign-off has it: a draft's dates and reviewer are null, whatever was typed anywhere."""
    if page.is_draft:
        return {"status": "draft", "last_reviewed": None, "next_review": None, "reviewed_by": None}
    return {
        "status": "approved",
        "last_reviewed": page.review.last_reviewed,
        "next_review": page.review.next_review,
        "reviewed_by": page.review.reviewed_by,
    }


def revision(document: dict) -> str:
    """sha256: and the hex digest of the export's canonical JSON without `revision`: it changes when any value does."""
    rest = {key: value for key, value in document.items() if key != "revision"}
    canonical = json.dumps(rest, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def role(link: str, url: str) -> str:
    """What a call to action does, for apps: booking, contact, website or other."""
    if link in ROLES:
        return ROLES[link]
    return "contact" if url.startswith(("tel:", "mailto:")) else "other"


def labels(page: LocaleContent) -> dict:
    """The wording an app shows around the content, filled in and in the locale's language."""
    words = page.labels
    titles = {"risks": words.risks_title, "contraindications": words.contraindications_title}
    shown_by = {s.list: s.heading for s in page.sections if s.list}
    signed = review(page)
    return {
        "lists": {name: titles.get(name) or shown_by.get(name) for name in LISTS},
        "session_length": words.fill(words.session_length, range=page.session_range),
        "last_reviewed": words.fill(words.last_reviewed, date=page.date(signed["last_reviewed"]))
        if signed["last_reviewed"]
        else None,
        "next_review": words.fill(words.next_review, date=page.date(signed["next_review"]))
        if signed["next_review"]
        else None,
        "reviewed_by": words.fill(words.reviewed_by, name=signed["reviewed_by"]) if signed["reviewed_by"] else None,
        "draft_notice": words.draft_notice if page.is_draft else None,
    }


def _logo(content: Content, here: str) -> dict | None:
    path = paths.logo_path(content, NAME)
    if path is None:
        return None
    return {
        "path": paths.relative(path, here),
        "url": paths.public_url(content, path),
        "media_type": _MEDIA_TYPES[posixpath.splitext(path)[1].lower()],
    }


def index(content: Content, exports: dict[str, bytes]) -> dict:
    """build/json/index.json: what exports exist, so an app can list the languages without guessing paths.

    Each entry's review is the export's own (its INDEX_REVIEW fields), so the two never disagree.
    """
    entries = []
    for alt in alternates(content):
        document = json.loads(exports[alt["locale"]])
        entries.append(
            {
                "locale": alt["locale"],
                "path": alt["path"],
                "sha256": hashlib.sha256(exports[alt["locale"]]).hexdigest(),
                "revision": document["revision"],
                "title": document["title"],
                "review": {key: document["review"][key] for key in INDEX_REVIEW},
                "schema_version": SCHEMA_VERSION,
                "translated_from": alt["translated_from"],
            }
        )
    return {
        "$schema": INDEX_SCHEMA_FILE,
        "schema_version": SCHEMA_VERSION,
        "id": content.id,
        "source_locale": content.source_locale,
        "exports": entries,
    }


def dumps(document: dict) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


@cache
def strict_schema() -> dict:
    """schemas/export.schema.json: exactly what this version exports, no more. The project's tests use it."""
    return json.loads((schemas_dir() / "export.schema.json").read_text("utf-8"))


@cache
def strict_index_schema() -> dict:
    """schemas/index.schema.json, with each entry's review described as the export describes its own."""
    schema = json.loads((schemas_dir() / "index.schema.json").read_text("utf-8"))
    review = schema["properties"]["exports"]["items"]["properties"]["review"]
    own = strict_schema()["properties"]["review"]["properties"]
    review["properties"] = {key: own[key] for key in INDEX_REVIEW}
    review["required"] = list(INDEX_REVIEW)
    return schema


def consumer_schema(strict: dict | None = None) -> dict:
    """The schema apps validate exports against (build/json/schema.json), derived from the strict one.

    It accepts properties it does not describe, anywhere, and any schema_version of the same major version,
    so an app that validates today keeps validating every later export of the same major version.
    """
    strict = strict_schema() if strict is None else strict
    major = SCHEMA_VERSION.split(".")[0]
    return _published(
        strict,
        SCHEMA_ID,
        SCHEMA_FILE,
        f"Version {major} of the contract for one locale of the patient material, as built "
        f"into build/json/ by `dncontent build --format json`. Every {major}.x export validates "
        "against it: a minor version only adds optional properties, which this schema lets "
        "through. Ignore properties you do not know. Strings are plain text (no HTML): escape "
        "them for the medium you show them in.",
    )


def consumer_index_schema() -> dict:
    """The schema apps validate index.json against (build/json/index.schema.json), opened as the export's is."""
    major = SCHEMA_VERSION.split(".")[0]
    return _published(
        strict_index_schema(),
        INDEX_SCHEMA_ID,
        INDEX_SCHEMA_FILE,
        f"Version {major} of build/json/index.json, where an app starts: every locale's export of "
        f"the document, the source language first. Every {major}.x index validates against it; "
        "ignore properties you do not know. Each entry's `path` is an export's file name, "
        "relative to the index; the export follows schema.json, shipped beside it.",
    )


def _published(strict: dict, schema_id: str, file_name: str, description: str) -> dict:
    """A strict schema opened to every minor version: no closed objects, any schema_version of the major
    version, and `$schema` naming the file by name or by an address that ends in it."""
    major = SCHEMA_VERSION.split(".")[0]
    relaxed = _open(strict)
    # `$(?!\n)`, as in every schema pattern: the very end of the text in Python as in JavaScript (see the README)
    version = {key: value for key, value in strict["properties"]["schema_version"].items() if key != "const"}
    version["pattern"] = rf"^{major}\.[0-9]+\.[0-9]+$(?!\n)"
    named = {key: value for key, value in strict["properties"]["$schema"].items() if key != "const"}
    named["pattern"] = rf"(^|/){re.escape(file_name)}$(?!\n)"
    _replace_property(relaxed, "schema_version", version)
    relaxed["properties"] = {**relaxed["properties"], "$schema": named}
    head = {"$schema": strict["$schema"], "$id": schema_id, "title": strict["title"], "description": description}
    return head | {key: value for key, value in relaxed.items() if key not in head}


def _replace_property(node, name: str, schema: dict) -> None:
    """Set every `properties[name]` in a schema to `schema` (an index names the version of each export too)."""
    if isinstance(node, list):
        for item in node:
            _replace_property(item, name, schema)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict) and name in value:
                value[name] = schema
            _replace_property(value, name, schema)


def _open(node):
    """A copy of a schema with every `additionalProperties: false` / `unevaluatedProperties: false` removed."""
    if isinstance(node, list):
        return [_open(item) for item in node]
    if not isinstance(node, dict):
        return node
    opened = {}
    for key, value in node.items():
        if key in _CLOSING and value is False:
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            opened[key] = {name: _open(sub) for name, sub in value.items()}
        else:
            opened[key] = _open(value)
    return opened


def reads(page: LocaleContent) -> LocaleContent:
    """The part of a locale's model the export carries: all but the text messages and file names."""
    return page._replace(sms=(), files={})


def render(content: Content, options: BuildOptions) -> Iterator[Artifact]:
    return iter(render_cached(NAME, content, options))


def types() -> str:
    """types.d.ts: TypeScript declarations of the published schemas, named after their titles."""
    from .typescript import declarations

    return declarations([consumer_schema(), consumer_index_schema()], SCHEMA_VERSION)


def contract_files() -> list[tuple[str, str, bytes]]:
    """(file name, role, bytes) of the schemas and types published beside the exports."""
    return [
        (SCHEMA_FILE, "schema", dumps(consumer_schema())),
        (INDEX_SCHEMA_FILE, "schema", dumps(consumer_index_schema())),
        (TYPES_FILE, "types", types().encode("utf-8")),
    ]


def render_shared(content: Content, options: BuildOptions) -> Iterator[Artifact]:
    """The published schemas and types, and the index of every locale's export."""
    for name, file_role, data in contract_files():
        yield Artifact(f"json/{name}", NAME, None, file_role, data)
    exports = {locale: dumps(export(page, content)) for locale, page in content.locales.items()}
    logo = paths.logo_path(content, NAME)
    if logo is not None:
        yield Artifact(logo, NAME, None, "logo", paths.logo_bytes(content))
    yield Artifact("json/index.json", NAME, None, "index", dumps(index(content, exports)))


def files(content: Content, locale: str | None, options: BuildOptions) -> list[tuple[str, str]]:
    """(path, role) of each file render_locale writes for `locale` (render_shared for None), in order."""
    if locale is None:
        logo = paths.logo_path(content, NAME)
        published = [
            (f"json/{name}", file_role)
            for name, file_role in ((SCHEMA_FILE, "schema"), (INDEX_SCHEMA_FILE, "schema"), (TYPES_FILE, "types"))
        ]
        return [*published, *([(logo, "logo")] if logo else []), ("json/index.json", "index")]
    return [(export_path(content, locale), "export")]


def render_locale(content: Content, locale: str, options: BuildOptions) -> Iterator[Artifact]:
    yield Artifact(
        export_path(content, locale), NAME, locale, "export", dumps(export(content.locales[locale], content))
    )
