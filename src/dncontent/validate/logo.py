"""Logo files: decoded the way the brochure's renderer would, and refused when unsafe, broken or too large.

The brochure inlines the logo, so whatever the logo draws, loads or points at ends up in the PDF. An SVG is
parsed with defusedxml (no DTD, no entities) and walked to every depth: any reference that leaves the file
(an href, a CSS url() or @import, a nested data: image that itself refers out) is refused. A PNG is opened
lazily with Pillow, its size checked from the header before a single row is decoded, then decoded in full so
a truncated file is refused here rather than dropped silently from the brochure.
"""

from __future__ import annotations

import base64
import io
import stat
import struct
import warnings
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote_to_bytes
from xml.etree.ElementTree import TreeBuilder

MAX_BYTES = 2_000_000
MAX_SIDE = 4096  # pixels on either side of a raster image
MAX_PIXELS = MAX_SIDE * MAX_SIDE  # 16.8 megapixels: 64 MB decoded as RGBA, far more than a header needs
MAX_NESTING = 3  # data: images inside data: images
MAX_DEPTH = 200  # elements inside elements
MAX_DRAWN = 50_000  # elements an SVG draws once every <use> is expanded

SVG_NS = "http://www.w3.org/2000/svg"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RASTER_SIGNATURES = {PNG_SIGNATURE: "PNG", b"\xff\xd8\xff": "JPEG", b"GIF87a": "GIF", b"GIF89a": "GIF"}
EXPORT_AGAIN = "export the logo again as a self-contained SVG or PNG"
SMALLER = "export it smaller: a logo in a brochure header needs far less"
OUTLINES = "convert the text to outlines (paths) in the drawing program, then export the logo again"

# Elements that load other documents, run code, move, or draw with the build machine's fonts.
REFUSED_ELEMENTS = {
    "script": "runs a script",
    "handler": "runs a script",
    "listener": "runs a script",
    "foreignObject": "embeds a foreign document",
    "iframe": "embeds a foreign document",
    "embed": "embeds a foreign document",
    "object": "embeds a foreign document",
    "video": "embeds a foreign document",
    "audio": "embeds a foreign document",
    "link": "links a stylesheet",
    "feImage": "loads an image through a filter",
    "animate": "is animated",
    "set": "is animated",
    "animateMotion": "is animated",
    "animateTransform": "is animated",
    "animateColor": "is animated",
    "discard": "is animated",
    # A logo's text is drawn with whatever fonts the build machine has, so it changes from machine to machine.
    **dict.fromkeys(("text", "tspan", "textPath"), "has text, drawn in fonts the brochure does not bundle"),
}
URL_FUNCTIONS = {"url", "src", "image", "image-set", "-webkit-image-set", "cross-fade", "element"}


class Trouble(NamedTuple):
    """Why a logo cannot go into the brochure, and what to do about it."""

    message: str  # completes "logo file 'assets/logo.svg' ..."
    hint: str = EXPORT_AGAIN


class _Refused(Exception):
    def __init__(self, message: str, hint: str = EXPORT_AGAIN):
        super().__init__(message)
        self.trouble = Trouble(message, hint)


def trouble(path: Path) -> Trouble | None:
    """Why the logo at `path` cannot go into the brochure, or None. Never reads more than MAX_BYTES."""
    try:
        info = Path(path).stat()  # the size comes from the file system: a huge file is never read
    except OSError as exc:
        return Trouble(f"cannot be read ({exc.strerror or exc})", "check the file's permissions")
    if not stat.S_ISREG(info.st_mode):
        return Trouble("is not a regular file", "name an SVG or PNG file in the assets folder")
    if info.st_size > MAX_BYTES:
        return Trouble("is over 2 MB", SMALLER)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)  # bounded, in case the file grows after the stat
    except OSError as exc:
        return Trouble(f"cannot be read ({exc.strerror or exc})", "check the file's permissions")
    if len(data) > MAX_BYTES:
        return Trouble("is over 2 MB", SMALLER)
    try:
        if Path(path).suffix.lower() == ".png":
            if not data.startswith(PNG_SIGNATURE):
                raise _Refused("is not a PNG image")
            _check_raster(data, "PNG")
        else:
            _check_svg(data, nesting=0)
    except _Refused as exc:
        return exc.trouble
    return None


