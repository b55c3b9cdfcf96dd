"""The app contract as users meet it: the document id names every output, public addresses, CTA roles, list
titles, one rule for missing values, the revision, direction, the logo everywhere, and the reviewer's name."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from dncontent.channels.json import revision, role
from tests.conftest import CONTENT, ROOT, formats, require, run_build, run_cli

STRICT = json.loads((ROOT / "schemas" / "export.schema.json").read_text("utf-8"))
CLINIC = "Jubilant Therapy Services"
LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">'
    b'<rect width="120" height="40" rx="6" fill="#f2a541"/><circle cx="20" cy="20" r="12" fill="#ffffff"/></svg>'
)
REVIEWER = "Dana Ruiz, PT, DPT"


def build(content: Path, out: Path, *formats: str) -> Path:
    args = [arg for fmt in formats for arg in ("--format", fmt)]
    result = run_cli("build", "--content", str(content), "--out", str(out), *args)
    assert result.returncode == 0, result.stderr
    return out


def export(out: Path, locale: str = "en", document: str = "dry-needling") -> dict:
    return json.loads((out / "json" / f"{document}.{locale}.json").read_text("utf-8"))


def manifest(out: Path) -> dict[str, dict]:
    return {entry["path"]: entry for entry in json.loads((out / "manifest.json").read_text("utf-8"))["artifacts"]}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Path:
    """The text channels of the shipped content."""
    return build(CONTENT, tmp_path_factory.mktemp("shipped") / "build", "json", "html")


# The document id ------------------------------------------------------------------------------------------------


def test_renaming_the_id_renames_every_output_and_the_export(built, content_copy, tmp_path):
    for locale in ("en", "es"):
        edit(content_copy / locale / "page.yaml", "\nid: dry-needling\n", "\nid: shoulder-pain\n")
    out = build(content_copy, tmp_path / "build")
    before, after = manifest(built), manifest(out)
    assert sorted(after) == sorted(path.replace("dry-needling", "shoulder-pain") for path in before)
    assert not [path for path in after if "dry-needling" in path]
    assert any("shoulder-pain" in path for path in after if path.startswith("pdf/"))
    document = export(out, "es", "shoulder-pain")
    assert document["id"] == "shoulder-pain"
    assert [a["path"] for a in document["alternates"]] == ["shoulder-pain.en.json", "shoulder-pain.es.json"]
    assert [b["path"] for b in document["brochures"]] == [
        "../pdf/shoulder-pain.es.letter.pdf",
        "../pdf/shoulder-pain.es.a4.pdf",
    ]
    page = (out / "html" / "en" / "shoulder-pain.html").read_text("utf-8")
    assert 'hreflang="es" href="../es/shoulder-pain.html"' in page
    index = json.loads((out / "json" / "index.json").read_text("utf-8"))
    assert index["id"] == "shoulder-pain" and [e["path"] for e in index["exports"]] == [
        "shoulder-pain.en.json",
        "shoulder-pain.es.json",
    ]


def test_no_code_template_or_schema_names_the_document():
    found = subprocess.run(
        ["grep", "-rn", "dry-needling", "src/", "templates/", "schemas/"], cwd=ROOT, capture_output=True, text=True
    )
    assert found.stdout == ""


def test_locales_that_disagree_on_the_id_are_refused_at_the_id(content_copy):
    edit(content_copy / "es" / "page.yaml", "\nid: dry-needling\n", "\nid: puncion-seca\n")
    line = (content_copy / "es" / "page.yaml").read_text("utf-8").splitlines().index("id: puncion-seca") + 1
    result = run_cli("validate", "--content", str(content_copy), "--quiet")
    assert result.returncode == 1
    assert (
        f"es/page.yaml:{line}:5: id: document id 'puncion-seca' differs from the en locale's 'dry-needling' "
        "(hint: every locale names the same document: write id: dry-needling)"
    ) in result.stdout


def test_a_page_without_an_id_is_refused(content_copy):
    edit(content_copy / "en" / "page.yaml", "\nid: dry-needling\n", "\n")
    result = run_cli("validate", "--content", str(content_copy), "--quiet")
    assert result.returncode == 1 and "en/page.yaml:8:1: missing required field 'id'" in result.stdout


# Public addresses -----------------------------------------------------------------------------------------------


def test_without_public_addresses_links_stay_relative_and_urls_are_null(shipped):
    document = export(shipped)
    assert document["url"] is None and document["source"]["url"] is None
    assert [b["url"] for b in document["brochures"]] == [None, None]
    page = (shipped / "html" / "en" / "dry-needling.html").read_text("utf-8")
    assert 'rel="canonical"' not in page
    assert '<link rel="alternate" hreflang="es" href="../es/dry-needling.html">' in page
    metadata = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert "url" not in metadata and metadata["workTranslation"][0]["url"] == "../es/dry-needling.html"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The shipped content published at a base URL, with its own address for the Spanish page and a source URL."""
    content = tmp_path_factory.mktemp("published") / "content"
    import shutil

    shutil.copytree(CONTENT, content)
    with (content / "brand.yaml").open("a", encoding="utf-8") as brand:
        brand.write("site:\n  base_url: https://clinic.example.org/patient-info\n")
    edit(
        content / "es" / "page.yaml",
        "\ntopic: Punción seca\n",
        "\ntopic: Punción seca\nurl: https://clinic.example.org/es/puncion-seca/\n",
    )
    edit(
        content / "en" / "page.yaml",
        "  publisher: Jubilant Therapy Services\n",
        "  publisher: Jubilant Therapy Services\n  url: https://clinic.example.org/dry-needling\n",
    )
    return build(content, tmp_path_factory.mktemp("published") / "build", "json", "html")


