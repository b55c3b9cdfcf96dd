"""FHIR channel: one R4 DocumentReference per locale, for EHRs and patient portals that take documents.

Each resource (fhir/<id>.<locale>.json) points at the locale's outputs, one `content` per format (the HTML
page, each brochure, the JSON export) with its media type, language, address and SHA-1 hash (base64, as FHIR's
Attachment.hash asks). The hashes are of the very files the other channels write: the build renders those
channels first (`NEEDS`) and this one reads their artifacts, so nothing is rendered twice; it renders them
itself, once, only for a build that does not write them. Its `docStatus` follows the locale's review, which
comes from the clinician's recorded sign-off (governance/review.py): `final` while a sign-off covers the locale
as it is, `preliminary` for a draft.
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
# The channels whose files every reference points at; a build renders them before this one
NEEDS = ("html", "pdf", "json")
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


def attachment(content: Content, page: LocaleContent, path: str, media_type: str, title: str, data: bytes) -> dict:
    return {
        "attachment": {
            "contentType": media_type,
            "language": page.locale,
            "url": paths.link(content, path, resource_path(content, page.locale)),
            "size": len(data),
            "hash": base64.b64encode(hashlib.sha1(data).digest()).decode("ascii"),
            "title": title,
        }
    }


def document_reference(
    content: Content, page: LocaleContent, outputs: dict[str, bytes], papers: tuple[str, ...] = ()
) -> dict:
    """The DocumentReference of one locale; `outputs` holds the bytes of every file it points at, by path, and
    `papers` names the brochures' papers (empty: every one).

    Final, with the reviewer as authenticator and the review dates, only while the locale's sign-off covers it
    (its review is approved); a draft is preliminary, with neither.
    """
    review = page.review
    signed_off = not page.is_draft
    contents = [
        attachment(content, page, path, media_type, title, outputs[path])
        for path, media_type, title in targets(content, page.locale, papers)
    ]
    dates: list[dict] = []
    if signed_off and review.last_reviewed:
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
        **(
            {
                "relatesTo": [
                    {
                        "code": "transforms",
                        "target": {"reference": f"DocumentReference/{resource_id(content, content.source_locale)}"},
                    }
                ]
            }
            if page.locale != content.source_locale and content.source_locale in content.locales
            else {}
        ),
        "description": page.title,
        "content": contents,
    }
    return resource


def dumps(resource: dict) -> bytes:
    return (json.dumps(resource, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def targets(content: Content, locale: str, papers: tuple[str, ...] = ()) -> list[tuple[str, str, str]]:
    """(path, media type, title) of each file a locale's reference points at: its page, its brochures on
    `papers` (empty: every paper, as a build prints them) and its export."""
    from ..printing.compose import papers_named

    return [
        (paths.page_path(content, locale), "text/html;charset=utf-8", "Web page"),
        *(
            (
                paths.brochure_stem(content.id, locale, paper.name) + ".pdf",
                "application/pdf",
                f"Brochure ({paper.name})",
            )
            for paper in papers_named(papers)
        ),
        (paths.export_path(content, locale), "application/json", "JSON export"),
    ]


def outputs(content: Content, options: BuildOptions) -> dict[str, bytes]:
    """The bytes of every file the references point at, by path: the artifacts the other channels produced in
    this build (each channel renders once per build; see `render_cached`).

    A build that does not write those channels has them rendered here, once, and not counted as its rendered or
    reused files: the FHIR channel writes none of them itself.
    """
    from .. import cache

    store = cache.current()
    counted = len(store.rendered), len(store.reused)
    try:
        return {artifact.path: artifact.data for name in NEEDS for artifact in render_cached(name, content, options)}
    finally:
        del store.rendered[counted[0] :], store.reused[counted[1] :]


def inputs(content: Content, locale: str, options: BuildOptions) -> str:
    """What a locale's reference is made from besides its slice of the model (`reads`): the sha256 of every
    file it points at, so a cached reference is reused only while those files are byte for byte the same."""
    made = outputs(content, options)
    return repr(
        [(path, hashlib.sha256(made[path]).hexdigest()) for path, _, _ in targets(content, locale, options.papers)]
    )


def reads(page: LocaleContent) -> LocaleContent:
    """What a reference shows of a locale besides its files' hashes: all but the text messages and file names."""
    return page._replace(sms=(), files={})


def render(content: Content, options: BuildOptions) -> Iterator[Artifact]:
    return iter(render_cached(NAME, content, options))


def render_shared(content: Content, options: BuildOptions) -> Iterator[Artifact]:
    return iter(())  # every reference is a locale's own


def files(content: Content, locale: str | None, options: BuildOptions) -> list[tuple[str, str]]:
    """(path, role) of each file render_locale writes for `locale` (render_shared for None), in order."""
    return [] if locale is None else [(resource_path(content, locale), "document-reference")]


def render_locale(content: Content, locale: str, options: BuildOptions) -> Iterator[Artifact]:
    resource = document_reference(content, content.locales[locale], outputs(content, options), options.papers)
    yield Artifact(resource_path(content, locale), NAME, locale, "document-reference", dumps(resource))
