"""FHIR channel: one R4 DocumentReference per locale, for EHRs and patient portals that take documents.

Each resource (fhir/<id>.<locale>.json) points at the locale's outputs, one `content` per format (the HTML
page, each brochure, the JSON export) with its media type, language, address and SHA-1 hash (base64, as FHIR's
Attachment.hash asks). The hashes are of the very files the other channels write, so the FHIR channel renders
them too (from the artifact cache when the same build already has). Its `docStatus` follows the model's review:
`final` for a locale a clinician signed off, `preliminary` for a draft.
"""
from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator

from ..model import Content, LocaleContent
from ..options import BuildOptions
from ..write import Artifact
from . import paths, render_cached

NAME = "fhir"
DESCRIPTION = "FHIR R4 DocumentReference per locale, pointing at its page, brochures and export"
# LOINC 69730-0 "Instructions": what the material is, for systems that file documents by type
LOINC_INSTRUCTIONS = {"system": "http://loinc.org", "code": "69730-0", "display": "Instructions"}
# Extensions from HL7's core extensions pack for the review dates, which DocumentReference has no element for
LAST_REVIEW_DATE = "http://hl7.org/fhir/StructureDefinition/artifact-lastReviewDate"
EFFECTIVE_PERIOD = "http://hl7.org/fhir/StructureDefinition/artifact-effectivePeriod"
IDENTIFIER_SYSTEM = "urn:ietf:rfc:3986"


def resource_path(content: Content, locale: str) -> str:
    return f"fhir/{content.id}.{locale}.json"


def resource_id(content: Content, locale: str) -> str:
    return f"{content.id}-{locale}"  # FHIR ids allow letters, digits, '-' and '.': a locale tag fits


def attachment(content: Content, page: LocaleContent, path: str, media_type: str, title: str,
               data: bytes) -> dict:
    return {"attachment": {
        "contentType": media_type,
        "language": page.locale,
        "url": paths.link(content, path, resource_path(content, page.locale)),
        "size": len(data),
        "hash": base64.b64encode(hashlib.sha1(data).digest()).decode("ascii"),
        "title": title,
    }}


def document_reference(content: Content, page: LocaleContent, outputs: dict[str, bytes]) -> dict:
    """The DocumentReference of one locale; `outputs` holds the bytes of every file it points at, by path."""
    from .pdf import PAPERS

    review = page.review
    signed_off = not page.is_draft
    contents = [attachment(content, page, paths.page_path(content, page.locale), "text/html;charset=utf-8",
                           "Web page", outputs[paths.page_path(content, page.locale)])]
    for paper in PAPERS:
        path = paths.brochure_stem(page.id, page.locale, paper.name) + ".pdf"
        contents.append(attachment(content, page, path, "application/pdf", f"Brochure ({paper.name})",
                                   outputs[path]))
    export = paths.export_path(content, page.locale)
    contents.append(attachment(content, page, export, "application/json", "JSON export", outputs[export]))
    dates = []
    if not page.is_draft and review.last_reviewed:
        dates.append({"url": LAST_REVIEW_DATE, "valueDate": review.last_reviewed})
        period = {"start": review.last_reviewed} | ({"end": review.next_review} if review.next_review else {})
        dates.append({"url": EFFECTIVE_PERIOD, "valuePeriod": period})
    resource = {
        "resourceType": "DocumentReference",
        "id": resource_id(content, page.locale),
        **({"extension": dates} if dates else {}),
        "masterIdentifier": {"system": IDENTIFIER_SYSTEM, "value": f"urn:dncontent:{page.id}:{page.locale}"},
        "status": "current",
        "docStatus": "final" if signed_off else "preliminary",
        "type": {"coding": [LOINC_INSTRUCTIONS], "text": page.topic},
        **({"authenticator": {"display": review.reviewed_by}} if signed_off and review.reviewed_by else {}),
        "custodian": {"display": page.brand.name},
        **({"relatesTo": [{"code": "transforms", "target": {
            "reference": f"DocumentReference/{resource_id(content, content.source_locale)}"}}]}
           if page.locale != content.source_locale and content.source_locale in content.locales else {}),
        "description": page.title,
        "content": contents,
    }
    return resource


def dumps(resource: dict) -> bytes:
    return (json.dumps(resource, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def outputs(content: Content, options: BuildOptions) -> dict[str, bytes]:
    """The bytes of every file the references point at, by path, as the other channels write them.

    Rendered through the same cache as the build (so a build that writes them renders each once), but not
    counted as this build's rendered or reused files: the FHIR channel writes none of them itself.
    """
    from .. import cache

    store = cache.current()
    counted = len(store.rendered), len(store.reused)
    try:
        return {artifact.path: artifact.data for name in ("html", "pdf", "json")
                for artifact in render_cached(name, content, options)}
    finally:
        del store.rendered[counted[0]:], store.reused[counted[1]:]


# The references hash the page, the brochures and the export, so they change with whatever changes those: the
# part of the locale's model they show (`reads`), dncontent's code and templates (in every key), and this option
OPTIONS = ("heading_level",)


def reads(page: LocaleContent) -> LocaleContent:
    """What the page, the brochures and the export show of a locale: all but the text messages and file names."""
    return page._replace(sms=(), files={})


def render(content: Content, options: BuildOptions) -> Iterator[Artifact]:
    return iter(render_cached(NAME, content, options))


def render_shared(content: Content, options: BuildOptions) -> Iterator[Artifact]:
    return iter(())  # every reference is a locale's own


def files(content: Content, locale: str | None, options: BuildOptions) -> list[tuple[str, str]]:
    """(path, role) of each file render_locale writes for `locale` (render_shared for None), in order."""
    return [] if locale is None else [(resource_path(content, locale), "document-reference")]


def render_locale(content: Content, locale: str, options: BuildOptions) -> Iterator[Artifact]:
    resource = document_reference(content, content.locales[locale], outputs(content, options))
    yield Artifact(resource_path(content, locale), NAME, locale, "document-reference", dumps(resource))
