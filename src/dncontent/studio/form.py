"""The editing form of one kind of content file, made from its schema: one row per field, one column per locale.

Titles and descriptions come from the schema; lists become rows of items that can be added, removed and
moved; governance marks (changed since sign-off, stale, not translated) sit on the cells they concern.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from ..load.yaml_reader import format_path
from .schemas import file_schema

# What the studio shows but does not edit: the sign-off writes the review record, the document id names every
# output, and waivers are accepted by the clinic.
READ_ONLY = {"page": ("id", "review", "signoff", "waivers")}
NOTES = {
    "review": "Set by the sign-off (below), never by editing.",
    "signoff": "Written by the sign-off: what the clinician approved.",
    "waivers": "Accepted warnings; edit them in page.yaml with the clinic's agreement.",
    "id": "Names every output file; change it in page.yaml only on purpose.",
}
# What is typed once, in the source locale, and shown by every locale: the other locales' cells show the source's
# value instead of an empty box (a copy typed there would only be refused once it differed).
INHERITED = {"session": ("facts",)}
LONG_TEXT = 200  # strings allowed to be longer than this get a text area


@dataclass
class Column:
    locale: str | None
    file: str  # relative to the content folder: en/risks.yaml
    heading: str  # "English (en)"
    source: bool = False


@dataclass
class Cell:
    """One locale's copy of a field: where it is and what it holds. `path` is None where the locale lacks it."""

    column: Column
    path: tuple | None
    value: object = None
    marks: list = field(default_factory=list)
    inherited: object = None  # the source locale's value, shown where this locale takes it from there

    @property
    def file(self) -> str:
        return self.column.file

    @property
    def field(self) -> str:
        return format_path(self.path) if self.path is not None else ""

    @property
    def id(self) -> str:
        return "f-" + re.sub(r"[^A-Za-z0-9]+", "-", f"{self.file} {self.field}").strip("-")

    @property
    def path_json(self) -> list:
        return list(self.path or ())


@dataclass
class Field:
    name: str
    title: str
    help: str
    widget: str  # text | textarea | number | select | id | readonly
    required: bool
    cells: list[Cell]
    options: tuple = ()
    limits: dict = field(default_factory=dict)
    note: str = ""
    kind = "field"


@dataclass
class Group:
    name: str
    title: str
    help: str
    children: list
    note: str = ""
    readonly: bool = False
    kind = "group"


@dataclass
class Entry:
    """One item of a list, across locales."""

    key: str  # its id, or its position
    heading: str
    position: int
    node: Field | Group
    cells: list[Cell]  # the item itself, per locale


@dataclass
class ListNode:
    name: str
    title: str
    help: str
    item_title: str
    keyed: bool  # items are objects with an id
    cells: list[Cell]  # the list itself, per locale
    entries: list[Entry]
    new_fields: list[Field]  # what the add form asks for
    readonly: bool = False
    note: str = ""
    kind = "list"


@dataclass
class Form:
    kind: str
    title: str
    help: str
    columns: list[Column]
    root: Group
    digests: dict[str, str]  # file -> digest of its bytes when the form was made
    unreadable: list[str] = field(default_factory=list)  # files that could not be read: fix them first


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def make_form(
    kind: str, columns: list[Column], documents: dict[str, object], marks: dict, digests: dict[str, str]
) -> Form:
    """The form for `kind`, with one column per file in `columns` (source first) and each file's parsed data."""
    schema = file_schema(kind)
    cells = [
        Cell(column, () if documents.get(column.file) is not None else None, documents.get(column.file))
        for column in columns
    ]
    root = _group("", schema, cells, marks, READ_ONLY.get(kind, ()), top=True, inherited=INHERITED.get(kind, ()))
    unreadable = [column.file for column in columns if documents.get(column.file) is None]
    return Form(kind, schema.get("title", kind), _help(schema), columns, root, digests, unreadable)


def _help(schema: dict) -> str:
    text = re.sub(r"^content/\S+: ", "", schema.get("description", ""))  # the file's own path is said elsewhere
    return text[:1].upper() + text[1:]


def _child(cell: Cell, key, marks: dict) -> Cell:
    value = None
    if cell.path is not None:
        if isinstance(key, int) and isinstance(cell.value, list) and key < len(cell.value):
            value = cell.value[key]
        elif isinstance(key, str) and isinstance(cell.value, dict):
            value = cell.value.get(key)
    path = None if cell.path is None else cell.path + (key,)
    if isinstance(key, int) and (not isinstance(cell.value, list) or key >= len(cell.value)):
        path = None
    return Cell(cell.column, path, value, marks.get((cell.file, path), []) if path is not None else [])


