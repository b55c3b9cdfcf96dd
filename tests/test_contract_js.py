"""The app contract in JavaScript: every document in build/json/ and in four `dncontent fixtures` folders (100
exports) follows the schema it names, by Ajv (draft 2020-12) as by jsonschema, and an app written from
docs/app-contract.md and the schemas alone reads them all, from the index to each locale's booking call to action."""

from __future__ import annotations

import copy
import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from dncontent.channels.json import strict_index_schema, strict_schema
from tests.conftest import FIXTURE_FOLDERS, ROOT, require

STRICT = {"schema.json": strict_schema(), "index.schema.json": strict_index_schema()}
# Ajv as an app runs it: draft 2020-12, each document against the schema it names, beside it. Formats stay
# annotations (Ajv checks them only with ajv-formats); jsonschema checks them below.
AJV = r"""
const Ajv2020 = require("ajv/dist/2020");
const input = JSON.parse(require("fs").readFileSync(0, "utf-8"));
const ajv = new Ajv2020({allErrors: true, validateFormats: false});
const compiled = {};
const verdicts = input.cases.map(({schema, document}) => {
  compiled[schema] = compiled[schema] || ajv.compile(input.schemas[schema]);
  return compiled[schema](document) ? null : ajv.errorsText(compiled[schema].errors);
});
process.stdout.write(JSON.stringify(verdicts));
"""


def ajv(schemas: dict[str, dict], cases: list[tuple[str, dict]]) -> list[str | None]:
    """Ajv's verdict on each (schema name, document): None when valid, else its errors."""
    require("node", "nodejs")
    if not (ROOT / "node_modules" / "ajv").is_dir():
        pytest.fail("node_modules/ajv is missing; run `npm ci` (or `make test`, which runs it)", pytrace=False)
    payload = {"schemas": schemas, "cases": [{"schema": s, "document": d} for s, d in cases]}
    result = subprocess.run(
        ["node", "-e", AJV], input=json.dumps(payload), cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def jsonschema(schema: dict, document: dict) -> list[str]:
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(document)]


def documents(folder: Path) -> dict[str, dict]:
    """Every JSON document of a json/ folder but the schemas, by file name."""
    return {
        p.name: json.loads(p.read_text("utf-8"))
        for p in sorted(folder.glob("*.json"))
        if not p.name.endswith("schema.json")
    }


def check_folder(folder: Path) -> None:
    """Each document names a schema shipped beside it; it follows that schema and the strict one, by both."""
    found = documents(folder)
    schemas = {name: json.loads((folder / name).read_text("utf-8")) for name in STRICT}
    assert sorted(d["$schema"] for d in found.values()) == sorted(
        ["index.schema.json"] + ["schema.json"] * (len(found) - 1)
    ), folder
    cases = [
        (name, document)
        for document in found.values()
        for name in (document["$schema"], "strict " + document["$schema"])
    ]
    verdicts = ajv(schemas | {"strict " + name: schema for name, schema in STRICT.items()}, cases)
    refused = {
        f"{folder.name}/{file}: {schema}": verdict
        for (schema, document), verdict, file in zip(cases, verdicts, [f for f in found for _ in (1, 2)])
        if verdict
    }
    assert refused == {}
    for file, document in found.items():
        for schema in (schemas[document["$schema"]], STRICT[document["$schema"]]):
            assert jsonschema(schema, document) == [], f"{folder.name}/{file}"


def test_every_document_of_a_build_follows_the_schema_it_names(built):
    assert sorted(p.name for p in (built / "json").iterdir() if p.suffix in (".json", ".ts")) == [
        "dry-needling.en.json",
        "dry-needling.es.json",
        "index.json",
        "index.schema.json",
        "schema.json",
        "types.d.ts",
    ]
    check_folder(built / "json")


def test_every_document_of_every_fixture_folder_follows_the_schema_it_names(fixture_folders):
    assert len(fixture_folders) == FIXTURE_FOLDERS
    for folder in fixture_folders:
        check_folder(folder)