def test_a_base_url_gives_every_output_its_public_address(published):
    base = "https://clinic.example.org/patient-info/"  # the missing final / is added
    en, es = export(published, "en"), export(published, "es")
    assert en["url"] == base + "html/en/dry-needling.html"
    assert es["url"] == "https://clinic.example.org/es/puncion-seca/"  # the page's own address wins
    assert [b["url"] for b in en["brochures"]] == [
        base + "pdf/dry-needling.en.letter.pdf",
        base + "pdf/dry-needling.en.a4.pdf",
    ]
    assert en["source"]["url"] == "https://clinic.example.org/dry-needling"
    assert [b["path"] for b in en["brochures"]] == [
        "../pdf/dry-needling.en.letter.pdf",
        "../pdf/dry-needling.en.a4.pdf",
    ]


def test_the_page_has_a_canonical_url_and_absolute_alternates(published):
    base = "https://clinic.example.org/patient-info/"
    en = (published / "html" / "en" / "dry-needling.html").read_text("utf-8")
    es = (published / "html" / "es" / "dry-needling.html").read_text("utf-8")
    assert f'<link rel="canonical" href="{base}html/en/dry-needling.html">' in en
    assert '<link rel="canonical" href="https://clinic.example.org/es/puncion-seca/">' in es
    for page in (en, es):
        assert f'<link rel="alternate" hreflang="en" href="{base}html/en/dry-needling.html">' in page
        assert '<link rel="alternate" hreflang="es" href="https://clinic.example.org/es/puncion-seca/">' in page
        assert 'hreflang="es" lang="es"' in page and 'href="../es/dry-needling.html"' not in page
    metadata = lambda html: json.loads(  # noqa: E731
        re.search(
            r'<script type="application/ld\+json">(.*?)</script>',
            html,  # noqa: E731
            re.S,
        ).group(1)
    )
    assert metadata(en)["url"] == f"{base}html/en/dry-needling.html"
    assert metadata(en)["workTranslation"][0]["url"] == "https://clinic.example.org/es/puncion-seca/"
    assert metadata(es)["translationOfWork"]["url"] == f"{base}html/en/dry-needling.html"


@pytest.mark.parametrize(
    "where, line, value, message",
    [
        ("brand.yaml", "site:\n  base_url: {}\n", "http://clinic.example.org/", "URL scheme 'http:' is not allowed"),
        ("brand.yaml", "site:\n  base_url: {}\n", "https://clinic.example.org/?page=1", "has a query or fragment"),
        (
            "en/page.yaml",
            "url: {}\n",
            "tel:+15550100",
            "URL scheme 'tel:' is not allowed (hint: use an absolute https:// address)",
        ),
        ("en/page.yaml", "url: {}\n", "https:///patient-info", "is not a valid"),
    ],
)
def test_public_addresses_must_be_https(content_copy, where, line, value, message):
    path = content_copy / where
    if where == "brand.yaml":
        with path.open("a", encoding="utf-8") as brand:
            brand.write(line.format(value))
    else:
        edit(path, "\ntopic: Dry needling\n", "\ntopic: Dry needling\n" + line.format(value))
    result = run_cli("validate", "--content", str(content_copy), "--quiet")
    assert result.returncode == 1 and message in result.stdout, result.stdout


def test_a_placeholder_base_url_is_a_warning(content_copy):
    with (content_copy / "brand.yaml").open("a", encoding="utf-8") as brand:
        brand.write("site:\n  base_url: https://www.example.com/patient-info/\n")
    result = run_cli("validate", "--content", str(content_copy))
    assert (
        "warning: site.base_url: placeholder URL 'https://www.example.com/patient-info/' for the published site"
        in result.stdout
    )


# Calls to action, list titles, direction ---------------------------------------------------------------------


