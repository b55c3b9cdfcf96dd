"""Parse one YAML file as data: no tags, no timestamps, duplicate keys and alias bombs refused, every node located."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import yaml

from ..errors import Problem

MAX_BYTES = 1_000_000  # the largest real content file is a few KB
MAX_NODES = 20_000  # after alias expansion; a billion-laughs file hits this at once

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


class _Resolver(yaml.resolver.Resolver):
    """YAML 1.1 resolution minus its surprises for editors.

    Dates stay strings (JSON Schema checks them as `format: date`), and only true/false are
    booleans, so a label such as `No` or `On` stays text.
    """


_Resolver.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:timestamp", _BOOL)]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}
_Resolver.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))

try:  # libyaml is much faster; fall back to the pure-Python parser where it is missing
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]  # not re-exported in the stubs

    class _Composer(_Parser, _Resolver):
        def __init__(self, stream: str) -> None:
            _Parser.__init__(self, stream)
            _Resolver.__init__(self)

except ImportError:  # pragma: no cover - depends on how PyYAML was built

    class _Composer(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer, _Resolver):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            _Resolver.__init__(self)


_SCALARS = yaml.constructor.SafeConstructor()

Path = tuple  # a path into the data: ("risks", 3, "label")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")  # tab and line feed are text
# Bidirectional controls: embeddings, overrides and isolates, and the marks too. They are invisible and make
# text display in another order than it is stored (and read, searched or spoken). The bundled font draws no
# right-to-left script, so no text the brochure can print needs them.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Every other invisible format character (Unicode category Cf: zero-width space and joiners, word joiner,
# BOM, tags...), except the soft hyphen, a hyphenation hint that shows where the line breaks.
_FORMAT = (
    "\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200d\u2060-\u2064\u206a-\u206f"
    "\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_INVISIBLE = re.compile(f"[{_CONTROL.pattern[1:-1]}{_BIDI}{_FORMAT}]")
_BIDI_CHARS = re.compile(f"[{_BIDI}]")


def text_problem(value: str) -> tuple[str, str, str] | None:
    """Why content cannot hold `value` as text (message, hint, code): a control or invisible format character, or
    only spaces. Commands that write text into content check it with this before they write."""
    control = _INVISIBLE.search(value)
    if control:
        char = control.group()
        named = f"U+{ord(char):04X} {unicodedata.name(char, '')}".rstrip()
        if _CONTROL.match(char):
            what, hint = "control character", "remove it; use plain spaces and line breaks"
        elif _BIDI_CHARS.match(char):
            what, hint = (
                "bidirectional control character",
                "remove it: it is invisible and makes text display in a different order from how it is stored",
            )
        else:
            what, hint = (
                "invisible format character",
                "remove it: it is invisible, and splits or hides words for search, copy and paste and screen readers",
            )
        return f"text contains the {what} {named}", hint, "yaml-control"
    if value and not value.strip():
        return "text is blank", "write the text, or remove the field", "blank"
    return None


class Located:
    """A parsed document plus where each value (and each mapping key) starts."""

    __slots__ = ("data", "marks", "key_marks")

    def __init__(self, data: Any) -> None:
        self.data = data
        self.marks: dict[Path, tuple[int, int]] = {}
        self.key_marks: dict[Path, tuple[int, int]] = {}

    def where(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the value at `path`, or of the nearest enclosing value."""
        path = tuple(path)
        if key and path in self.key_marks:
            return self.key_marks[path]
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (1, 1))


