"""The content schemas with every `$ref` written out, so a form can read a field's title, help and limits in one place."""

from __future__ import annotations

import json
from functools import cache

from ..resources import schemas_dir


@cache
def _document(name: str) -> dict:
    return json.loads((schemas_dir() / name).read_text("utf-8"))


@cache
def file_schema(kind: str) -> dict:
    """The schema of one kind of content file (`risks`), references resolved; a field's own title and
    description win over those of the definition it refers to."""
    name = f"{kind}.schema.json"
    return _resolve(_document(name), name)


def _resolve(node, document: str):
    if isinstance(node, list):
        return [_resolve(item, document) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target_document, target = _lookup(node["$ref"], document)
        own = {key: _resolve(value, document) for key, value in node.items() if key != "$ref"}
        return {**_resolve(target, target_document), **own}
    return {
        key: value if key in ("enum", "const", "$defs") else _resolve(value, document) for key, value in node.items()
    }


def _lookup(ref: str, document: str) -> tuple[str, dict]:
    name, _, pointer = ref.partition("#")
    name = name or document
    target = _document(name)
    for part in filter(None, pointer.split("/")):
        target = target[part]
    return name, target