def _pillow():
    from PIL import Image

    # Also guards the renderer, which decodes with the same Pillow in the same process.
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    return Image


def _check_size(width: int, height: int, *, inside: str) -> None:
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        what = "has an embedded image of" if inside else "is"
        raise _Refused(
            f"{what} {width}×{height} pixels; a logo may be at most {MAX_SIDE}×{MAX_SIDE} "
            f"({MAX_PIXELS / 1e6:.1f} megapixels)",
            SMALLER,
        )


def _check_raster(data: bytes, kind: str, inside: str = "") -> None:
    """Open lazily (the header only), check the size, then decode in full to refuse truncated files."""
    Image = _pillow()
    if kind == "PNG" and data[12:16] == b"IHDR" and len(data) >= 24:  # named in the message, before Pillow's check
        _check_size(*struct.unpack(">II", data[16:24]), inside=inside)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind]) as image:  # reads the header, decodes nothing
                _check_size(*image.size, inside=inside)
                image.verify()  # chunk checksums
            with Image.open(io.BytesIO(data), formats=[kind]) as image:
                image.load()
    except _Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _Refused(
            f"{'has an embedded image of' if inside else 'is'} over {MAX_PIXELS:,} pixels", SMALLER
        ) from None
    except Exception as exc:  # Pillow raises many kinds for broken files
        detail = str(exc) or type(exc).__name__
        what = f"has an embedded {kind} image" if inside else f"is a {kind} image"
        raise _Refused(f"{what} that does not decode ({detail})") from None


def _check_svg(data: bytes, nesting: int) -> None:
    import defusedxml
    from defusedxml.ElementTree import DefusedXMLParser, ParseError

    inside = " embedded" if nesting else ""
    an = "an embedded" if nesting else "an"
    builder = _Builder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    try:
        parser.feed(data)
        root = parser.close()
    except defusedxml.DTDForbidden:
        raise _Refused(
            f"has {'an embedded' if nesting else 'a'} document type declaration (<!DOCTYPE ...>)",
            "delete the <!DOCTYPE ...> line: the logo draws the same without it, and a DTD can "
            "define entities that expand without limit or read other files",
        ) from None
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden):
        raise _Refused(
            f"declares{inside} XML entities", "remove the entity declarations and write the text out"
        ) from None
    except ParseError as exc:
        raise _Refused(
            f"is not {an} SVG image: the XML is incomplete or malformed ({exc})",
            "the file may be truncated; " + EXPORT_AGAIN,
        ) from None
    except (ValueError, RecursionError) as exc:
        raise _Refused(f"is not {an} SVG image ({exc})") from None
    if "xml-stylesheet" in builder.instructions:
        raise _Refused("refers to other files or addresses (an xml-stylesheet instruction)")
    namespace, name = _split(root.tag) if isinstance(root.tag, str) else (None, "")
    if name != "svg" or namespace not in (SVG_NS, None):
        raise _Refused(f"is not {an} SVG image")
    _walk(root, nesting)


class _Builder(TreeBuilder):
    """The element tree, noting processing instructions too: those before the root lie outside the tree."""

    def __init__(self) -> None:
        super().__init__()
        self.instructions: list[str] = []

    def pi(self, target, text=None):
        self.instructions.append(target)
        return super().pi(target, text)


