"""The FHIR channel: one R4 DocumentReference per locale, read by the fhir.resources models, pointing at the files
the build wrote, with their true hashes, and final only once a clinician has signed the locale off."""
from __future__ import annotations

import base64
import hashlib
import json
import posixpath
from pathlib import Path

import pytest

from tests.conftest import run_cli

REVIEWER = "Dana Ruiz, PT, DPT"
LOINC = {"system": "http://loinc.org", "code": "69730-0", "display": "Instructions"}


def document_reference(data: dict):
    """The resource as a FHIR library reads it: R4B, whose DocumentReference is R4's (see pyproject.toml)."""
    from fhir.resources.R4B.documentreference import DocumentReference

    return DocumentReference.model_validate(data)


def resources(out: Path) -> dict[str, dict]:
    return {p.name: json.loads(p.read_text("utf-8")) for p in sorted((out / "fhir").glob("*.json"))}


def target(out: Path, url: str) -> Path:
    """The build's file that an attachment's address names (relative to fhir/, or under the public base)."""
    base = "https://clinic.example.org/patient-info/"
    relative = url.removeprefix(base) if url.startswith(base) else posixpath.normpath(posixpath.join("fhir", url))
    return out / relative


def test_one_valid_document_reference_per_locale(built):
    found = resources(built)
    assert sorted(found) == ["dry-needling.en.json", "dry-needling.es.json"]
    for name, data in found.items():
        locale = name.split(".")[1]
        resource = document_reference(data)
        assert resource.id == f"dry-needling-{locale}" and resource.status == "current"
        assert [c.model_dump(exclude_none=True) for c in resource.type.coding] == [LOINC]
        titles = [c.attachment.title for c in resource.content]
        assert titles == ["Web page", "Brochure (letter)", "Brochure (a4)", "JSON export"]
        assert [c.attachment.contentType for c in resource.content] == [
            "text/html;charset=utf-8", "application/pdf", "application/pdf", "application/json"]
        assert [c.attachment.url for c in resource.content] == [
            f"../html/{locale}/dry-needling.html", f"../pdf/dry-needling.{locale}.letter.pdf",
            f"../pdf/dry-needling.{locale}.a4.pdf", f"../json/dry-needling.{locale}.json"]
        for content in data["content"]:
            attachment = content["attachment"]
            written = target(built, attachment["url"]).read_bytes()
            assert attachment["language"] == locale
            assert attachment["hash"] == base64.b64encode(hashlib.sha1(written).digest()).decode("ascii")
            assert attachment["size"] == len(written)


def test_the_draft_translation_is_preliminary_and_the_approved_source_final(built):
    found = resources(built)
    english, spanish = found["dry-needling.en.json"], found["dry-needling.es.json"]
    assert english["docStatus"] == "final" and spanish["docStatus"] == "preliminary"
    assert "authenticator" not in english  # approved, but the content names no reviewer
    assert "authenticator" not in spanish and "extension" not in spanish  # a draft has no review to date
    assert [e["url"].rsplit("/", 1)[1] for e in english["extension"]] == ["artifact-lastReviewDate",
                                                                          "artifact-effectivePeriod"]
    assert english["extension"][1]["valuePeriod"] == {"start": "2026-11-20", "end": "2027-11-20"}
    assert spanish["relatesTo"] == [{"code": "transforms", "target": {"reference": "DocumentReference/dry-needling-en"}}]
    assert "relatesTo" not in english
    assert document_reference(english).extension[0].valueDate.isoformat() == "2026-11-20"


@pytest.fixture(scope="module")
def signed_off(tmp_path_factory) -> Path:
    """The shipped content published at a base URL, with the Spanish translation signed off."""
    import shutil

    from tests.conftest import CONTENT

    content = tmp_path_factory.mktemp("signed") / "content"
    shutil.copytree(CONTENT, content)
    with (content / "brand.yaml").open("a", encoding="utf-8") as brand:
        brand.write("site:\n  base_url: https://clinic.example.org/patient-info/\n")
    result = run_cli("signoff", "--locale", "es", "--by", REVIEWER, "--content", str(content))
    assert result.returncode == 0, result.stderr
    out = tmp_path_factory.mktemp("signed") / "build"
    result = run_cli("build", "--content", str(content), "--out", str(out), "--format", "fhir", "--format", "pdf",
                     "--format", "html", "--format", "json", "--no-cache")
    assert result.returncode == 0, result.stderr
    return out


def test_a_signed_off_locale_is_final_with_its_reviewer_as_authenticator(signed_off):
    spanish = resources(signed_off)["dry-needling.es.json"]
    resource = document_reference(spanish)
    assert resource.docStatus == "final" and resource.authenticator.display == REVIEWER
    review = json.loads((signed_off / "json" / "dry-needling.es.json").read_text("utf-8"))["review"]
    assert spanish["extension"][0]["valueDate"] == review["last_reviewed"]
    assert spanish["extension"][1]["valuePeriod"] == {"start": review["last_reviewed"], "end": review["next_review"]}


def test_published_addresses_and_hashes_of_the_files_written_alongside(signed_off):
    """With a base URL every attachment has its public address; from scratch (--no-cache) each hash is still
    that of the file written, the brochures rendered once for pdf/ and once for the references."""
    for data in resources(signed_off).values():
        for content in data["content"]:
            attachment = content["attachment"]
            assert attachment["url"].startswith("https://clinic.example.org/patient-info/")
            written = target(signed_off, attachment["url"]).read_bytes()
            assert attachment["hash"] == base64.b64encode(hashlib.sha1(written).digest()).decode("ascii")


def test_the_library_refuses_what_fhir_refuses(built):
    """The check is real: another resource type, an element R4 does not have, a size that is no number or a hash
    that is not base64 is refused. (The models check structure and types, not code bindings: the docStatus
    codes are asserted above.)"""
    from pydantic import ValidationError

    data = resources(built)["dry-needling.en.json"]
    attachment = data["content"][0]["attachment"]
    for broken in (data | {"resourceType": "Document"}, data | {"reviewer": REVIEWER},
                   data | {"content": [{"attachment": attachment | {"size": "large"}}]},
                   data | {"content": [{"attachment": attachment | {"hash": "not base64!"}}]}):
        with pytest.raises((ValidationError, ValueError)):
            document_reference(broken)
