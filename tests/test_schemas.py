"""The content schemas: valid 2020-12, strict, documented for editors, and wired to every content file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from tests.conftest import CONTENT, ROOT

SCHEMAS = sorted((ROOT / "schemas").glob("*.schema.json"))
CONTENT_FILES = sorted(CONTENT.rglob("*.yaml"))


def walk(schema, path="#"):
    """Every subschema that declares an object with properties. A list's `contains` is a condition on some of
    its items (the export's booking call to action), not a shape: it names only what it checks, and is left out."""
    if isinstance(schema, dict):
        if "properties" in schema:
            yield path, schema
        for key, value in schema.items():
            if key != "contains":
                yield from walk(value, f"{path}/{key}")
    elif isinstance(schema, list):
        for i, value in enumerate(schema):
            yield from walk(value, f"{path}/{i}")


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schema_is_valid_strict_and_documented(path: Path):
    schema = json.loads(path.read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    for where, obj in walk(schema):
        assert obj.get("additionalProperties") is False, f"{path.name} {where} is not strict"
        for name, prop in obj["properties"].items():
            assert prop.get("title") and prop.get("description"), f"{path.name} {where}/{name} lacks title/description"


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda p: p.relative_to(CONTENT).as_posix())
def test_content_file_names_its_schema_on_the_first_line(path: Path):
    first = path.read_text("utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, f"{path}: first line must be the yaml-language-server modeline"
    target = (path.parent / match.group(1)).resolve()
    assert target == ROOT / "schemas" / f"{path.stem}.schema.json"


def test_every_content_kind_has_a_schema():
    from dncontent.load.files import LOCALE_KINDS, OPTIONAL_LOCALE_KINDS, SHARED_KINDS

    content_kinds = set(LOCALE_KINDS + OPTIONAL_LOCALE_KINDS + SHARED_KINDS)
    kinds = {p.name.removesuffix(".schema.json") for p in SCHEMAS}
    assert content_kinds <= kinds
    assert kinds - content_kinds == {"common", "export", "index"}


def test_package_ships_templates_and_schemas(tmp_path):
    """`pip install .` works outside the repository: the wheel carries templates/ and schemas/."""
    import subprocess
    import sys
    import zipfile

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    wheel = next(tmp_path.glob("dncontent-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in SCHEMAS:
        assert f"dncontent/schemas/{path.name}" in names
    shipped_templates = {p.relative_to(ROOT).as_posix() for p in (ROOT / "templates").rglob("*") if p.is_file()}
    assert {f"dncontent/{p}" for p in shipped_templates} <= names
    assert "dncontent/templates/fonts/OFL.txt" in names