def _pos(mark: yaml.Mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


class _Refused(Exception):
    def __init__(self, mark: yaml.Mark, message: str, hint: str = "", field: str = ""):
        self.mark, self.message, self.hint, self.field = mark, message, hint, field


def format_path(path: Path) -> str:
    """("risks", 3, "label") -> "risks[3].label"."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Converter:
    def __init__(self, display: str) -> None:
        self.display = display
        self.doc = Located(None)
        self.nodes = 0
        self.problems: list[Problem] = []
        self._active: set[int] = set()

    def problem(self, pos: tuple[int, int], path: Path, message: str, hint: str = "", code: str = "yaml") -> None:
        self.problems.append(Problem(self.display, pos[0], pos[1], format_path(path), message, hint, code=code))

    def convert(self, node: yaml.Node, path: Path) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _Refused(
                node.start_mark,
                f"document expands to more than {MAX_NODES} values",
                "aliases (*name) that repeat large blocks are refused; write the data out",
            )
        if id(node) in self._active:
            raise _Refused(node.start_mark, "recursive alias", "an alias may not refer to a block that contains it")
        self.doc.marks[path] = _pos(node.start_mark)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                return self._bad_tag(node, path)
            self._active.add(id(node))
            try:
                return [self.convert(child, path + (i,)) for i, child in enumerate(node.value)]
            finally:
                self._active.discard(id(node))
        assert isinstance(node, yaml.ScalarNode)  # the only other kind of node
        return self._scalar(node, path)

    def _bad_tag(self, node: yaml.Node, path: Path) -> None:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        self.problem(
            _pos(node.start_mark),
            path,
            f"YAML tag {tag!r} is not allowed",
            "content is plain data: remove the tag",
            code="yaml-tag",
        )
        return None

    def _scalar(self, node: yaml.ScalarNode, path: Path) -> Any:
        if node.tag == _STR:
            return self._text(node, path)
        if node.tag == _INT:
            return _SCALARS.construct_yaml_int(node)
        if node.tag == _FLOAT:
            value = _SCALARS.construct_yaml_float(node)
            if value != value or value in (float("inf"), float("-inf")):
                self.problem(
                    _pos(node.start_mark),
                    path,
                    f"{node.value!r} is not a usable number",
                    "write a plain number such as 8 or 8.5",
                    code="yaml-number",
                )
                return None
            return value
        if node.tag == _BOOL:
            return node.value.lower() == "true"
        if node.tag == _NULL:
            return None
        return self._bad_tag(node, path)

    def _text(self, node: yaml.ScalarNode, path: Path) -> str | None:
        """Text as typed, unless it holds control or invisible format characters, or only spaces."""
        refused = text_problem(node.value)
        if refused:
            self.problem(_pos(node.start_mark), path, *refused)
            return None
        return node.value

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict | None:
        if node.tag != _MAP:
            self._bad_tag(node, path)
            return None
        self._active.add(id(node))
        out: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        try:
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in (_STR, _INT, _BOOL, _NULL, _FLOAT):
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        self.problem(
                            _pos(key_node.start_mark),
                            path,
                            "merge keys (<<) are not supported",
                            "write the fields out in full",
                            code="yaml-merge",
                        )
                    else:
                        self.problem(
                            _pos(key_node.start_mark), path, "mapping keys must be plain text", code="yaml-key"
                        )
                    continue
                key = str(key_node.value)
                child = path + (key,)
                if key in first_seen:
                    self.problem(
                        _pos(key_node.start_mark),
                        child,
                        f"duplicate key {key!r}",
                        f"first defined on line {first_seen[key]}; keep one of them",
                        code="duplicate-key",
                    )
                    continue
                first_seen[key] = key_node.start_mark.line + 1
                self.doc.key_marks[child] = _pos(key_node.start_mark)
                out[key] = self.convert(value_node, child)
        finally:
            self._active.discard(id(node))
        return out


_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32 little-endian"),
    (b"\x00\x00\xfe\xff", "UTF-32 big-endian"),
    (b"\xff\xfe", "UTF-16 little-endian"),
    (b"\xfe\xff", "UTF-16 big-endian"),
)


def _wide_encoding(raw: bytes) -> str | None:
    """The encoding ("UTF-16 little-endian", ...) when the bytes look like text saved in UTF-16 or UTF-32,
    with or without a byte order mark.

    Such text decodes as UTF-8 full of NUL bytes when it is mostly ASCII, so it is recognised by where the
    zero bytes fall: every second byte for UTF-16, three bytes in four for UTF-32.
    """
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name
    sample = raw[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    zero = [sample[i::4].count(0) / len(sample[i::4]) > 0.5 for i in range(4)]
    if zero == [False, True, True, True]:
        return "UTF-32 little-endian"
    if zero == [True, True, True, False]:
        return "UTF-32 big-endian"
    if zero == [False, True, False, True]:
        return "UTF-16 little-endian"
    if zero == [True, False, True, False]:
        return "UTF-16 big-endian"
    return None


def _decode(raw: bytes, display: str) -> tuple[str | None, list[Problem]]:
    wide = _wide_encoding(raw)
    if wide:
        return None, [
            Problem(
                display,
                1,
                1,
                "",
                f"file is not UTF-8 (it looks like {wide})",
                "save the file as UTF-8",
                code="encoding",
            )
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, [
            Problem(
                display,
                line,
                col,
                "",
                f"file is not UTF-8 (byte 0x{raw[exc.start]:02x})",
                "save the file as UTF-8",
                code="encoding",
            )
        ]
    text = text.removeprefix("\ufeff")  # a UTF-8 byte order mark (Windows editors add one) is allowed
    if "\x00" in text:  # the YAML parser would only say "#x0000"; say where, and what it suggests
        head = text[: text.index("\x00")]
        line = head.count("\n") + 1
        col = len(head) - (head.rfind("\n") + 1) + 1
        return None, [
            Problem(
                display,
                line,
                col,
                "",
                "file contains a NUL byte, so it is not text",
                "save the file as UTF-8 text; a NUL byte usually means a binary or damaged file",
                code="encoding",
            )
        ]
    return text, []


def read_yaml(raw: bytes, display: str) -> tuple[Located | None, list[Problem]]:
    """Parse bytes of one content file. Returns (document, problems); document is None if unusable."""
    if len(raw) > MAX_BYTES:
        return None, [
            Problem(
                display,
                1,
                1,
                "",
                f"file is too large (over {MAX_BYTES:,} bytes, the limit)",
                "content files are small; split the file or remove pasted data",
                code="too-large",
            )
        ]
    text, problems = _decode(raw, display)
    if text is None:
        return None, problems
    composer = _Composer(text)
    try:
        root = composer.get_single_node()
    except yaml.MarkedYAMLError as exc:
        (line, col), message, hint = _syntax(exc)
        return None, [Problem(display, line, col, "", message, hint, code="yaml-syntax")]
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        return None, [Problem(display, 1, 1, "", f"YAML could not be read: {exc}".strip(), code="yaml-syntax")]
    finally:
        composer.dispose()
    if root is None:
        return None, [
            Problem(display, 1, 1, "", "file is empty", "every content file is a YAML mapping of fields", code="empty")
        ]
    if not isinstance(root, yaml.MappingNode):
        line, col = _pos(root.start_mark)
        return None, [
            Problem(
                display,
                line,
                col,
                "",
                "file must be a mapping of fields at the top level",
                "start with `field: value` lines",
                code="not-mapping",
            )
        ]
    converter = _Converter(display)
    try:
        converter.doc.data = converter.convert(root, ())
    except _Refused as exc:
        line, col = _pos(exc.mark)
        return None, [Problem(display, line, col, exc.field, exc.message, exc.hint, code="yaml-alias")]
    except RecursionError:
        return None, [Problem(display, 1, 1, "", "document is nested too deeply", code="yaml-depth")]
    return converter.doc, converter.problems


def _syntax(exc: yaml.MarkedYAMLError) -> tuple[tuple[int, int], str, str]:
    """Where a YAML syntax error is, what it is in an editor's words (the parser's own after them), and a hint.

    The place is the line to fix: for a quote or a key left open, where it opens, not where the parser gave up.
    """
    context, problem = exc.context or "", exc.problem or ""
    technical = " ".join(filter(None, [context, problem])) or "invalid YAML"
    opened, stopped = exc.context_mark, exc.problem_mark or exc.context_mark
    where = _pos(stopped) if stopped else (1, 1)
    said = f"YAML syntax error: {technical}"
    if "tab" in problem:
        return where, f"a tab in the indentation ({said})", "indent with spaces, not tabs"
    if "cannot start any token" in problem:
        return (
            where,
            f"a value starts with a character YAML keeps for itself ({said})",
            ("put the value in quotes when it starts with @, ` or %"),
        )
    if "flow" in context:
        bracket = "[" if "sequence" in context else "{" if "mapping" in context else "[' or '{"
        opened_on = f" on line {opened.line + 1}" if opened and bracket in "[{" else ""
        return (
            where,
            f"a '{bracket}' is not closed ({said})",
            (
                f"close the '{bracket}' opened{opened_on}, or put the value in quotes if the '{bracket}' is part of "
                f"the text"
            ),
        )
    if "quoted scalar" in context and opened:
        return (
            _pos(opened),
            f"a quoted value is not closed ({said})",
            (f"the quote that opens here, on line {opened.line + 1}, needs its closing quote before the line ends"),
        )
    if "simple key" in context and opened:
        return (
            _pos(opened),
            f"a field has no ':' after its name ({said})",
            ("write `name: value`; a line that continues the value above is indented further than its field"),
        )
    if "mapping values are not allowed" in problem:
        return (
            where,
            f"a ':' where YAML does not expect one ({said})",
            (
                "a value that contains ': ' must be in quotes; a line that is a field of its own lines up with the "
                "fields above it"
            ),
        )
    if "block collection" in context or "'-' indicator" in problem:
        start = f" (the list from line {opened.line + 1} has its '-' in column {opened.column + 1})" if opened else ""
        return (
            where,
            f"this line does not line up with the list it is in ({said})",
            (
                f"every item of a list starts with '-' in the same column{start}; an item's own fields line up "
                f"under its first field"
            ),
        )
    if "block mapping" in context or "expected key" in problem or "block end" in problem:
        start = f" (the fields from line {opened.line + 1} start in column {opened.column + 1})" if opened else ""
        return (
            where,
            f"this line does not line up with the fields around it ({said})",
            (
                f"the fields of one mapping start in the same column{start}; indent a field's value further than "
                f"the field"
            ),
        )
    if "could not find expected ':'" in problem:
        return (
            where,
            f"a field has no ':' after its name ({said})",
            ("check the indentation and that every field has `name: value`"),
        )
    return where, said, "check the line and the one above it: indentation, quotes and the ':' after each name"