def _node(
    name: str, schema: dict, cells: list[Cell], marks: dict, required: bool, locked: bool = False, inherit: bool = False
):
    kind = schema.get("type")
    if kind == "object" and "properties" in schema:
        return _group(name, schema, cells, marks, (), locked=locked, inherit=inherit)
    if kind == "array":
        return _list(name, schema, cells, marks, locked)
    if inherit:
        _inherit(cells)
    return _field(name, schema, cells, required, locked)


def _group(
    name: str,
    schema: dict,
    cells: list[Cell],
    marks: dict,
    readonly: tuple,
    top: bool = False,
    locked: bool = False,
    inherit: bool = False,
    inherited: tuple = (),
) -> Group:
    children = []
    required = schema.get("required", ())
    for key, sub in schema.get("properties", {}).items():
        lock = locked or key in readonly
        child_cells = [_child(cell, key, marks) for cell in cells]
        children.append(_node(key, sub, child_cells, marks, key in required, lock, inherit or key in inherited))
    return Group(
        name,
        schema.get("title", name),
        "" if top else schema.get("description", ""),
        children,
        NOTES.get(name, "") if locked else "",
        locked,
    )


def _inherit(cells: list[Cell]) -> None:
    """Give the cells of the locales that take this value from the source locale (having none of their own) the
    source's value to show."""
    source = next((cell for cell in cells if cell.column.source), None)
    if source is None or source.value is None:
        return
    for cell in cells:
        if cell is not source and cell.value is None:
            cell.inherited = source.value


def _field(name: str, schema: dict, cells: list[Cell], required: bool, locked: bool) -> Field:
    if name == "id" and not locked:
        widget = "id"  # made from the label when the item is added
    elif locked or (schema.get("type") == "object"):
        widget = "readonly"
    elif "enum" in schema:
        widget = "select"
    elif schema.get("type") in ("integer", "number"):
        widget = "number"
    elif schema.get("maxLength", 0) > LONG_TEXT:
        widget = "textarea"
    else:
        widget = "text"
    limits = {key: schema[key] for key in ("minLength", "maxLength", "minimum", "maximum") if key in schema}
    return Field(
        name,
        schema.get("title", name),
        schema.get("description", ""),
        widget,
        required,
        cells,
        tuple(schema.get("enum", ())),
        limits,
        NOTES.get(name, "") if locked else "",
    )


def _list(name: str, schema: dict, cells: list[Cell], marks: dict, locked: bool) -> ListNode:
    items_schema = schema.get("items", {})
    keyed = items_schema.get("type") == "object" and "id" in items_schema.get("properties", {})
    source = next((cell for cell in cells if cell.column.source), cells[0])
    entries = []
    values = source.value if isinstance(source.value, list) else []
    for position, item in enumerate(values):
        item_cells = []
        for cell in cells:
            index = position
            if keyed and cell is not source and isinstance(cell.value, list):
                index = next(
                    (
                        i
                        for i, other in enumerate(cell.value)
                        if isinstance(other, dict) and isinstance(item, dict) and other.get("id") == item.get("id")
                    ),
                    len(cell.value),
                )
            item_cells.append(_child(cell, index, marks))
        node = _node(name, items_schema, item_cells, marks, True, locked)
        key = str(item.get("id")) if keyed and isinstance(item, dict) else str(position + 1)
        entries.append(Entry(key, _heading(item, items_schema, position), position, node, item_cells))
    new_fields = []
    if items_schema.get("type") == "object":
        required = items_schema.get("required", ())
        for key, sub in items_schema.get("properties", {}).items():
            if key in required and key != "id":
                new_fields.append(_field(key, sub, [], True, False))
    else:
        new_fields.append(_field("value", items_schema, [], True, False))
    return ListNode(
        name,
        schema.get("title", name),
        schema.get("description", ""),
        items_schema.get("title", "item"),
        keyed,
        cells,
        entries,
        new_fields,
        locked,
        NOTES.get(name, "") if locked else "",
    )


def _heading(item, schema: dict, position: int) -> str:
    if isinstance(item, dict):
        for key in ("label", "heading", "description", "id", "check"):
            if isinstance(item.get(key), str):
                return item[key]
        return f"{schema.get('title', 'Item')} {position + 1}"
    if isinstance(item, str):
        words = item.split()
        return " ".join(words[:8]) + ("…" if len(words) > 8 else "")
    return str(item)


def text_of(data, path: tuple):
    """The value at `path` in parsed data, or None."""
    node = data
    for part in path:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            node = node[part]
        elif isinstance(part, str) and isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node
