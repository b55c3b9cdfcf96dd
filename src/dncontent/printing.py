"""WeasyPrint, loaded only to print brochures: one font configuration for all of them, its log captured."""
from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import weasyprint
from weasyprint.text.fonts import FontConfiguration

# PDF/UA-1: tagged, so screen readers and text extraction follow the reading order; it implies PDF 1.7.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}


@dataclass(frozen=True)
class Job:
    html: str
    base_url: str  # where relative URLs in the HTML resolve (the brochure's own are all data: URIs)
    identifier: bytes  # the permanent half of the PDF /ID


@dataclass(frozen=True)
class Result:
    pdf: bytes
    messages: tuple[str, ...]  # what WeasyPrint logged at warning level or above
    pages: int


_font_config: FontConfiguration | None = None  # the one shared with forked workers


def write_pdfs(jobs: list[Job], fonts_css: str = "", processes: int | None = None) -> list[Result]:
    """Print every job, in order, sharing one font configuration.

    With more than one job and more than one core, forked workers print in parallel; they inherit the
    imported WeasyPrint and the fonts already loaded from `fonts_css`, so neither is paid twice.
    """
    global _font_config
    processes = min(len(jobs), processes or _cores()) if _can_fork() else 1
    _font_config = FontConfiguration()
    try:
        if processes < 2:
            return [_write(job) for job in jobs]
        if fonts_css:
            weasyprint.CSS(string=fonts_css, font_config=_font_config)  # load the fonts once, before forking
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            return pool.map(_write, jobs, chunksize=1)
    finally:
        _font_config = None  # removes its temporary font folder


def write_pdf(job: Job, font_config: FontConfiguration) -> Result:
    with captured_log() as messages:
        document = weasyprint.HTML(string=job.html, base_url=job.base_url).render(font_config=font_config)
        pdf = document.write_pdf(pdf_identifier=job.identifier, **PDF_OPTIONS)
    return Result(pdf, tuple(messages), len(document.pages))


def _write(job: Job) -> Result:
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
