"""The brochure page that holds a field: found by the field's text in the printed PDF, drawn as an image with
that text highlighted. PDFium (pypdfium2) reads and draws the PDF; it loads on first use."""

from __future__ import annotations

import io
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import NamedTuple, TypeVar

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
SCALE = 1.5  # 108 dpi: sharp in a column about 450 px wide on a 2x screen
_pdfium_lock = threading.Lock()  # PDFium is not thread-safe
T = TypeVar("T")


class Found(NamedTuple):
    page: int  # from 1
    pages: int
    boxes: tuple  # (left, top, right, bottom) in image pixels, to highlight


def needle(text: str) -> str:
    """The longest run of the text's own words (no placeholders), as the brochure prints it: at most 8 words,
    so that a line break or a hyphenation further on cannot hide it."""
    runs = [" ".join(part.split()) for part in PLACEHOLDER.split(text or "")]
    best = max(runs, key=len, default="")
    return " ".join(best.split()[:8]).strip(" ,.:;")


def _once(size: int) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Remember the last `size` results, as lru_cache does, and make each one once: a caller asking for a
    result another thread is making waits for it (the page drawn ahead of the browser's request for it)."""

    def decorate(make: Callable[..., T]) -> Callable[..., T]:
        results: OrderedDict[tuple, T] = OrderedDict()
        lock = threading.Lock()

        def once(*args) -> T:
            with lock:
                if args in results:
                    results.move_to_end(args)
                    return results[args]
                result = results[args] = make(*args)
                if len(results) > size:
                    results.popitem(last=False)
                return result

        once.__doc__ = make.__doc__
        return once

    return decorate


def find(pdf: bytes, text: str) -> Found:
    """The first page showing `text` (page 1 when none does, or there is no text to look for)."""
    return _find(pdf, needle(text))


@_once(32)
def _find(pdf: bytes, wanted: str) -> Found:
    import pypdfium2 as pdfium

    with _pdfium_lock:
        document = pdfium.PdfDocument(pdf)
        try:
            pages = len(document)
            for index in range(pages) if len(wanted) >= 2 else ():
                page = document[index]
                textpage = page.get_textpage()
                searcher = textpage.search(wanted, match_case=True, match_whole_word=False)
                hit = searcher.get_next()
                if hit is None:
                    continue
                height = page.get_height()
                boxes = []
                start, count = hit
                for i in range(start, start + count):
                    if textpage.get_text_range(i, 1).isspace():
                        continue  # a space's box sits lower than the letters'; the line's box spans it anyway
                    left, bottom, right, top = textpage.get_charbox(i)
                    if right > left and top > bottom:  # (PDF coordinates: up is larger) a box with an area
                        boxes.append((left * SCALE, (height - top) * SCALE, right * SCALE, (height - bottom) * SCALE))
                return Found(index + 1, pages, tuple(_lines(boxes)))
            return Found(1, pages, ())
        finally:
            document.close()


def _lines(boxes: list) -> list:
    """Character boxes merged into one box per line of text: a box that shares most of its height with the line
    so far, and starts after its start, is on it (letters' boxes differ in height: an x is lower than an l)."""
    merged: list[list[float]] = []
    for left, top, right, bottom in boxes:
        line = merged[-1] if merged else None
        shared = min(bottom, line[3]) - max(top, line[1]) if line else 0
        if line and shared > 0.5 * min(bottom - top, line[3] - line[1]) and left >= line[0] - 1:
            line[2], line[1], line[3] = max(line[2], right), min(line[1], top), max(line[3], bottom)
        else:
            merged.append([left, top, right, bottom])
    return [tuple(round(v) for v in line) for line in merged]


@_once(16)
def page_png(pdf: bytes, page: int, boxes: tuple) -> bytes:
    """Page `page` (from 1) as a PNG, with `boxes` highlighted."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    with _pdfium_lock:
        document = pdfium.PdfDocument(pdf)
        try:
            image = document[page - 1].render(scale=SCALE).to_pil().convert("RGB")
        finally:
            document.close()
    if boxes:
        overlay = image.copy()
        draw = ImageDraw.Draw(overlay)
        for left, top, right, bottom in boxes:
            draw.rectangle((left - 3, top - 3, right + 3, bottom + 3), fill=(255, 221, 87))
        image = _blend_under_text(image, overlay)
        draw = ImageDraw.Draw(image)
        for left, top, right, bottom in boxes:
            draw.rectangle((left - 4, top - 4, right + 4, bottom + 4), outline=(161, 92, 0), width=2)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False, compress_level=3)
    return out.getvalue()


def _blend_under_text(image, overlay):
    """The highlight as a marker pen draws it: dark text stays dark (multiply)."""
    from PIL import ImageChops

    return ImageChops.multiply(image, overlay)
