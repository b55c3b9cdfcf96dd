"""Check each content file against its JSON Schema and turn every violation into a located, readable problem."""

from __future__ import annotations

import difflib
import json
import re
from functools import cache

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from ..errors import Problem
from ..load import ContentFile
from ..load.yaml_reader import format_path
from ..resources import schemas_dir

_TYPES = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of fields",
    "null": "nothing",
}


def _type_name(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    return {str: "a string", int: "a number", float: "a number", list: "a list", dict: "a mapping"}.get(
        type(value), type(value).__name__
    )


@cache
def _registry() -> Registry:
    resources = []
    for path in sorted(schemas_dir().glob("*.schema.json")):
        resources.append((path.name, Resource.from_contents(json.loads(path.read_text("utf-8")))))
    return Registry().with_resources(resources)


@cache
def validator(kind: str) -> Draft202012Validator:
    registry = _registry()
    schema = _inline(registry.contents(f"{kind}.schema.json"), f"{kind}.schema.json", registry, ())
    return Draft202012Validator(schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


ANNOTATIONS = {"title", "description", "$comment", "examples"}


def _inline(node, base: str, registry: Registry, seen: tuple):
    """`node` with each `$ref` that has nothing but annotations beside it replaced by the definition it names.

    The same checks, the same errors (their `schema` is the definition, as through the `$ref`), without a
    reference lookup per value checked: most of a schema check's time went to those. Recursive references
    and any others stay `$ref`s, resolved by the registry.
    """
    if isinstance(node, list):
        return [_inline(item, base, registry, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and set(node) - {"$ref"} <= ANNOTATIONS:
        name, _, pointer = ref.partition("#")
        name = name or base
        target = (name, pointer)
        if target not in seen and (not pointer or pointer.startswith("/")):
            try:
                resolved = registry.contents(name)
                for part in pointer.split("/")[1:]:
                    resolved = resolved[part.replace("~1", "/").replace("~0", "~")]
            except (LookupError, TypeError):
                resolved = None
            if isinstance(resolved, dict) and "$id" not in resolved:
                return _inline(resolved, name, registry, seen + (target,))
    return {key: _inline(value, base, registry, seen) for key, value in node.items()}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# Fields once typed by hand and now written by a command: a file that still has one is told where they went.
_SIGNOFF = (
    'remove it; once a clinician has reviewed the text, `dncontent signoff --locale {locale} --by "NAME, '
    'CREDENTIALS"` records the date, the reviewer and the next review'
)
RETIRED = {
    ("page", ("review",), "last_reviewed"): ("review dates come from the sign-off record now", _SIGNOFF),
    ("page", ("review",), "next_review"): ("review dates come from the sign-off record now", _SIGNOFF),
    ("page", ("review",), "reviewed_by"): ("the reviewer comes from the sign-off record now", _SIGNOFF),
}


def _unknown_fields(error: ValidationError, kind: str, locale: str | None) -> list[tuple[str, str, tuple]]:
    """(message, hint, path) for each field an object may not have, each at its own line."""
    path = tuple(error.absolute_path)
    allowed = list(error.schema.get("properties", {}))
    out = []
    for key in [k for k in error.instance if k not in allowed]:
        retired = RETIRED.get((kind, path, key))
        if retired:
            out.append(
                (
                    f"{key!r} is no longer typed by hand: {retired[0]}",
                    retired[1].format(locale=locale or "LOCALE"),
                    path + (key,),
                )
            )
            continue
        guess = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"did you mean {guess[0]!r}?" if guess else f"allowed fields: {', '.join(allowed)}"
        out.append((f"unknown field {key!r}", hint, path + (key,)))
    return out


def _explain(error: ValidationError) -> tuple[str, str, tuple]:
    """(message, hint, path to point at) for one schema violation."""
    path = tuple(error.absolute_path)
    value = error.instance
    kind = error.validator
    if kind == "required":
        missing = re.match(r"'(.+?)' is a required property", error.message)
        name = missing.group(1) if missing else "a field"
        title = (
            error.schema.get("properties", {}).get(name, {}).get("description", "")
            if isinstance(error.schema, dict)
            else ""
        )
        return f"missing required field {name!r}", title, path
    if kind == "type":
        wanted = error.validator_value
        wanted = " or ".join(_TYPES.get(t) or t for t in (wanted if isinstance(wanted, list) else [wanted]))
        return f"expected {wanted}, got {_type_name(value)}", "", path
    if kind == "pattern":
        pattern = error.validator_value
        if isinstance(value, str) and value.rstrip("\r\n") != value and re.search(pattern, value.rstrip("\r\n")):
            # Most often a `|` block: it keeps the line break after its last line, and the value goes on into
            # file names, links and QR codes with it.
            return (
                f"{value!r} ends with a line break",
                "keep it on one line; a `|` or `>` block keeps the final line break, `|-` and `>-` drop it",
                path,
            )
        if pattern.startswith("^[a-z0-9]+(-[a-z0-9]+)*$"):
            return (
                f"{value!r} is not a valid id",
                f"ids are lowercase words joined by hyphens, e.g. {_slug(str(value)) or 'neck-pain'!r}",
                path,
            )
        if "https://" in pattern:
            scheme = str(value).split(":", 1)[0].lower() if ":" in str(value) else ""
            if "tel:" not in pattern:  # a web page's address
                if scheme and scheme != "https":
                    return f"URL scheme {scheme + ':'!r} is not allowed", "use an absolute https:// address", path
                return (f"{value!r} is not a valid address", "no spaces; https://host/path", path)
            if scheme and scheme not in ("https", "tel", "mailto"):
                return (
                    f"URL scheme {scheme + ':'!r} is not allowed",
                    "use an absolute https:// address, or a tel: or mailto: link",
                    path,
                )
            return (
                f"{value!r} is not a valid {scheme + ': ' if scheme else ''}address",
                "no spaces; https://host/path, tel:+15551234567 or mailto:name@example.org",
                path,
            )
        if pattern.startswith("^#"):
            return f"{value!r} is not a colour", "write colours as #rrggbb, e.g. #0b5d6b", path
        if "[0-9]{4}-" in pattern:
            return f"{value!r} is not a date", 'write dates as "YYYY-MM-DD"', path
        return f"{value!r} does not have the expected form", error.schema.get("description", ""), path
    if kind == "format" and error.validator_value == "date":
        return f"{value!r} is not a real calendar date", 'write dates as "YYYY-MM-DD" with a real month and day', path
    if kind == "enum":
        options = ", ".join(map(str, error.validator_value))
        guess = difflib.get_close_matches(str(value), list(map(str, error.validator_value)), n=1)
        return f"{value!r} is not one of: {options}", f"did you mean {guess[0]!r}?" if guess else "", path
    if kind in ("minLength", "maxLength"):
        if kind == "minLength" and value == "":
            return "must not be empty", "", path
        return (
            f"is {len(value)} characters; {'at least' if kind == 'minLength' else 'at most'} {error.validator_value} allowed",
            "",
            path,
        )
    if kind in ("minItems", "maxItems"):
        return (
            f"has {len(value)} item(s); {'at least' if kind == 'minItems' else 'at most'} {error.validator_value} allowed",
            "",
            path,
        )
    if kind in ("minimum", "maximum"):
        return (
            f"{value} is {'below the minimum' if kind == 'minimum' else 'above the maximum'} of {error.validator_value}",
            "",
            path,
        )
    if kind == "uniqueItems":
        return "has repeated entries", "list each one once", path
    return error.message, "", path


def check_file(file: ContentFile) -> list[Problem]:
    """Every schema violation in one parsed file, located."""
    if file.doc is None:
        return []
    found = []  # (error, message, hint, path)
    for error in validator(file.kind).iter_errors(file.doc.data):
        if error.validator == "additionalProperties":
            found += [(error, *explained) for explained in _unknown_fields(error, file.kind, file.locale)]
        else:
            found.append((error, *_explain(error)))
    # A misspelt field is reported once, as unknown with a "did you mean", not also as a missing field.
    suggested = {(path[:-1], hint) for error, _, hint, path in found if error.validator == "additionalProperties"}
    problems = []
    for error, message, hint, path in found:
        if error.validator == "required" and any(
            parent == path and f"did you mean {message.split()[-1]}?" == suggestion for parent, suggestion in suggested
        ):
            continue
        line, col = file.doc.where(path, key=error.validator == "additionalProperties")
        problems.append(Problem(file.display, line, col, format_path(path), message, hint, code="schema"))
    return problems
