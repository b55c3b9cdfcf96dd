"""JSON channel: a versioned export of the whole model for app developers, with its own JSON Schema."""
from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Iterator

from ..model import Content, LocaleContent
from ..options import BuildOptions
from ..resources import schemas_dir
from ..write import Artifact

NAME = "json"
DESCRIPTION = "versioned JSON export and its JSON Schema, for apps"
# Semver of the export's shape (schemas/export.schema.json): major for breaking changes, minor for additions.
SCHEMA_VERSION = "1.1.0"


def export_path(locale: str) -> str:
    return f"json/dry-needling.{locale}.json"


def translated_from(content: Content, locale: str) -> str | None:
    return None if locale == content.source_locale else content.source_locale


def alternates(content: Content) -> list[dict]:
    """Every locale's export, the source language first, with paths relative to an export (or the index)."""
    return [{"locale": loc, "path": posixpath.basename(export_path(loc)), "translated_from": translated_from(content, loc)}
            for loc in content.in_order()]


def export(page: LocaleContent, content: Content | None = None) -> dict:
    """The export document for one locale. Key order is part of the contract; keep it stable."""
    brand = page.brand
    return {
        "schema_version": SCHEMA_VERSION,
        "locale": page.locale,
        "title": page.title,
        "topic": page.topic,
        "review": {"status": page.review.status, "last_reviewed": page.review.last_reviewed, "next_review": page.review.next_review,
                   "reviewed_by": page.review.reviewed_by},
        "source": {"title": page.source.title, "publisher": page.source.publisher, "url": page.source.url,
                   "note": page.source.note},
        "brand": {
            "name": brand.name,
            "links": [{"id": key, "url": url} for key, url in brand.links.items()],
            "phone": brand.phone,
            "email": brand.email,
            "colors": {key: getattr(brand.colors, key) for key in brand.colors._fields},
        },
        "facts": {"session_minutes": {"min": page.session_minutes.min, "max": page.session_minutes.max}},
        "sections": [
            {"id": s.id, "heading": s.heading, "paragraphs": list(s.paragraphs), "list": s.list,
             "closing": list(s.closing), "cta": list(s.cta)}
            for s in page.sections
        ],
        "conditions": [{"id": i.id, "label": i.label} for i in page.conditions],
        "risks": [{"id": i.id, "label": i.label} for i in page.risks],
        "contraindications": [{"id": i.id, "label": i.label, "short": i.short} for i in page.contraindications],
        "session_phases": [{"id": p.id, "label": p.label, "text": p.text} for p in page.session_phases],
        "cta": [{"id": c.id, "label": c.label, "description": c.description, "url": c.url} for c in page.cta],
        "alternates": alternates(content) if content else [{"locale": page.locale, "path": posixpath.basename(
            export_path(page.locale)), "translated_from": None}],
    }


def index(content: Content, exports: dict[str, bytes]) -> dict:
    """build/json/index.json: what exports exist, so an app can list the languages without guessing paths."""
    return {
        "schema_version": SCHEMA_VERSION,
        "source_locale": content.source_locale,
        "exports": [
            {"locale": alt["locale"], "path": alt["path"],
             "sha256": hashlib.sha256(exports[alt["locale"]]).hexdigest(),
             "title": content.locales[alt["locale"]].title,
             "review": {"status": content.locales[alt["locale"]].review.status,
                        "last_reviewed": content.locales[alt["locale"]].review.last_reviewed,
                        "next_review": content.locales[alt["locale"]].review.next_review},
             "schema_version": SCHEMA_VERSION,
             "translated_from": alt["translated_from"]}
            for alt in alternates(content)
        ],
    }


def dumps(document: dict) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def render(content: Content, options: BuildOptions) -> Iterator[Artifact]:
    yield Artifact("json/schema.json", NAME, None, "schema", (schemas_dir() / "export.schema.json").read_bytes())
    exports = {locale: dumps(export(page, content)) for locale, page in content.locales.items()}
    for locale, data in exports.items():
        yield Artifact(export_path(locale), NAME, locale, "export", data)
    yield Artifact("json/index.json", NAME, None, "index", dumps(index(content, exports)))
