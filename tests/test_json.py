"""The JSON export: valid against its own schema, complete, faithful to the approved page, stable."""
from __future__ import annotations

import copy
import json
import re

import jsonschema
import pytest
from jsonschema import Draft202012Validator

from tests import approved
from tests.conftest import CONTENT, ROOT, run_cli


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("json") / "build"
    assert run_cli("build", "--content", str(CONTENT), "--out", str(out), "--format", "json").returncode == 0
    schema = json.loads((out / "json" / "schema.json").read_text("utf-8"))
    document = json.loads((out / "json" / "dry-needling.en.json").read_text("utf-8"))
    return schema, document


def validator(schema):
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_export_validates_against_its_schema(exported):
    schema, document = exported
    assert list(validator(schema).iter_errors(document)) == []
    assert re.fullmatch(r"\d+\.\d+\.\d+", document["schema_version"])


def test_shipped_schema_is_the_documented_one(exported):
    schema, _ = exported
    assert schema == json.loads((ROOT / "schemas" / "export.schema.json").read_text("utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


BREAKAGES = {
    "missing schema_version": lambda d: d.pop("schema_version"),
    "unknown top-level key": lambda d: d.update(extra=1),
    "risk without id": lambda d: d["risks"][0].pop("id"),
    "bad id": lambda d: d["conditions"][0].update(id="Neck Pain"),
    "http url": lambda d: d["cta"][0].update(url="http://example.com"),
    "impossible date": lambda d: d["review"].update(last_reviewed="2026-13-45"),
    "minutes as text": lambda d: d["facts"]["session_minutes"].update(min="15"),
    "major version 2": lambda d: d.update(schema_version="2.0.0"),
    "unknown list": lambda d: d["sections"][0].update(list="faq"),
}


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_broken_export_is_rejected(exported, name):
    schema, document = exported
    broken = copy.deepcopy(document)
    BREAKAGES[name](broken)
    with pytest.raises(jsonschema.ValidationError):
        validator(schema).validate(broken)


def test_export_carries_everything_an_app_needs(exported):
    _, d = exported
    assert list(d) == ["schema_version", "locale", "title", "topic", "review", "source", "brand", "facts", "sections",
                       "conditions", "risks", "contraindications", "session_phases", "cta", "alternates"]
    assert d["review"]["status"] == "approved"
    assert d["alternates"] == [{"locale": "en", "path": "dry-needling.en.json", "translated_from": None},
                               {"locale": "es", "path": "dry-needling.es.json", "translated_from": "en"}]
    assert d["locale"] == "en" and d["facts"]["session_minutes"] == {"min": 15, "max": 30}
    assert (len(d["conditions"]), len(d["risks"]), len(d["contraindications"])) == (14, 9, 7)
    assert [p["id"] for p in d["session_phases"]] == ["before", "during", "after", "results"]
    assert {c["id"]: c["url"] for c in d["cta"]} == {"contact": "https://www.example.com/contact",
                                                    "book-online": "https://www.example.com/book-online"}
    assert d["brand"]["name"] == "Jubilant Therapy Services"
    assert d["review"]["last_reviewed"] == "2026-11-20"
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
    assert [approved.normalize(d["title"])] + [approved.normalize(s["heading"]) for s in d["sections"] if s["heading"]] == headings
    cta_labels = {c["label"] for c in d["cta"]}
    assert cta_labels == {"Contact", "Book Online"}  # the approved page's two link lines


def test_the_approved_page_parses_into_its_parts():
    kinds = [kind for kind, _ in approved.units()]
    assert (kinds.count("heading"), kinds.count("item"), kinds.count("sentence")) == (8, 30, 59)


def test_export_is_utf8_with_stable_formatting(tmp_path):
    out = tmp_path / "b"
    run_cli("build", "--content", str(CONTENT), "--out", str(out), "--format", "json")
    data = (out / "json" / "dry-needling.en.json").read_bytes()
    assert "It’s almost always".encode("utf-8") in data  # UTF-8, not \u escapes
    assert data.endswith(b"}\n") and b"\r" not in data
