"""The JSON export: valid against its own schema, complete, faithful to the approved page, stable."""

from __future__ import annotations

import copy
import json
import re

import jsonschema
import pytest
from jsonschema import Draft202012Validator

from dncontent.channels.json import SCHEMA_VERSION, consumer_schema
from tests import approved
from tests.conftest import CONTENT, ROOT, run_cli


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The published schema (build/json/schema.json) and the en export of one build."""
    out = tmp_path_factory.mktemp("json") / "build"
    assert run_cli("build", "--content", str(CONTENT), "--out", str(out), "--format", "json").returncode == 0
    schema = json.loads((out / "json" / "schema.json").read_text("utf-8"))
    document = json.loads((out / "json" / "dry-needling.en.json").read_text("utf-8"))
    return schema, document


STRICT = json.loads((ROOT / "schemas" / "export.schema.json").read_text("utf-8"))


def validator(schema):
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_export_validates_against_the_published_and_the_strict_schema(exported):
    schema, document = exported
    assert list(validator(schema).iter_errors(document)) == []
    assert list(validator(STRICT).iter_errors(document)) == []
    assert document["schema_version"] == SCHEMA_VERSION == STRICT["properties"]["schema_version"]["const"]


def test_published_schema_is_the_strict_one_opened_up(exported):
    """build/json/schema.json is derived from schemas/export.schema.json at build time, so they cannot drift."""
    schema, _ = exported
    assert schema == consumer_schema(STRICT)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "urn:dncontent:export:v2" and "$id" not in STRICT
    assert list(schema)[:4] == ["$schema", "$id", "title", "description"]
    text = json.dumps(schema)
    assert "additionalProperties" not in text and "unevaluatedProperties" not in text
    assert schema["properties"]["schema_version"]["pattern"] == "^2\\.[0-9]+\\.[0-9]+$(?!\\n)"
    # apart from the keywords that close objects, version and header, it is the strict schema word for word
    others = {k: v for k, v in STRICT.items() if k not in ("title", "description", "$schema")}
    opened = json.loads(
        json.dumps(others),
        object_hook=lambda node: {k: v for k, v in node.items() if not (k == "additionalProperties" and v is False)},
    )
    opened["properties"]["schema_version"] = schema["properties"]["schema_version"]
    # `$schema` names the published file by name, or by an address that ends in it
    assert schema["properties"]["$schema"]["pattern"] == "(^|/)schema\\.json$(?!\\n)"
    opened["properties"]["$schema"] = schema["properties"]["$schema"]
    assert {k: v for k, v in schema.items() if k not in ("$id", "title", "description", "$schema")} == opened


def test_opening_a_schema_keeps_properties_named_like_keywords():
    strict = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "additionalProperties": False,
            "items": {
                "type": "array",
                "items": {"type": "object", "unevaluatedProperties": False, "properties": {"id": {"type": "string"}}},
            },
        },
        "$defs": {"x": {"type": "object", "additionalProperties": False}},
    }
    from dncontent.channels.json import _open

    assert _open(strict) == {
        "type": "object",
        "properties": {
            "additionalProperties": False,
            "items": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}}}},
        },
        "$defs": {"x": {"type": "object"}},
    }


WITH_ADDITIONS = {
    "at the top level": lambda d: d.update(audience="adults", related=[{"id": "cupping"}], published=None),
    "in a section": lambda d: d["sections"][0].update(anchor="intro", media={"kind": "video"}),
    "in a risk": lambda d: d["risks"][0].update(severity="rare", links=[]),
    "in a call to action": lambda d: d["cta"][0].update(icon=None, priority=1),
    "in the brand": lambda d: d["brand"].update(tagline="Move well", favicon={"path": "assets/icon.png"}),
    "in the review": lambda d: d["review"].update(approved_by=["A. Clinician"]),
    "in the labels": lambda d: d["labels"].update(print_brochure="Print"),
    "in a brochure": lambda d: d["brochures"][0].update(pages=4),
}


@pytest.mark.parametrize("where", sorted(WITH_ADDITIONS))
def test_an_export_with_added_fields_still_validates_for_apps(exported, where):
    """What a later 2.x may add passes the published schema, and fails the strict one (our output never drifts)."""
    schema, document = exported
    later = copy.deepcopy(document)
    WITH_ADDITIONS[where](later)
    assert list(validator(schema).iter_errors(later)) == []
    with pytest.raises(jsonschema.ValidationError, match="Additional properties are not allowed"):
        validator(STRICT).validate(later)


def test_a_later_minor_version_with_new_fields_validates_for_apps(exported):
    schema, document = exported
    later = copy.deepcopy(document)
    for add in WITH_ADDITIONS.values():
        add(later)
    later["schema_version"] = "2.7.0"
    later["related"] = [{"locale": "es-419", "href": "dry-needling.es-419.json"}]
    assert list(validator(schema).iter_errors(later)) == []
    with pytest.raises(jsonschema.ValidationError):
        validator(STRICT).validate(later)


BREAKAGES = {
    "missing schema_version": lambda d: d.pop("schema_version"),
    "missing $schema": lambda d: d.pop("$schema"),  # every 2.x export names its schema
    "$schema naming the index's": lambda d: d.update({"$schema": "index.schema.json"}),
    "risk without id": lambda d: d["risks"][0].pop("id"),
    "risk without label": lambda d: d["risks"][0].pop("label"),
    "bad id": lambda d: d["conditions"][0].update(id="Neck Pain"),
    "http url": lambda d: d["cta"][0].update(url="http://example.com"),
    "impossible date": lambda d: d["review"].update(last_reviewed="2026-13-45"),
    "minutes as text": lambda d: d["facts"]["session_minutes"].update(min="15"),
    "major version 3": lambda d: d.update(schema_version="3.0.0"),
    "major version 1": lambda d: d.update(schema_version="1.1.0"),  # its review dates were never null
    "version as a number": lambda d: d.update(schema_version=1.1),
    "unknown list": lambda d: d["sections"][0].update(list="faq"),
    "locale with underscore": lambda d: d.update(locale="es_ES"),
}


@pytest.mark.parametrize("name", sorted(BREAKAGES))
@pytest.mark.parametrize("which", ["published", "strict"])
def test_broken_export_is_rejected(exported, name, which):
    schema, document = exported
    broken = copy.deepcopy(document)
    BREAKAGES[name](broken)
    with pytest.raises(jsonschema.ValidationError):
        validator(schema if which == "published" else STRICT).validate(broken)


def test_strict_schema_rejects_what_it_does_not_describe(exported):
    _, document = exported
    for change in (lambda d: d.update(extra=1), lambda d: d.update(schema_version="2.1.0")):
        broken = copy.deepcopy(document)
        change(broken)
        with pytest.raises(jsonschema.ValidationError):
            validator(STRICT).validate(broken)


@pytest.mark.parametrize("tag", ["en", "es-419", "pt-BR", "zh-Hant", "sr-Latn-RS", "de-CH-1996"])
def test_locale_pattern_takes_bcp47_tags(exported, tag):
    schema, document = exported
    assert list(validator(schema).iter_errors({**document, "locale": tag})) == []


def test_export_carries_everything_an_app_needs(exported):
    _, d = exported
    assert list(d) == [
        "$schema",
        "schema_version",
        "id",
        "revision",
        "locale",
        "direction",
        "title",
        "topic",
        "url",
        "review",
        "source",
        "brand",
        "facts",
        "labels",
        "sections",
        "conditions",
        "risks",
        "contraindications",
        "session_phases",
        "cta",
        "brochures",
        "alternates",
    ]
    assert d["id"] == "dry-needling" and d["direction"] == "ltr" and re.fullmatch(r"sha256:[0-9a-f]{64}", d["revision"])
    # the English is the clinic's published page, captured: a source, not a review, so it is a draft
    assert d["review"] == {"status": "draft", "last_reviewed": None, "next_review": None, "reviewed_by": None}
    assert d["source"] == {
        "title": "Dry Needling: What You Need to Know",
        "publisher": "Jubilant Therapy Services",
        "url": None,
        "captured": "2026-11-20",
        "note": d["source"]["note"],
    }
    assert d["alternates"] == [
        {"locale": "en", "path": "dry-needling.en.json", "translated_from": None},
        {"locale": "es", "path": "dry-needling.es.json", "translated_from": "en"},
    ]
    assert d["locale"] == "en" and d["facts"]["session_minutes"] == {"min": 15, "max": 30}
    assert (len(d["conditions"]), len(d["risks"]), len(d["contraindications"])) == (14, 9, 7)
    assert [p["id"] for p in d["session_phases"]] == ["before", "during", "after", "results"]
    assert {c["id"]: c["url"] for c in d["cta"]} == {
        "contact": "https://www.example.com/contact",
        "book-online": "https://www.example.com/book-online",
    }
    assert d["brand"]["name"] == "Jubilant Therapy Services"
    assert [s["id"] for s in d["sections"]][:3] == ["introduction", "what-it-is", "acupuncture"]


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def test_no_html_in_strings(exported):
    _, d = exported
    assert [s for s in _strings(d) if re.search(r"</?[a-z][^>]*>|&[a-z]+;", s)] == []


def test_every_approved_sentence_heading_and_item_is_in_the_export(exported):
    _, d = exported
    text = "\n".join(_strings(d))
    assert approved.missing_from(text) == []
    labels = {approved.normalize(i["label"]) for key in ("conditions", "risks", "contraindications") for i in d[key]}
    items = [approved.normalize(unit) for kind, unit in approved.units() if kind == "item"]
    assert sorted(labels) == sorted(items)  # every list item is a list item, and no item was added
    headings = [approved.normalize(h) for kind, h in approved.units() if kind == "heading"]
    assert [approved.normalize(d["title"])] + [
        approved.normalize(s["heading"]) for s in d["sections"] if s["heading"]
    ] == headings
    cta_labels = {c["label"] for c in d["cta"]}
    assert cta_labels == {"Contact", "Book Online"}  # the approved page's two link lines


def test_the_approved_page_parses_into_its_parts():
    kinds = [kind for kind, _ in approved.units()]
    assert (kinds.count("heading"), kinds.count("item"), kinds.count("sentence")) == (8, 30, 59)


def test_export_is_utf8_with_stable_formatting(tmp_path):
    out = tmp_path / "b"
    run_cli("build", "--content", str(CONTENT), "--out", str(out), "--format", "json")
    data = (out / "json" / "dry-needling.en.json").read_bytes()
    assert "It’s almost always".encode() in data  # UTF-8, not \u escapes
    assert data.endswith(b"}\n") and b"\r" not in data


def test_a_signed_off_export_carries_the_sign_off_and_loses_it_with_an_edit(content_copy, tmp_path):
    signed = run_cli(
        "signoff",
        "--locale",
        "en",
        "--by",
        "Dana Ruiz, PT, DPT",
        "--date",
        "2026-11-20",
        "--content",
        str(content_copy),
    )
    assert signed.returncode == 0, signed.stderr
    out = tmp_path / "build"

    def build() -> tuple[dict, dict]:
        assert run_cli("build", "--content", str(content_copy), "--out", str(out), "--format", "json").returncode == 0
        index = json.loads((out / "json" / "index.json").read_text("utf-8"))
        return json.loads((out / "json" / "dry-needling.en.json").read_text("utf-8")), index["exports"][0]

    document, entry = build()
    assert document["review"] == {
        "status": "approved",
        "last_reviewed": "2026-11-20",
        "next_review": "2027-11-20",
        "reviewed_by": "Dana Ruiz, PT, DPT",
    }
    assert {k: document["labels"][k] for k in ("last_reviewed", "next_review", "reviewed_by", "draft_notice")} == {
        "last_reviewed": "Last reviewed November 20, 2026",
        "next_review": "Next review due November 20, 2027",
        "reviewed_by": "Reviewed by Dana Ruiz, PT, DPT",
        "draft_notice": None,
    }
    assert entry["review"] == {"status": "approved", "last_reviewed": "2026-11-20", "next_review": "2027-11-20"}
    assert list(validator(STRICT).iter_errors(document)) == []
    session = content_copy / "en" / "session.yaml"  # the session length is a fact the clinician signed off
    session.write_text(session.read_text("utf-8").replace("max: 30", "max: 40"), "utf-8")
    document, entry = build()
    assert document["review"] == {"status": "draft", "last_reviewed": None, "next_review": None, "reviewed_by": None}
    assert document["labels"]["draft_notice"] and document["labels"]["last_reviewed"] is None
    assert entry["review"] == {"status": "draft", "last_reviewed": None, "next_review": None}
    assert list(validator(STRICT).iter_errors(document)) == []