def test_each_call_to_action_says_which_link_it_opens_and_what_it_does(shipped):
    assert [(c["id"], c["link"], c["role"]) for c in export(shipped)["cta"]] == [
        ("contact", "contact", "contact"),
        ("book-online", "booking", "booking"),
    ]
    assert [
        role(link, url)
        for link, url in [
            ("website", "https://a.org/"),
            ("phone", "tel:+15550100"),
            ("email", "mailto:a@b.org"),
            ("reviews", "https://a.org/r"),
        ]
    ] == ["website", "contact", "contact", "other"]


def test_the_export_carries_the_wording_to_show_lists(shipped):
    en, es = export(shipped, "en"), export(shipped, "es")
    headings = {s["list"]: s["heading"] for s in en["sections"] if s["list"]}
    assert en["labels"]["lists"] == {
        "conditions": headings["conditions"],
        "risks": "Possible risks and side effects",
        "contraindications": "Avoid dry needling, or use caution, if you have",
        "session_phases": headings["session_phases"],
    }
    assert en["labels"]["session_length"] == "A typical session: 15–30 minutes"
    assert es["labels"]["session_length"] == "Una sesión típica: 15–30 minutos"
    assert es["labels"]["lists"]["risks"] == "Posibles riesgos y efectos secundarios"
    # neither locale is signed off: no review phrases, the draft notice instead
    assert [en["labels"][key] for key in ("last_reviewed", "next_review", "reviewed_by")] == [None] * 3
    assert en["labels"]["draft_notice"].startswith("Draft") and es["labels"]["draft_notice"].startswith("Borrador")
    # the callout over the contraindications says what the approved text under it says: avoid, or be cautious
    assert es["labels"]["lists"]["contraindications"] == "Evite la punción seca, o tenga precaución, si tiene"
    for document in (en, es):  # one model: a section's list names a key of the export, its cta ids entries of cta
        for section in document["sections"]:
            assert section["list"] is None or isinstance(document[section["list"]], list)
            assert section["list"] is None or document["labels"]["lists"][section["list"]]
            assert set(section["cta"]) <= {c["id"] for c in document["cta"]}


def test_direction_follows_the_labels(content_copy, tmp_path):
    edit(content_copy / "es" / "labels.yaml", "direction: ltr", "direction: rtl")
    out = build(content_copy, tmp_path / "build", "json")
    assert export(out, "en")["direction"] == "ltr" and export(out, "es")["direction"] == "rtl"


# Empty and null -----------------------------------------------------------------------------------------------


def _objects(schema: dict, where: str = ""):
    """(path, object schema) for every object the strict schema describes."""
    for option in schema.get("anyOf", ()):
        yield from _objects(option, where)
    if schema.get("type") == "object" and "properties" in schema:
        yield where, schema
        for name, sub in schema["properties"].items():
            yield from _objects(sub, f"{where}.{name}")
    if "items" in schema:
        yield from _objects(schema["items"], f"{where}[]")


def _types(schema: dict) -> set[str]:
    found = schema.get("type", [])
    types = set(found if isinstance(found, list) else [found])
    for option in schema.get("anyOf", ()):
        types |= _types(option)
    if "enum" in schema:
        types |= {"null" if v is None else "string" for v in schema["enum"]}
    return types


def test_the_schema_states_one_rule_for_missing_values():
    """Every key is always present; a missing value is null; a list is never null, an empty one is []."""
    objects = list(_objects(STRICT))
    assert len(objects) > 15
    for where, schema in objects:
        assert set(schema["required"]) == set(schema["properties"]), where
        for name, sub in schema["properties"].items():
            types = _types(sub)
            assert not ("array" in types and "null" in types), f"{where}.{name}: a list is never null"
            assert types - {"null"}, f"{where}.{name}"
            assert "title" in sub and "description" in sub, f"{where}.{name} needs a title and a description"


def _walk(value, where=""):
    yield where, value
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from _walk(sub, f"{where}.{key}")
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from _walk(sub, f"{where}[{i}]")


def test_exports_follow_the_rule(shipped, published):
    for document in (export(shipped, "en"), export(shipped, "es"), export(published, "es")):
        values = list(_walk(document))
        assert [where for where, value in values if value == ""] == []  # absent text is null, never ""
        assert [where for where, value in values if value is None]  # and there is some


def test_fixtures_follow_the_rule():
    from dncontent.fixtures import export_fixtures

    for document in export_fixtures(5, seed=7):
        assert [where for where, value in _walk(document) if value == ""] == []


# Revision ------------------------------------------------------------------------------------------------------


