"""Edit content files in place with ruamel.yaml's round-trip mode: comments, key order, quoting and wrapping kept.

Only what a command changes is rewritten; a file whose data did not change is never written, so running a
command twice leaves a clean diff. Writes are staged beside the file and renamed over it.
"""
from __future__ import annotations

import io
import os
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import (DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString,
                                      SingleQuotedScalarString)
from ruamel.yaml.util import load_yaml_guess_indent


class Document:
    """One content file loaded for editing; `text()` is the file as it would be written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.original = path.read_text("utf-8")
        _, sequence, offset = load_yaml_guess_indent(self.original)
        self.yaml = YAML(typ="rt")
        self.yaml.preserve_quotes = True
        self.yaml.width = 4096  # never re-wrap a line the edit did not touch
        self.yaml.indent(mapping=2, sequence=sequence or 4, offset=offset if offset is not None else 2)
        self.data = self.yaml.load(self.original)

    def text(self) -> str:
        out = io.StringIO()
        self.yaml.dump(self.data, out)
        return out.getvalue()

    @property
    def changed(self) -> bool:
        return self.text() != self.original


def set_text(container, key, text: str) -> bool:
    """Set a text value in the style the old one was written in (folded paragraphs stay folded). True if it changed."""
    old = container[key]
    if isinstance(old, str) and str(old) == text:
        return False
    container[key] = styled(old, text)
    return True


def styled(old, text: str):
    plain_edges = text == text.strip() and "\n" not in text and "  " not in text
    if isinstance(old, FoldedScalarString) and plain_edges:
        new = FoldedScalarString(text)
        widths = _line_widths(str(old), getattr(old, "fold_pos", []))
        if len(widths) > 1:  # the old text was wrapped: wrap the new one as wide
            new.fold_pos = fold_positions(text, max(widths))
        return new
    if isinstance(old, LiteralScalarString) and "\n" in text:
        return LiteralScalarString(text)
    if isinstance(old, SingleQuotedScalarString):
        return SingleQuotedScalarString(text)
    if isinstance(old, DoubleQuotedScalarString) or not plain_edges:
        return DoubleQuotedScalarString(text)
    return text


def folded(text: str, width: int) -> FoldedScalarString | str:
    """A long text as a folded block wrapped at `width`, a short one as it is."""
    if len(text) <= width or text != text.strip() or "\n" in text or "  " in text:
        return text
    new = FoldedScalarString(text)
    new.fold_pos = fold_positions(text, width)
    return new


def _line_widths(text: str, fold_pos: list[int]) -> list[int]:
    edges = [-1, *fold_pos, len(text)]
    return [b - a - 1 for a, b in zip(edges, edges[1:])]


def fold_positions(text: str, width: int) -> list[int]:
    """Where to break a folded scalar (indices of single spaces) so that no line is longer than `width`."""
    spaces = [i for i, ch in enumerate(text) if ch == " " and 0 < i < len(text) - 1 and text[i - 1] != " "
              and text[i + 1] != " "]
    breaks: list[int] = []
    start, previous = 0, None
    for space in [*spaces, len(text)]:
        if space - start > width and previous is not None and previous > start:
            breaks.append(previous)
            start = previous + 1
        previous = space
    return breaks


def write_all(documents: list[tuple[Path, str]]) -> None:
    """Write each (path, text): every file staged first, then renamed into place, so a failure writes nothing."""
    staged = []
    try:
        for path, text in documents:
            temp = path.with_name(f".{path.name}.dncontent-new")
            with open(temp, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
            staged.append((temp, path))
    except OSError:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        raise
    for temp, path in staged:
        os.replace(temp, path)
