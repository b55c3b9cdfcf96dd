"""Edits an editor makes in the studio, applied to round-trip documents: a value, or a list item added, removed
or moved. Text differs per locale; which items a list holds, and their order, is shared by every locale, so
structural edits are made in each locale's file at once."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..errors import UsageError
from ..governance.yamledit import Document, folded, set_text
from .schemas import file_schema

FOLD_AT = 96  # a new long text is a folded block, wrapped about as wide as the content files are
ID_LENGTH = 60


class Documents:
    """The content files an edit touches, loaded for round-trip editing once each."""

    def __init__(self, root: Path, files: dict[str, tuple[str | None, str]]):
        self.root = root
        self.files = files  # relative path -> (locale, kind)
        self.loaded: dict[str, Document] = {}

    def __getitem__(self, rel: str) -> Document:
        if rel not in self.loaded:
            self.loaded[rel] = Document(self.root / rel, self.root)
        return self.loaded[rel]

    def siblings(self, rel: str) -> list[str]:
        """The same kind of file in every other locale."""
        locale, kind = self.files[rel]
        return [
            other
            for other, (their_locale, their_kind) in self.files.items()
            if their_kind == kind and other != rel and locale is not None and their_locale is not None
        ]

    def changed(self) -> dict[str, str]:
        return {rel: doc.text() for rel, doc in self.loaded.items() if doc.changed}


def schema_at(kind: str, path: tuple) -> tuple[dict, bool]:
    """The schema of the value at `path` in a file of `kind`, and whether its parent requires it."""
    node, required = file_schema(kind), True
    for part in path:
        if isinstance(part, int):
            node, required = node.get("items", {}), True
        else:
            required = part in node.get("required", ())
            node = node.get("properties", {}).get(part) or node.get("additionalProperties") or {}
    return node, required


def set_value(docs: Documents, rel: str, path: tuple, value: object) -> None:
    """Set the field at `path` to what the editor typed, in the style of the old value. Clearing an optional
    field removes it; clearing a required one leaves it empty, for the check to refuse at that field."""
    kind = docs.files[rel][1]
    schema, required = schema_at(kind, path)
    if not path or not isinstance(value, str):
        raise UsageError("an edit names a field and gives its new value as text")
    parent = _container(docs[rel].data, path[:-1], create=True)
    key = path[-1]
    present = (key < len(parent)) if isinstance(key, int) else key in parent
    if value.strip() == "" and not required and isinstance(key, str):
        if present:
            del parent[key]
        return
    new = _typed(schema, value)
    if present and isinstance(new, str) and isinstance(parent[key], str):
        set_text(parent, key, new)
    elif present:
        if parent[key] != new or type(parent[key]) is not type(new):
            parent[key] = new
    elif isinstance(key, str):
        parent.insert(_schema_position(kind, path, parent), key, _new_text(new))
    else:
        raise UsageError(f"no list item {key} to set")


def add_item(docs: Documents, rel: str, path: tuple, values: dict[str, Any]) -> str | None:
    """Add an item to the end of the list at `path` in `rel` and in each other locale's file of that kind.

    `values` gives each file's new item: its text fields (an object) or its text (a list of texts). A locale
    left empty gets the source's wording, which the studio then marks as not translated. Returns the id made
    from the source's label, for a list of items with ids.
    """
    kind = docs.files[rel][1]
    schema, _ = schema_at(kind, path)
    item_schema = schema.get("items", {})
    source = values.get(rel)
    if source in (None, "", {}):
        raise UsageError("a new item needs its text in the first column")
    new_id = None
    if item_schema.get("type") == "object" and "id" in item_schema.get("properties", {}):
        taken = set()
        for other in [rel, *docs.siblings(rel)]:
            items = _counterpart_list(docs, rel, other, path)
            taken |= {item.get("id") for item in items or () if isinstance(item, dict)}
        new_id = make_id(_first_text(source, item_schema), taken, fallback=kind)
    for other in [rel, *docs.siblings(rel)]:
        items = _counterpart_list(docs, rel, other, path)
        if items is None:
            continue
        mine = values.get(other) or source
        if isinstance(mine, dict):
            filled = {**source, **{k: v for k, v in mine.items() if str(v).strip()}}
            item = CommentedMap()
            if new_id is not None:
                item["id"] = new_id
            for name, field in item_schema.get("properties", {}).items():
                if name in filled and name != "id":
                    item[name] = _new_text(_typed(field, str(filled[name])))
            items.append(item)
        else:
            items.append(_new_text(_typed(item_schema, str(mine))))
    return new_id


def remove_item(docs: Documents, rel: str, path: tuple) -> None:
    """Remove the item at `path` (ending in its index) from `rel` and its counterpart in every other locale."""
    for _other, items, index in _counterparts(docs, rel, path):
        del items[index]


def move_item(docs: Documents, rel: str, path: tuple, to: object) -> None:
    """Move the item at `path` to position `to` of its list, in `rel` and likewise in every other locale."""
    source = _container(docs[rel].data, path[:-1])
    if not isinstance(to, int) or not 0 <= to < len(source):
        raise UsageError(f"cannot move to position {to}: the list has {len(source)} items")
    found = _counterparts(docs, rel, path)
    moved = source.pop(path[-1])
    source.insert(to, moved)
    previous = source[to - 1] if to > 0 else None
    for _other, items, index in found[1:]:
        item = items.pop(index)
        if isinstance(moved, dict) and "id" in moved:  # after the item it follows in the source
            ids = [i.get("id") if isinstance(i, dict) else None for i in items]
            target = ids.index(previous["id"]) + 1 if previous is not None and previous.get("id") in ids else 0
        else:
            target = min(to, len(items))
        items.insert(target, item)


def make_id(label: str, taken: set, fallback: str = "item") -> str:
    """An id for a new item from its label: lowercase ASCII words joined by hyphens, unique in its list.

    "Frozen shoulder" -> frozen-shoulder; accents dropped (Síndrome -> sindrome); a label with no Latin
    letters gets the list's name and a number.
    """
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > ID_LENGTH - 4:
            break
        slug = f"{slug}-{word}" if slug else word
    slug = slug or re.sub(r"[^a-z0-9]+", "-", fallback.lower()).strip("-") or "item"
    candidate, n = slug, 2
    while candidate in taken or (not words and candidate == slug):
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


def _first_text(values: dict | str, item_schema: dict) -> str:
    if isinstance(values, str):
        return values
    for name in ("label", *item_schema.get("properties", {})):
        if name != "id" and isinstance(values.get(name), str) and values[name].strip():
            return values[name]
    return ""


def _typed(schema: dict, text: str):
    kind = schema.get("type")
    try:
        if kind == "integer":
            return int(text.strip())
        if kind == "number":
            number = float(text.strip())
            return int(number) if number.is_integer() else number
    except ValueError:
        return text  # the check says what is wrong, at the field
    return text


def _new_text(value):
    return folded(value, FOLD_AT) if isinstance(value, str) else value


def _container(data, path: tuple, create: bool = False):
    node = data
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, list) or not 0 <= part < len(node):
                raise UsageError("the list changed since the form was shown: reload the studio")
            node = node[part]
        else:
            if not isinstance(node, dict):
                raise UsageError("the file's layout changed since the form was shown: reload the studio")
            if part not in node and create:
                node[part] = CommentedMap()
            node = node[part]
    return node


def _schema_position(kind: str, path: tuple, parent) -> int:
    """Where a new field goes among its siblings: after those the schema lists before it."""
    schema, _ = schema_at(kind, path[:-1])
    order = list(schema.get("properties", {}))
    if path[-1] not in order:
        return len(parent)
    before = set(order[: order.index(path[-1])])
    position = 0
    for index, key in enumerate(parent):
        if key in before:
            position = index + 1
    return position


def counterpart_path(source_data, other_data, path: tuple) -> tuple | None:
    """The same place in another locale's document: list items with ids matched by id, others by position."""
    out, mine, theirs = [], source_data, other_data
    for part in path:
        if isinstance(part, int):
            if not isinstance(mine, list) or not isinstance(theirs, list) or part >= len(mine):
                return None
            item = mine[part]
            if isinstance(item, dict) and "id" in item:
                index = next(
                    (i for i, other in enumerate(theirs) if isinstance(other, dict) and other.get("id") == item["id"]),
                    None,
                )
            else:
                index = part if part < len(theirs) else None
            if index is None:
                return None
            out.append(index)
            mine, theirs = item, theirs[index]
        else:
            if not isinstance(mine, dict) or not isinstance(theirs, dict) or part not in theirs:
                return None
            out.append(part)
            mine, theirs = mine.get(part), theirs[part]
    return tuple(out)


def _counterpart_list(docs: Documents, rel: str, other: str, path: tuple):
    where = path if other == rel else counterpart_path(docs[rel].data, docs[other].data, path)
    if where is None:
        return None
    try:
        items = _container(docs[other].data, where)
    except (UsageError, KeyError):
        return None
    return items if isinstance(items, CommentedSeq) else None


def _counterparts(docs: Documents, rel: str, path: tuple):
    """(file, its list, index in it) for the item at `path` in `rel` and in every other locale that has it."""
    if not path or not isinstance(path[-1], int):
        raise UsageError("a list item is named by its list and position")
    _container(docs[rel].data, path)  # the item exists
    found = []
    for other in [rel, *docs.siblings(rel)]:
        where = path if other == rel else counterpart_path(docs[rel].data, docs[other].data, path)
        if where is None:
            continue
        found.append((other, _container(docs[other].data, where[:-1]), where[-1]))
    return found