def _split(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return None, tag


def _walk(root, nesting: int) -> None:
    ids: dict[str, object] = {}
    stack = [(root, 0)]
    count = 0
    while stack:
        element, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH:
            raise _Refused("nests elements too deeply", EXPORT_AGAIN)
        if not isinstance(element.tag, str):
            continue  # a comment or processing instruction
        name = _split(element.tag)[1]
        if name in REFUSED_ELEMENTS:
            hint = OUTLINES if REFUSED_ELEMENTS[name].startswith("has text") else EXPORT_AGAIN
            raise _Refused(f"{REFUSED_ELEMENTS[name]} (<{name}>)", hint)
        for attribute, value in element.attrib.items():
            local = _split(attribute)[1]
            if local in ("href", "src"):
                _check_reference(value, f"<{name} {local}>", nesting)
            elif local == "style" or "(" in value or "\\" in value:
                _check_css(value, f"<{name} {local}>", nesting)
            if local == "id":
                ids[value] = element
        if name == "style":
            _check_css(element.text or "", "<style>", nesting)
        stack.extend((child, depth + 1) for child in element)
    if count > MAX_DRAWN:
        raise _Refused(f"has over {MAX_DRAWN:,} elements", EXPORT_AGAIN)
    _check_expansion(root, ids)


def _check_expansion(root, ids: dict) -> None:
    """Refuse <use> loops and <use> bombs: elements drawn many times over, like XML's billion laughs."""
    weights: dict[int, int] = {}
    active: set[int] = set()

    def weight(element) -> int:
        key = id(element)
        if key in weights:
            return weights[key]
        if key in active:
            raise _Refused("refers to itself (a <use> loop)")
        active.add(key)
        total = 1 + sum(weight(child) for child in element if isinstance(child.tag, str))
        if _split(element.tag)[1] == "use":
            href = next((v for a, v in element.attrib.items() if _split(a)[1] == "href"), "")
            target = ids.get(href.strip()[1:]) if href.strip().startswith("#") else None
            if target is not None:
                total += weight(target)
        active.discard(key)
        if total > MAX_DRAWN:
            raise _Refused(f"draws over {MAX_DRAWN:,} elements once its <use> references are expanded")
        weights[key] = total
        return total

    try:
        weight(root)
    except RecursionError:
        raise _Refused("nests <use> references too deeply") from None


def _shown(value: str) -> str:
    value = value.strip()
    return repr(value if len(value) <= 60 else value[:60] + "…")


def _check_reference(value: str, where: str, nesting: int) -> None:
    """A reference may point inside the file (#id) or hold its data (data:); nothing else."""
    target = value.strip()
    if target.startswith("#"):
        return
    if target[:5].lower() == "data:":
        _check_data(target, where, nesting)
        return
    raise _Refused(
        f"refers to other files or addresses ({where} {_shown(value)})",
        "embed images as data: URIs and refer only to ids inside the file (#name); " + EXPORT_AGAIN,
    )


def _check_data(uri: str, where: str, nesting: int) -> None:
    """A data: URI is checked for what the renderer would find in it, whatever media type it declares."""
    if nesting >= MAX_NESTING:
        raise _Refused(f"nests embedded images more than {MAX_NESTING} deep ({where})")
    header, comma, payload = uri[5:].partition(",")
    if not comma:
        raise _Refused(f"has a malformed data: URI ({where} {_shown(uri)})")
    try:  # as urllib's DataHandler, which the renderer uses, decodes it
        data = unquote_to_bytes(payload)
        if header.lower().endswith(";base64"):
            data = base64.decodebytes(data)
    except ValueError:
        raise _Refused(f"has a malformed data: URI ({where} {_shown(uri)})") from None
    if len(data) > MAX_BYTES:
        raise _Refused(f"embeds over 2 MB ({where})")
    kind = next((k for signature, k in RASTER_SIGNATURES.items() if data.startswith(signature)), None)
    if kind:
        _check_raster(data, kind, inside=where)
    else:  # the renderer tries anything else as SVG, so it must pass as one
        _check_svg(data, nesting + 1)


def _check_css(text: str, where: str, nesting: int) -> None:
    """CSS, parsed as the renderer parses it (tinycss2): url() and friends must stay inside the file."""
    import tinycss2

    todo = list(tinycss2.parse_component_value_list(text, skip_comments=True))
    while todo:
        token = todo.pop()
        kind = token.type
        if kind == "at-keyword" and token.lower_value == "import":
            raise _Refused(f"imports a stylesheet ({where} @import)")
        if kind == "url":
            _check_reference(token.value, where, nesting)
        elif kind == "function":
            if token.lower_name in URL_FUNCTIONS:
                for argument in token.arguments:
                    if argument.type in ("string", "url"):
                        _check_reference(argument.value, where, nesting)
            todo.extend(token.arguments)
        elif kind in ("() block", "[] block", "{} block"):
            todo.extend(token.content)
