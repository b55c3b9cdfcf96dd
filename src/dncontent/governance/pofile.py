"""Read a translator's PO file: its bytes decoded as its header says (never as mojibake), its header's lines located.

A PO file names its encoding in the header (`Content-Type: text/plain; charset=...`). Translation tools write
UTF-8 but keep whatever charset the template said, so a file that is UTF-8 under a header saying ISO-8859-1
is common, and read as the header says it would import every accented letter garbled ("PunciÃ³n") while
looking valid. Such a file is refused at the header's line; a file really in ISO-8859-1 reads as it should.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import NamedTuple

import polib

from ..errors import DncontentError, Problem

MAX_BYTES = 20_000_000  # a PO file of every unit is about 40 KB
_FIELD = re.compile(r'^\s*"([A-Za-z][A-Za-z0-9-]*):\s*(.*?)\s*(?:\\n)?"\s*$')
_SAMPLE = 'msgid "Aa09"\n'
_CHARSET = re.compile(r"charset\s*=\s*([^\s;\"\\]+)", re.IGNORECASE)


class ImportRefused(DncontentError):
    """A PO file that cannot be imported as it is; nothing was written."""

    def __init__(self, message: str, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(message)


class HeaderField(NamedTuple):
    line: int
    value: str


class PoFile(NamedTuple):
    po: polib.POFile
    text: str
    header: dict[str, HeaderField]  # header field name -> its line in the file and its value


def read_po(path: Path, shown: str) -> PoFile:
    """Parse the PO file at `path` (read once, so a pipe such as <(...) works too); ImportRefused if it cannot be."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _refused(shown, 1, f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise _refused(shown, 1, f"is larger than {MAX_BYTES:,} bytes: not a PO file of this content")
    header = header_fields(raw.decode("latin-1"))  # the header is ASCII in every charset a PO file may use
    text = _decode(raw, shown, header)
    try:
        po = polib.pofile(text if "\n" in text else text + "\n", wrapwidth=78, encoding="utf-8")
    except (OSError, ValueError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise _refused(shown, int(line.group(1)) if line else 1, f"not a readable PO file: {exc}") from None
    return PoFile(po, text, header)


def header_fields(text: str) -> dict[str, HeaderField]:
    """The header entry's fields (`"Language: es\\n"`), each with its line: the lines before the first unit."""
    fields: dict[str, HeaderField] = {}
    msgids = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("msgctxt") or line.startswith("msgid") and (msgids := msgids + 1) > 1:
            break
        match = _FIELD.match(line)
        if match and match.group(1) not in fields:
            fields[match.group(1)] = HeaderField(number, match.group(2))
    return fields


def _decode(raw: bytes, shown: str, header: dict[str, HeaderField]) -> str:
    content_type = header.get("Content-Type")
    match = _CHARSET.search(content_type.value) if content_type else None
    declared = match.group(1) if match and match.group(1).upper() != "CHARSET" else "UTF-8"  # CHARSET: a template's
    line = content_type.line if content_type else 1
    try:
        codec = codecs.lookup(declared).name
        readable = _SAMPLE.encode(codec) == _SAMPLE.encode("ascii")  # gettext's rule: ASCII reads as ASCII
    except (LookupError, UnicodeError):
        codec, readable = declared, False
    if not readable:
        raise _refused(
            shown,
            line,
            f"the header names the charset {declared!r}, which is not an encoding a PO file can be in",
            "write charset=UTF-8, and save the file as UTF-8",
        )
    if codec != "utf-8" and not raw.isascii():
        try:
            as_utf8 = raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            found = re.search(r"\w*[^\x00-\x7f]+\w*", as_utf8)
            assert found is not None  # the bytes are not ASCII, so neither is their text
            word = found.group()
            garbled = word.encode("utf-8").decode(codec, "replace")
            raise _refused(
                shown,
                line,
                f"the header says charset={declared}, but the text is UTF-8: read as "
                f"{declared} it would import garbled ({word!r} as {garbled!r})",
                f"if the file is UTF-8, change this line to charset=UTF-8; if it really is {declared}, "
                f"convert it with `msgconv --to-code=UTF-8 -o {shown} {shown}`",
            )
    try:
        return raw.decode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeDecodeError as exc:
        at = raw[: exc.start].count(b"\n") + 1
        raise _refused(
            shown,
            at,
            f"is not {declared} text: byte 0x{raw[exc.start]:02X} cannot be read as {declared}",
            f"save the file as UTF-8, or convert it: `iconv -f ENCODING -t UTF-8 {shown}`, where ENCODING "
            f"is the one it is written in; then say charset=UTF-8 on line {line}",
        ) from None


def _refused(shown: str, line: int, message: str, hint: str = "") -> ImportRefused:
    return ImportRefused(
        f"cannot read {shown}; nothing was written", [Problem(shown, line, 1, "", message, hint, code="po")]
    )
