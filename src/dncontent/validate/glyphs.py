"""The characters the brochure's bundled font can draw, and the content text it cannot.

A character the bundled font lacks is drawn with whatever font the build machine happens to have (or as an
empty box), so the same content would print differently from one machine to the next. That is an error:
the brochure must come out the same everywhere.

What each face of the font draws is read from its cmap, within the unicode-range that templates/pdf/fonts.css.j2
gives each subset (the renderer uses a subset only for those characters). Reading the fonts takes fontTools and
tens of milliseconds, so the result is kept in templates/fonts/coverage.json, keyed by a hash of the fonts and
their ranges. Regenerate it after changing the fonts with `python -m dncontent.validate.glyphs`; until then
validation reads the fonts themselves.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from ..errors import Problem
from ..load import ContentFile
from ..load.yaml_reader import format_path
from ..resources import templates_dir

FAMILY = "Atkinson Hyperlegible"
STYLES = {
    ("400", "normal"): "Regular",
    ("700", "normal"): "Bold",
    ("400", "italic"): "Italic",
    ("700", "italic"): "Bold Italic",
}
# Not drawn with a glyph: line breaks and tabs become spaces, and the text engine sets every width of space
# (but the Ogham space mark, which is visible) from the font's own space.
UNDRAWN = frozenset("\t\n\r") | frozenset(chr(c) for c in (0x20, 0xA0, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000))
# Text the brochure and the page never show: the SMS channel has its own alphabet (GSM-7) and checks it.
SMS_ONLY = {
    "sms": lambda path: True,
    "brand": lambda path: path[:1] == ("sms",),
    "contraindications": lambda path: path[-1:] == ("short",),
    "labels": lambda path: path[:1] == ("sms_opt_out",),
}

_faces: dict[str, dict[str, frozenset[int]]] = {}  # by the hash of the fonts and their ranges
_hashes: dict[tuple, str] = {}  # by the files' sizes and times, so an unchanged font is not hashed again


def coverage_file() -> Path:
    return templates_dir() / "fonts" / "coverage.json"


def _sources() -> list[Path]:
    return [templates_dir() / "pdf" / "fonts.css.j2", *sorted((templates_dir() / "fonts").glob("*.woff2"))]


def fonts_hash() -> str:
    """One hash over the font files and the unicode-ranges that decide which subset draws what."""
    sources = _sources()
    stamp = tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sources)
    if stamp not in _hashes:
        digest = hashlib.sha256()
        for source in sources:
            digest.update(source.name.encode("utf-8") + b"\0" + source.read_bytes())
        _hashes[stamp] = digest.hexdigest()
    return _hashes[stamp]


def faces() -> dict[str, frozenset[int]]:
    """Code points each face of the font draws, by face name: from coverage.json, or from the fonts if it is stale."""
    key = fonts_hash()
    if key not in _faces:
        try:
            stored = json.loads(coverage_file().read_text("utf-8"))
        except (OSError, ValueError):
            stored = {}
        if stored.get("fonts_hash") != key:
            stored = measure()
        _faces[key] = {
            name: frozenset(c for start, end in ranges for c in range(start, end + 1))
            for name, ranges in stored["faces"].items()
        }
    return _faces[key]


def measure() -> dict:
    """Read every face's cmap with fontTools, within each subset's unicode-range."""
    from fontTools.ttLib import TTFont

    css, *fonts = _sources()
    ranges_css = css.read_text("utf-8")
    ranges = {subset: _parse_range(text) for subset, text in re.findall(r'\("([\w-]+)", "(U\+[^"]*)"\)', ranges_css)}
    drawn: dict[str, set[int]] = {}
    for font in fonts:
        match = re.fullmatch(r"atkinson-hyperlegible-([\w-]+)-(\d00)-(normal|italic)\.woff2", font.name)
        if not match or match.group(1) not in ranges:
            continue
        subset, weight, style = match.groups()
        cmap = set(TTFont(font).getBestCmap())
        face = f"{FAMILY} {STYLES[(weight, style)]}"
        drawn.setdefault(face, set()).update(c for c in cmap if any(a <= c <= b for a, b in ranges[subset]))
    return {"fonts_hash": fonts_hash(), "faces": {face: _ranges(codes) for face, codes in sorted(drawn.items())}}


def _parse_range(text: str) -> list[tuple[int, int]]:
    out = []
    for part in text.split(","):
        first, _, last = part.strip().removeprefix("U+").partition("-")
        out.append((int(first, 16), int(last or first, 16)))
    return out


def _ranges(codes: set[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for code in sorted(codes):
        if out and out[-1][1] == code - 1:
            out[-1][1] = code
        else:
            out.append([code, code])
    return out


def undrawable(text: str, drawn: dict[str, frozenset[int]] | None = None) -> dict[str, list[str]]:
    """The characters in `text` some face of the font cannot draw, each with the faces that lack it."""
    if text.isascii():  # every printable ASCII character is in every face; control characters are refused apart
        return {}
    drawn = drawn or faces()
    out: dict[str, list[str]] = {}
    for char in dict.fromkeys(text):
        if char.isascii() or char in UNDRAWN:
            continue
        lacking = [face for face, codes in drawn.items() if ord(char) not in codes]
        if lacking:
            out[char] = lacking
    return out


def describe(char: str) -> str:
    name = unicodedata.name(char, "")
    shown = f" {char!r}" if unicodedata.category(char)[0] in "LNPS" else ""
    return f"U+{ord(char):04X}{' ' + name if name else ''}{shown}"


def check(files: list[ContentFile]) -> Iterator[Problem]:
    """Every text the brochure or page shows whose characters the font cannot draw, one problem per text."""
    drawn: dict[str, frozenset[int]] | None = None
    for file in files:
        if file.doc is None or file.kind == "sms":
            continue
        skip = SMS_ONLY.get(file.kind, lambda path: False)
        for path, text in _texts(file.doc.data, ()):
            if skip(path):
                continue
            if text.isascii():
                continue
            drawn = drawn or faces()
            missing = undrawable(text, drawn)
            if missing:
                yield _problem(file, path, text, missing, drawn)


def _texts(value, path: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _texts(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _texts(child, path + (index,))


def _problem(
    file: ContentFile, path: tuple, text: str, missing: dict[str, list[str]], drawn: dict[str, frozenset[int]]
) -> Problem:
    everywhere = all(len(lacking) == len(drawn) for lacking in missing.values())
    font = FAMILY if everywhere else ", ".join(sorted({face for lacking in missing.values() for face in lacking}))
    listed = ", ".join(describe(char) for char in list(missing)[:5])
    more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
    plural = "s" if len(missing) > 1 else ""
    message = f"the brochure's font {font} cannot draw the character{plural} {listed}{more}"
    if not undrawable(unicodedata.normalize("NFC", text), drawn):
        hint = "the accents are typed as separate marks: write each accented letter as one character (NFC)"
    else:
        hint = (
            "the brochure would print them with whatever fonts the build machine has, differently on every "
            "machine; use characters the font has (Latin letters), or bundle a font that has them"
        )
    assert file.doc is not None  # the text at `path` was read from it
    line, col = file.doc.where(path)
    return Problem(file.display, line, col, format_path(path), message, hint, code="glyph")


def main() -> None:
    """Write coverage.json from the fonts: run after changing templates/fonts or their unicode-ranges."""
    measured = measure()
    faces_json = ",\n".join(f"  {json.dumps(face)}: {json.dumps(ranges)}" for face, ranges in measured["faces"].items())
    coverage_file().write_text(
        f'{{"fonts_hash": "{measured["fonts_hash"]}", "faces": {{\n{faces_json}\n}}}}\n', "utf-8"
    )
    print(f"wrote {coverage_file()}")


if __name__ == "__main__":
    main()
