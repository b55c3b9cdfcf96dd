"""WeasyPrint, loaded only to print brochures: one font configuration for all of them, its log captured."""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import PIL.Image
import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from ..resources import templates_dir
from ..validate.logo import MAX_PIXELS
from . import Job, Printed

# Pillow decodes the brochure's images: an image larger than any logo may be is refused, not decoded.
PIL.Image.MAX_IMAGE_PIXELS = MAX_PIXELS

# What each kind of PDF is written as; the print HTML names its kind in <meta name="pdf-variant">.
PDF_OPTIONS: dict[str, dict[str, str | bool]] = {
    # PDF/UA-1: tagged, so screen readers and text extraction follow the reading order; it implies PDF 1.7.
    "pdf/ua-1": {"pdf_variant": "pdf/ua-1"},
    # PDF/X-4 for print shops: trim and bleed boxes, the sRGB output intent the colours are given in (WeasyPrint's
    # own profile), PDF/X identification in the XMP metadata; still tagged, for whoever reads the file's text.
    "pdf/x-4": {"pdf_variant": "pdf/x-4", "output_intent": "srgb", "pdf_tags": True},
}
SCREEN = "pdf/ua-1"
UNDATED = "1980-01-01T00:00:00+00:00"  # a brochure with no date of its own: a fixed one, as zip files use


_font_config: LoadedFonts | None = None  # the one shared with forked workers


class BundledOnly(URLFetcher):
    """Serves data: URIs and files inside the templates folder; refuses every other address.

    The brochure inlines everything it needs as data: URIs, so anything else it would fetch came from content
    (a logo that refers out, say) and could leak a local file or reach the network. Validation refuses such
    logos first; this makes sure the renderer cannot fetch what validation missed.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self._bundled = templates_dir().resolve()

    def fetch(self, url, headers=None):
        scheme = url.partition(":")[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve()
            if parts.netloc in ("", "localhost") and path.is_relative_to(self._bundled) and path.is_file():
                return super().fetch(path.as_uri(), headers)
        shown = url if len(url) <= 200 else url[:200] + "…"
        raise ValueError(f"refused to fetch {shown}: a brochure uses only its bundled assets and data: URIs")


def write_pdfs(
    jobs: list[Job], fonts_css: str = "", processes: int | None = None, done: Callable[[int], None] | None = None
) -> list[Printed]:
    """Print every job, in order, sharing one font configuration; `done(i)` is called as job i is printed.

    With more than one job and more than one core, forked workers print in parallel; they inherit the
    imported WeasyPrint and the fonts already loaded from `fonts_css`, so neither is paid twice.
    """
    global _font_config
    processes = min(len(jobs), processes or _cores()) if _can_fork() else 1
    results: list[Printed] = []
    try:
        _font_config = LoadedFonts(fonts_css)  # once, before any worker is forked
        if processes < 2:
            for job in jobs:
                results.append(_write(job))
                if done:
                    done(len(results) - 1)
            return results
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            for result in pool.imap(_write, jobs, chunksize=1):  # in order, each as soon as it and those before are
                results.append(result)
                if done:
                    done(len(results) - 1)
        return results
    finally:
        _font_config = None  # removes its temporary font folder


class LoadedFonts(FontConfiguration):
    """A font configuration with the fonts of `css` (its @font-face rules) already loaded."""

    def __init__(self, css: str = "") -> None:
        super().__init__()
        self.css = css
        if css:
            weasyprint.CSS(string=css, font_config=self, url_fetcher=BundledOnly())


def write_pdf(job: Job, font_config: FontConfiguration) -> Printed:
    html = job.html
    if isinstance(font_config, LoadedFonts) and font_config.css:
        # The print HTML inlines its fonts so that it prints anywhere; where they are loaded already, reading
        # the fonts' 150 kB of CSS again would only cost time (about 7% of a brochure's layout). The PDF is the
        # same to the byte: the fonts are found by the same family, style, weight and unicode-range.
        html = html.replace(f"<style>{font_config.css}</style>", "<style></style>", 1)
    with captured_log() as messages:
        document = weasyprint.HTML(string=html, base_url=job.base_url, url_fetcher=BundledOnly()).render(
            font_config=font_config
        )
        options = PDF_OPTIONS.get(document.metadata.custom.get("pdf-variant"), PDF_OPTIONS[SCREEN])
        # PDF/X needs both dates; WeasyPrint takes the clock's for one the document does not give
        document.metadata.created = document.metadata.created or UNDATED
        document.metadata.modified = document.metadata.modified or UNDATED
        with _document_id(job.identifier):
            pdf = document.write_pdf(pdf_identifier=job.identifier, **options)
    return Printed(pdf, tuple(messages), len(document.pages))


@contextmanager
def _document_id(identifier: bytes) -> Iterator[None]:
    """The XMP DocumentID of a PDF/X file made from the brochure's permanent identifier, not drawn at random.

    WeasyPrint draws it with uuid4; a brochure then prints to the same bytes every time, here or on the print
    server, as the other brochures do.
    """
    from weasyprint.pdf import metadata

    fixed = uuid.UUID(bytes=hashlib.sha256(b"xmp.did:" + identifier).digest()[:16], version=4)
    drawn, metadata.uuid4 = metadata.uuid4, lambda: fixed
    try:
        yield
    finally:
        metadata.uuid4 = drawn


def _write(job: Job) -> Printed:
    return write_pdf(job, _font_config)


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _can_fork() -> bool:
    # Forking a process that runs other threads (a preview server, say) can deadlock the child.
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


@contextmanager
def captured_log() -> Iterator[list[str]]:
    """Collect WeasyPrint's warnings instead of letting them reach stderr (or the host's logging)."""
    messages: list[str] = []
    handler = _Collect(messages)
    logger = logging.getLogger("weasyprint")  # also the parent of its progress logger
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


class _Collect(logging.Handler):
    def __init__(self, messages: list[str]):
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
