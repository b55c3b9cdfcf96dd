"""TypeScript declarations of the published schemas (build/json/types.d.ts), so apps need not generate their own.

Every object the schemas describe becomes an interface named after its `title` ("Call to action" ->
CallToAction), so names change only when a title does, never with the order or number of other types. Two
different objects with one title take their parent's name in front (BrandLinks); a clash left after that is
a fault in the schemas, reported, never numbered away. Primitives, enums and lists are written inline.
"""

from __future__ import annotations

import json
import re
from typing import Any

_PRIMITIVES = {
    "string": "string",
    "integer": "number",
    "number": "number",
    "boolean": "boolean",
    "null": "null",
    "array": "unknown[]",
    "object": "Record<string, unknown>",
}
_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def type_name(title: str) -> str:
    """A title as a TypeScript type name: each word capitalised, joined ("List item" -> ListItem, URL stays URL)."""
    words = re.findall(r"[A-Za-z0-9]+", title)
    name = "".join(word[0].upper() + word[1:] for word in words)
    if not name or name[0].isdigit():
        raise ValueError(f"the title {title!r} makes no TypeScript name")
    return name


class Declarations:
    """Interfaces gathered from one or more schemas, in the order first met (each root, then what it holds)."""

    def __init__(self) -> None:
        self.bodies: dict[str, str] = {}
        self.shapes: dict[str, str] = {}  # name -> the schema it was made from, to tell one object from two

    def add(self, schema: dict) -> str:
        return self._type(schema, "")

    def text(self, header: str) -> str:
        return header + "\n" + "\n".join(self.bodies.values())

    def _type(self, node: dict, parent: str) -> str:
        if "const" in node:
            return json.dumps(node["const"], ensure_ascii=False)
        if "enum" in node:
            return " | ".join(json.dumps(value, ensure_ascii=False) for value in node["enum"])
        if "anyOf" in node:
            return " | ".join(self._type(choice, parent) for choice in node["anyOf"])
        kinds: Any = node.get("type")  # a type's name, a list of names, or None
        if isinstance(kinds, list):
            return " | ".join(self._type({**node, "type": kind}, parent) for kind in kinds)
        if kinds == "object" and "properties" in node:
            return self._interface(node, parent)
        if kinds == "array" and isinstance(node.get("items"), dict):
            item = self._type(node["items"], parent)
            many = f"({item})[]" if " | " in item else f"{item}[]"
            return f"[{item}, ...{many}]" if node.get("minItems", 0) >= 1 else many  # never empty
        return _PRIMITIVES.get(kinds, "unknown")

    def _interface(self, node: dict, parent: str) -> str:
        if "title" not in node:
            raise ValueError(f"an object under {parent or 'the root'} has no title to name its type")
        shape = json.dumps(node, sort_keys=True)
        for name in (type_name(node["title"]), parent + type_name(node["title"])):
            if self.shapes.get(name, shape) == shape:
                break
        else:
            raise ValueError(f"two different objects are both named {name}: give one another title")
        if name in self.bodies:
            return name
        self.shapes[name], self.bodies[name] = shape, ""  # reserved first: the outer type comes first in the file
        required = set(node.get("required", ()))
        lines = [*_comment(node, ""), f"export interface {name} {{"]
        for key, sub in node["properties"].items():
            lines += _comment(sub, "  ")
            quoted = key if _IDENTIFIER.match(key) else json.dumps(key)
            lines.append(f"  {quoted}{'' if key in required else '?'}: {self._type(sub, name)};")
        if node.get("additionalProperties") is not False:
            lines.append("  [k: string]: unknown;")
        self.bodies[name] = "\n".join(lines + ["}", ""])
        return name


def _comment(node: dict, indent: str) -> list[str]:
    """The schema's title and description as a doc comment: editors show them beside each type and property."""
    parts = [part.replace("*/", "*\\/") for part in (node.get("title"), node.get("description")) if part]
    if not parts:
        return []
    lines = _wrap(parts[0], 110 - len(indent))
    for part in parts[1:]:
        lines += ["", *_wrap(part, 110 - len(indent))]
    return [f"{indent}/**", *(f"{indent} * {line}".rstrip() for line in lines), f"{indent} */"]


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def declarations(schemas: list[dict], version: str) -> str:
    """types.d.ts for `schemas` (the published export and index schemas), for schema version `version`."""
    gathered = Declarations()
    major = version.split(".")[0]
    for schema in schemas:
        gathered.add(schema)
    header = (
        f"// TypeScript declarations of the dncontent app contract, schema version {version}.\n"
        "// Written by `dncontent build` from schema.json and index.schema.json beside this file; each\n"
        f"// type is named after its schema title. Objects accept properties a later {major}.x version adds.\n"
    )
    return gathered.text(header)
