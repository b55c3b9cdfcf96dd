"""The FHIR channel: one R4 DocumentReference per locale, read by the fhir.resources models, pointing at the files
the build wrote, with their true hashes, and final only once a clinician has signed the locale off."""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
from pathlib import Path

import pytest

from tests.conftest import formats, run_build, run_cli

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
    base = "https://jpt.example/info/"
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
            "text/html;charset=utf-8",
            "application/pdf",
            "application/pdf",
            "application/json",
        ]
        assert [c.attachment.url for c in resource.content] == [
            f"../html/{locale}/dry-needling.html",
            f"../pdf/dry-needling.{locale}.letter.pdf",
            f"../pdf/dry-needling.{locale}.a4.pdf",
            f"../json/dry-needling.{locale}.json",
        ]
        for content in data["content"]:
            attachment = content["attachment"]
            written = target(built, attachment["url"]).read_bytes()
            assert attachment["language"] == locale
            assert attachment["hash"] == base64.b64encode(hashlib.sha1(written).digest()).decode("ascii")
            assert attachment["size"] == len(written)


def test_a_draft_is_preliminary_with_no_reviewer_and_no_review_dates(built):
    """Both shipped locales are drafts (no sign-off recorded): preliminary, and nothing to date or authenticate."""
    found = resources(built)
    english, spanish = found["dry-needling.en.json"], found["dry-needling.es.json"]
    for resource in (english, spanish):
        assert resource["docStatus"] == "preliminary"
        assert "authenticator" not in resource and "extension" not in resource
        assert document_reference(resource).docStatus == "preliminary"
    assert spanish["relatesTo"] == [
        {"code": "transforms", "target": {"reference": "DocumentReference/dry-needling-en"}}
    ]
    assert "relatesTo" not in english


@pytest.fixture(scope="module")
def signed_off(tmp_path_factory) -> Path:
    """The shipped content published at a base URL, with the Spanish translation signed off."""
    import shutil

    from tests.conftest import CONTENT

    base = tmp_path_factory.mktemp("signed")
    content = base / "content"
    shutil.copytree(CONTENT, content)
    with (content / "brand.yaml").open("a", encoding="utf-8") as brand:
        # a short base: the page's address goes into the Spanish before-your-visit text, 3 segments at most
        brand.write("site:\n  base_url: https://jpt.example/info/\n")
    result = run_cli("signoff", "--locale", "es", "--by", REVIEWER, "--content", str(content))
    assert result.returncode == 0, result.stderr
    out = base / "build"
    result = run_build(content, out, *formats("fhir", "pdf", "html", "json"), "--no-cache")
    assert result.returncode == 0, result.stderr
    return out


def test_a_signed_off_locale_is_final_with_its_reviewer_as_authenticator(signed_off):
    """The review is the sign-off's: the reviewer authenticates, and its date and next review are the extensions.
    The English, not signed off, stays preliminary."""
    found = resources(signed_off)
    spanish = found["dry-needling.es.json"]
    resource = document_reference(spanish)
    assert resource.docStatus == "final" and resource.authenticator.display == REVIEWER
    review = json.loads((signed_off / "json" / "dry-needling.es.json").read_text("utf-8"))["review"]
    assert review["status"] == "approved" and review["reviewed_by"] == REVIEWER
    assert [e["url"].rsplit("/", 1)[1] for e in spanish["extension"]] == [
        "artifact-lastReviewDate",
        "artifact-effectivePeriod",
    ]
    assert spanish["extension"][0]["valueDate"] == review["last_reviewed"]
    assert spanish["extension"][1]["valuePeriod"] == {"start": review["last_reviewed"], "end": review["next_review"]}
    assert resource.extension[0].valueDate.isoformat() == review["last_reviewed"]
    english = found["dry-needling.en.json"]
    assert english["docStatus"] == "preliminary" and "authenticator" not in english and "extension" not in english


def test_a_change_since_the_sign_off_makes_the_reference_preliminary_again(signed_off, tmp_path):
    """The status is the sign-off's only while it covers the text: an edit afterwards makes a draft again."""
    import shutil

    content = tmp_path / "content"
    shutil.copytree(signed_off.parent / "content", content)
    risks = content / "es" / "risks.yaml"
    risks.write_text(risks.read_text("utf-8").replace("label: Sangrado", "label: Sangrado leve", 1), "utf-8")
    out = tmp_path / "build"
    result = run_cli("build", "--content", str(content), "--out", str(out), "--format", "fhir")
    assert result.returncode == 0, result.stderr
    spanish = resources(out)["dry-needling.es.json"]
    assert spanish["docStatus"] == "preliminary" and "authenticator" not in spanish and "extension" not in spanish


