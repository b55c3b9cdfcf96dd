"""The app contract in TypeScript: types generated from the published schema accept every export, `tsc --strict`."""

from __future__ import annotations

import copy
import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CONTENT, FIXTURE_EXPORTS, ROOT, require, run_cli

NODE_BIN = ROOT / "node_modules" / ".bin"
TSCONFIG = {
    "compilerOptions": {
        "strict": True,
        "noEmit": True,
        "target": "es2022",
        "module": "esnext",
        "moduleResolution": "bundler",
        "types": [],
    }
}


def node_tool(name: str) -> Path:
    """A tool from package.json; fails (never skips) with the command that installs it."""
    require("node", "nodejs")
    path = NODE_BIN / name
    if not path.exists():
        pytest.fail(f"{path} is missing; run `npm ci` (or `make test`, which runs it)", pytrace=False)
    return path


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("contract") / "build"
    result = run_cli("build", "--content", str(CONTENT), "--out", str(out), "--format", "json")
    assert result.returncode == 0, result.stderr
    return out / "json"


@pytest.fixture(scope="module")
def types(build, tmp_path_factory) -> str:
    """export.d.ts, generated from the published build/json/schema.json the way an app team would."""
    target = tmp_path_factory.mktemp("types") / "export.d.ts"
    result = subprocess.run(
        [str(node_tool("json2ts")), "-i", str(build / "schema.json"), "-o", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    declarations = target.read_text("utf-8")
    assert "export interface DncontentExport {" in declarations
    assert "[k: string]: unknown;" in declarations  # open to fields a later 2.x adds
    return declarations


def type_check(folder: Path, declarations: str, documents: dict[str, dict]) -> subprocess.CompletedProcess:
    """Write one .ts file per document, assigning its JSON to the generated type, and run `tsc --strict` on them."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "export.d.ts").write_text(declarations, "utf-8")
    for name, document in documents.items():
        literal = json.dumps(document, indent=2, ensure_ascii=False)
        (folder / f"{name}.ts").write_text(
            f'import type {{ DncontentExport }} from "./export";\n\nexport const doc: DncontentExport = {literal};\n',
            "utf-8",
        )
    (folder / "tsconfig.json").write_text(json.dumps({**TSCONFIG, "files": [f"{n}.ts" for n in documents]}), "utf-8")
    return subprocess.run(
        [str(node_tool("tsc")), "-p", "tsconfig.json"], cwd=folder, capture_output=True, text=True, timeout=300
    )


def test_every_export_of_a_build_type_checks(build, types, tmp_path):
    exports = {
        p.name.removesuffix(".json").replace(".", "_"): json.loads(p.read_text("utf-8"))
        for p in sorted(build.glob("dry-needling.*.json"))
    }
    assert len(exports) == len([p for p in CONTENT.iterdir() if p.is_dir() and p.name != "assets"])
    result = type_check(tmp_path, types, exports)
    assert result.returncode == 0, result.stdout + result.stderr


def test_generated_fixtures_type_check(types, tmp_path):
    from dncontent.fixtures import export_fixtures

    fixtures = {f"fixture_{i}": doc for i, doc in enumerate(export_fixtures(10, seed=3))}
    result = type_check(tmp_path, types, fixtures)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_later_minor_version_with_new_fields_type_checks(build, types, tmp_path):
    later = json.loads((build / "dry-needling.en.json").read_text("utf-8"))
    later.update(schema_version="2.7.0", audience="adults", related=[{"locale": "es", "href": "x"}])
    later["risks"][0]["severity"] = "rare"
    later["cta"][0]["priority"] = 1
    later["labels"]["print_brochure"] = "Print"
    later["sections"][0]["anchor"] = "intro"
    result = type_check(tmp_path, types, {"later": later})
    assert result.returncode == 0, result.stdout + result.stderr


BREAKAGES = {
    "risk_without_label": (lambda d: d["risks"][0].pop("label"), "Property 'label' is missing"),
    "version_as_number": (lambda d: d.update(schema_version=1.1), "Type 'number' is not assignable to type 'string'"),
    "unknown_list": (lambda d: d["sections"][0].update(list="faq"), "'\"faq\"' is not assignable"),
    "no_cta": (lambda d: d.pop("cta"), "Property 'cta' is missing"),
    "no_sections": (lambda d: d.update(sections=[]), "is not assignable to type 'Sections'"),
}


def test_broken_exports_fail_the_type_check(build, types, tmp_path):
    """The check can fail: each broken export is named in tsc's errors, and the intact one is not."""
    document = json.loads((build / "dry-needling.en.json").read_text("utf-8"))
    documents = {"intact": document}
    for name, (breakage, _) in BREAKAGES.items():
        documents[name] = copy.deepcopy(document)
        breakage(documents[name])
    result = type_check(tmp_path, types, documents)
    assert result.returncode != 0
    errors = {}
    for line in result.stdout.splitlines():
        if ": error TS" in line:
            errors.setdefault(line.split("(", 1)[0].removesuffix(".ts"), []).append(line)
    assert sorted(errors) == sorted(BREAKAGES), result.stdout
    for name, (_, message) in BREAKAGES.items():
        assert any(message in line for line in errors[name]), (name, errors[name])


# The declarations the build ships (build/json/types.d.ts) ------------------------------------------------------


def shipped_check(
    folder: Path, declarations: str, documents: dict[str, tuple[str, dict]]
) -> subprocess.CompletedProcess:
    """As type_check, with the shipped types.d.ts and each document's (type name, JSON)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "types.d.ts").write_text(declarations, "utf-8")
    for name, (type_name, document) in documents.items():
        literal = json.dumps(document, indent=2, ensure_ascii=False)
        (folder / f"{name}.ts").write_text(
            f'import type {{ {type_name} }} from "./types";\n\nexport const doc: {type_name} = {literal};\n', "utf-8"
        )
    (folder / "tsconfig.json").write_text(json.dumps({**TSCONFIG, "files": [f"{n}.ts" for n in documents]}), "utf-8")
    return subprocess.run(
        [str(node_tool("tsc")), "-p", "tsconfig.json"], cwd=folder, capture_output=True, text=True, timeout=600
    )


def json_folder(folder: Path, prefix: str) -> dict[str, tuple[str, dict]]:
    """Every document of a json/ folder, as the shipped type it must have: the index and the exports."""
    found = {}
    for path in sorted(folder.glob("*.json")):
        if path.name.endswith("schema.json"):
            continue
        name = f"{prefix}_{path.stem.replace('.', '_').replace('-', '_')}"
        found[name] = (
            "DncontentIndex" if path.name == "index.json" else "DncontentExport",
            json.loads(path.read_text("utf-8")),
        )
    return found


def test_shipped_types_accept_every_build_output_and_fixture_folder(built, fixture_folders, tmp_path):
    """types.d.ts ships beside the exports (the same in every fixture folder) and types them all, `tsc --strict`."""
    declarations = (built / "json" / "types.d.ts").read_text("utf-8")
    documents = json_folder(built / "json", "build")
    for number, folder in enumerate(fixture_folders):
        assert (folder / "types.d.ts").read_text("utf-8") == declarations
        documents |= json_folder(folder, f"fixtures{number}")
    assert len(documents) == 3 + len(fixture_folders) * (FIXTURE_EXPORTS + 1)  # the exports and the index
    result = shipped_check(tmp_path, declarations, documents)
    assert result.returncode == 0, result.stdout + result.stderr


def test_shipped_type_names_are_the_schema_titles(built):
    """Names chosen in the schemas, never numbered: an app's imports survive a new schema version."""
    from dncontent.channels.typescript import type_name

    declarations = (built / "json" / "types.d.ts").read_text("utf-8")
    names = re.findall(r"^export interface (\w+) \{", declarations, re.M)
    assert names[:2] == ["DncontentExport", "Review"] and "DncontentIndex" in names and "CallToAction" in names
    titles = set()
    for schema_file in ("schema.json", "index.schema.json"):
        schema = json.loads((built / "json" / schema_file).read_text("utf-8"))
        titles |= {type_name(node["title"]) for node in _objects(schema)}
    assert sorted(names) == sorted(titles)
    assert [name for name in names if re.search(r"[0-9]$", name)] == []
    assert "[k: string]: unknown;" in declarations  # open to fields a later 2.x adds


def _objects(node):
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            yield node
        for key, value in node.items():
            if key != "contains":  # a condition on a list, not a shape of its own
                yield from _objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _objects(value)


def test_broken_documents_fail_against_the_shipped_types(built, tmp_path):
    declarations = (built / "json" / "types.d.ts").read_text("utf-8")
    document = json.loads((built / "json" / "dry-needling.en.json").read_text("utf-8"))
    index = json.loads((built / "json" / "index.json").read_text("utf-8"))
    breakages = {name: breakage for name, (breakage, _) in BREAKAGES.items()}
    breakages["empty_cta"] = lambda d: d.update(cta=[])
    documents = {"intact": ("DncontentExport", document), "intact_index": ("DncontentIndex", index)}
    for name, breakage in breakages.items():
        broken = copy.deepcopy(document)
        breakage(broken)
        documents[name] = ("DncontentExport", broken)
    no_exports = copy.deepcopy(index) | {"exports": []}
    documents["index_without_exports"] = ("DncontentIndex", no_exports)
    result = shipped_check(tmp_path, declarations, documents)
    failed = {line.split("(", 1)[0].removesuffix(".ts") for line in result.stdout.splitlines() if ": error TS" in line}
    assert sorted(failed) == sorted([*breakages, "index_without_exports"]), result.stdout