@pytest.fixture(scope="module")
def english(built) -> dict:
    return json.loads((built / "json" / "dry-needling.en.json").read_text("utf-8"))


def test_an_export_without_its_booking_call_to_action_is_refused_everywhere(built, english):
    """The app contract guide promises every locale a booking button: the strict and the published schema both hold to it."""
    published = json.loads((built / "json" / "schema.json").read_text("utf-8"))
    no_booking = copy.deepcopy(english)
    no_booking["cta"] = [c | {"role": "website", "link": "website"} for c in english["cta"]]
    no_cta = copy.deepcopy(english) | {"cta": []}
    cases = [(schema, document) for document in (no_booking, no_cta) for schema in ("published", "strict")]
    verdicts = ajv({"published": published, "strict": STRICT["schema.json"]}, cases)
    assert all(verdicts), verdicts
    for schema in (published, STRICT["schema.json"]):
        assert jsonschema(schema, no_booking) and jsonschema(schema, no_cta)


def test_the_published_schema_takes_its_name_or_an_address_and_this_major_version(built, english):
    """`$schema` names schema.json, by file name or by an address ending in it; an export without it, naming
    another schema, or of another major version (1.x, whose review dates were never null) is refused."""
    published = json.loads((built / "json" / "schema.json").read_text("utf-8"))
    named_by_address = english | {"$schema": "https://clinic.example.org/patient-info/json/schema.json"}
    later = english | {"schema_version": "2.7.0"}
    unnamed = {key: value for key, value in english.items() if key != "$schema"}
    misnamed = english | {"$schema": "index.schema.json"}
    older = english | {"schema_version": "1.1.0"}
    cases = [named_by_address, later, unnamed, misnamed, older]
    verdicts = ajv({"published": published}, [("published", document) for document in cases])
    assert verdicts[:2] == [None, None] and all(verdicts[2:]), verdicts
    assert [bool(jsonschema(published, document)) for document in cases] == [False, False, True, True, True]
    assert jsonschema(STRICT["schema.json"], named_by_address)  # the strict schema names the file beside it


def consume(folder: Path) -> subprocess.CompletedProcess:
    require("node", "nodejs")
    return subprocess.run(
        ["node", str(ROOT / "tests" / "consumer" / "app.js"), str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_app_written_from_the_guide_reads_the_build(built):
    result = consume(built / "json")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "en\tDry Needling: What You Need to Know (draft)\tBook Online\t"
        "https://www.example.com/book-online\n"
        "es\tPunción seca: lo que necesita saber (draft)\tReservar en línea\t"
        "https://www.example.com/book-online\n"
    )


def test_an_app_written_from_the_guide_reads_every_fixture_folder(fixture_folders):
    for folder in fixture_folders:
        result = consume(folder)
        assert result.returncode == 0, f"{folder.name}: {result.stderr}"
        index = json.loads((folder / "index.json").read_text("utf-8"))
        lines = result.stdout.splitlines()
        assert [line.split("\t")[0] for line in lines] == [e["locale"] for e in index["exports"]], folder.name


def test_the_app_stops_at_an_export_that_breaks_the_contract(built, tmp_path):
    """The consumer is a real check: an export whose bytes or booking button are gone is refused, by name."""
    import shutil

    shutil.copytree(built / "json", tmp_path / "json")
    path = tmp_path / "json" / "dry-needling.es.json"
    document = json.loads(path.read_text("utf-8"))
    document["cta"] = [c for c in document["cta"] if c["role"] != "booking"]
    data = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    path.write_bytes(data)
    result = consume(tmp_path / "json")
    assert (
        result.returncode != 0 and "dry-needling.es.json: its sha256 is not the one index.json lists" in result.stderr
    )
    index = json.loads((tmp_path / "json" / "index.json").read_text("utf-8"))
    index["exports"][1]["sha256"] = hashlib.sha256(data).hexdigest()
    (tmp_path / "json" / "index.json").write_text(json.dumps(index), "utf-8")
    result = consume(tmp_path / "json")
    assert result.returncode != 0 and "dry-needling.es.json does not follow schema.json" in result.stderr