def test_revision_is_a_hash_of_the_rest_of_the_export(shipped):
    document = export(shipped)
    rest = {key: value for key, value in document.items() if key != "revision"}
    canonical = json.dumps(rest, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert document["revision"] == "sha256:" + hashlib.sha256(canonical).hexdigest() == revision(document)
    index = json.loads((shipped / "json" / "index.json").read_text("utf-8"))
    assert [e["revision"] for e in index["exports"]] == [export(shipped, loc)["revision"] for loc in ("en", "es")]


def test_revision_is_stable_and_changes_with_any_exported_value(shipped, content_copy, tmp_path):
    same = build(content_copy, tmp_path / "same", "json")
    assert export(same)["revision"] == export(shipped)["revision"]
    edit(content_copy / "en" / "risks.yaml", "label: Bruising", "label: Bruising or swelling")
    edit(content_copy / "brand.yaml", '"#eef6f7"', '"#eef6f8"')
    changed = build(content_copy, tmp_path / "changed", "json")
    assert export(changed)["revision"] != export(shipped)["revision"]
    assert export(changed, "es")["revision"] != export(shipped, "es")["revision"]  # the brand colour
    document = export(shipped)
    for change in (
        lambda d: d["risks"][0].update(label="x"),
        lambda d: d.update(direction="rtl"),
        lambda d: d["review"].update(reviewed_by="A"),
    ):
        other = copy.deepcopy(document)
        change(other)
        assert revision(other) != document["revision"]


# The logo ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def with_logo(tmp_path_factory) -> Path:
    import shutil

    content = tmp_path_factory.mktemp("logo") / "content"
    shutil.copytree(CONTENT, content)
    (content / "assets").mkdir()
    (content / "assets" / "logo.svg").write_bytes(LOGO)
    edit(content / "brand.yaml", f"name: {CLINIC}\n", f"name: {CLINIC}\nlogo: assets/logo.svg\n")
    return build(content, tmp_path_factory.mktemp("logo") / "build", "json", "html")


def test_the_logo_is_copied_listed_and_referenced(with_logo, shipped):
    entries = manifest(with_logo)
    digest = hashlib.sha256(LOGO).hexdigest()
    logos = {path: entry for path, entry in entries.items() if entry["role"] == "logo"}
    assert sorted(logos) == ["html/assets/logo.svg", "json/assets/logo.svg"]
    assert all(entry["sha256"] == digest and entry["bytes"] == len(LOGO) for entry in logos.values())
    assert (with_logo / "html" / "assets" / "logo.svg").read_bytes() == LOGO
    logo = export(with_logo)["brand"]["logo"]
    assert logo == {"path": "assets/logo.svg", "url": None, "media_type": "image/svg+xml"}
    assert (with_logo / "json" / logo["path"]).read_bytes() == LOGO
    assert export(shipped)["brand"]["logo"] is None and not [
        e for e in manifest(shipped).values() if e["role"] == "logo"
    ]


def test_the_snippets_stay_request_free_with_a_logo(with_logo):
    for snippet in (with_logo / "html" / "en" / "snippets").iterdir():
        assert "<img" not in snippet.read_text("utf-8"), snippet.name


def test_the_page_shows_the_logo_named_by_the_clinic(with_logo, browser):
    from tests.test_html_a11y import axe_violations, open_page

    for locale in ("en", "es"):
        context, tab = open_page(browser, "1280px", with_logo, locale=locale)
        logo = tab.get_by_role("img", name=CLINIC)
        assert logo.count() == 1 and logo.is_visible()
        assert tab.locator("header").get_by_role("link", name=CLINIC, exact=True).count() == 1
        assert logo.evaluate("img => img.complete && img.naturalWidth > 0")  # the copied file loads
        box = logo.bounding_box()
        assert box["height"] >= 24 and box["width"] >= 24
        assert axe_violations(tab) == []
        context.close()


# The reviewer on the brochure ------------------------------------------------------------------------------------


def pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(
        [require("pdftotext", "poppler-utils"), "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def test_the_brochure_names_the_reviewer_after_a_signoff(content_copy, tmp_path, built):
    result = run_cli("signoff", "--locale", "en", "--by", REVIEWER, "--content", str(content_copy))
    assert result.returncode == 0, result.stderr
    out = tmp_path / "build"
    result = run_build(content_copy, out, *formats("pdf", "json"), "--locale", "en")
    assert result.returncode == 0, result.stderr
    assert export(out)["labels"]["reviewed_by"] == f"Reviewed by {REVIEWER}"
    for paper in ("letter", "a4"):
        pages = pdf_pages(out / "pdf" / f"dry-needling.en.{paper}.pdf")
        assert all(f"Reviewed by {REVIEWER}" in page and "Last reviewed" in page for page in pages), paper
        unreviewed = pdf_pages(built / "pdf" / f"dry-needling.en.{paper}.pdf")
        assert all("Last reviewed" not in page and "Reviewed by" not in page for page in unreviewed)
    spanish = yaml.safe_load((content_copy / "es" / "page.yaml").read_text("utf-8"))
    assert "signoff" not in spanish and "review" not in spanish  # the other locale was not signed off