def test_published_addresses_and_hashes_of_the_files_written_alongside(signed_off):
    """With a base URL every attachment has its public address; from scratch (--no-cache) each hash is that of
    the file written beside it."""
    for data in resources(signed_off).values():
        for content in data["content"]:
            attachment = content["attachment"]
            assert attachment["url"].startswith("https://jpt.example/info/")
            written = target(signed_off, attachment["url"]).read_bytes()
            assert attachment["hash"] == base64.b64encode(hashlib.sha1(written).digest()).decode("ascii")


def test_the_library_refuses_what_fhir_refuses(built):
    """The check is real: another resource type, an element R4 does not have, a size that is no number or a hash
    that is not base64 is refused. (The models check structure and types, not code bindings: the docStatus
    codes are asserted above.)"""
    from pydantic import ValidationError

    data = resources(built)["dry-needling.en.json"]
    attachment = data["content"][0]["attachment"]
    for broken in (
        data | {"resourceType": "Document"},
        data | {"reviewer": REVIEWER},
        data | {"content": [{"attachment": attachment | {"size": "large"}}]},
        data | {"content": [{"attachment": attachment | {"hash": "not base64!"}}]},
    ):
        with pytest.raises((ValidationError, ValueError)):
            document_reference(broken)


def _printed(formats: tuple[str, ...], out: Path) -> tuple[list[str], object]:
    """The brochures a from-scratch build printed, by the PDF channel's progress lines, and its result."""
    import dncontent
    from tests.conftest import CONTENT

    lines: list[str] = []
    result = dncontent.build(
        dncontent.BuildOptions(content=CONTENT, out=out, formats=formats, no_cache=True), progress=lines.append
    )
    printed = [line.split(" (", 1)[0].removeprefix("printed ") for line in lines if line.startswith("printed ")]
    return printed, result


def test_nothing_is_rendered_twice_for_the_references(built, tmp_path):
    """The references hash the artifacts the build's other channels made: from scratch, every brochure is
    printed once, by the PDF channel, whatever the order the formats are asked in; a build of the references
    alone prints each once for them and writes only the references, with the same hashes."""
    brochures = sorted(f"{locale} {paper}" for locale in ("en", "es") for paper in ("letter", "a4"))
    for asked in ((), ("fhir", "pdf", "html", "json")):
        printed, result = _printed(asked, tmp_path / f"build-{len(asked)}")
        assert sorted(printed) == brochures, asked
        assert sorted(p for p in result.rendered if p.endswith(".pdf")) == sorted(
            f"pdf/dry-needling.{b.replace(' ', '.')}.pdf" for b in brochures
        )
        assert resources(tmp_path / f"build-{len(asked)}") == resources(built)
    printed, result = _printed(("fhir",), tmp_path / "alone")
    assert sorted(printed) == brochures
    assert [entry["path"] for entry in result.manifest["artifacts"]] == [
        "fhir/dry-needling.en.json",
        "fhir/dry-needling.es.json",
    ]
    assert sorted(result.rendered) == ["fhir/dry-needling.en.json", "fhir/dry-needling.es.json"]
    assert resources(tmp_path / "alone") == resources(built)


def test_a_build_on_one_paper_attaches_the_brochures_it_prints(tmp_path):
    from tests.conftest import CONTENT

    out = tmp_path / "out"
    result = run_cli(
        "build", "--content", str(CONTENT), "--out", str(out), "--format", "fhir", "--format", "pdf", "--paper", "a4"
    )
    assert result.returncode == 0, result.stderr
    for name, data in resources(out).items():
        locale = name.split(".")[1]
        assert [c.attachment.title for c in document_reference(data).content] == [
            "Web page",
            "Brochure (a4)",
            "JSON export",
        ]
        brochure = data["content"][1]["attachment"]
        written = target(out, brochure["url"]).read_bytes()
        assert brochure["url"] == f"../pdf/dry-needling.{locale}.a4.pdf"
        assert brochure["hash"] == base64.b64encode(hashlib.sha1(written).digest()).decode("ascii")
