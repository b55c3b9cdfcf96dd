"""PDF channel: the print brochure in Letter and A4, laid out in HTML and CSS and printed by WeasyPrint.

The channel decides which brochures a build makes, what they are named, and which the artifact cache still
holds; `printing` composes and prints them.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import cast

from .. import cache as artifacts
from ..errors import BuildError
from ..model import Content, LocaleContent
from ..options import BuildOptions
from ..printing import Cancelled, Job, Printed
from ..printing.compose import (
    LARGE_PRINT,
    PAPERS,
    STANDARD,
    TEMPLATE,
    Edition,
    Paper,
    compose,
    fonts_css,
    papers_named,
)
from ..resources import templates_dir
from ..write import Artifact
from .paths import brochure_stem, edition_stem

NAME = "pdf"
DESCRIPTION = (
    "print brochures (Letter and A4, and large print on request): tagged PDF/UA, embedded fonts, "
    "booking QR code; print-shop versions in PDF/X-4"
)


@dataclass(frozen=True)
class LogoSource:
    """Where brand.yaml names the logo, so that what the renderer says about the logo points there."""

    file: str  # brand.yaml, as problems name it
    line: int
    name: str  # the logo as brand.yaml gives it, e.g. assets/logo.svg


@dataclass(frozen=True)
class Brochure:
    """One PDF to print: which document and locale, on which paper, and the self-contained HTML it is printed from."""

    document: str  # the document id (page.yaml), which names the file
    locale: str
    paper: Paper
    print_marks: bool
    page: LocaleContent
    logo: LogoSource | None = None
    edition: Edition = STANDARD

    @functools.cached_property
    def html(self) -> str:
        """The print HTML, composed when it is first needed: a brochure reused from the cache never is."""
        return compose(self.page, self.paper, self.print_marks, self.edition)

    @property
    def inputs(self) -> str:
        """What the print HTML is made from, besides templates and code: the locale's model, the logo's bytes."""
        logo = artifacts.file_digest(self.page.brand.logo)
        return repr((self.page._replace(sms=(), files={}), self.paper, self.print_marks, self.edition, logo))

    @property
    def stem(self) -> str:
        if self.edition.name:
            return edition_stem(self.document, self.locale, self.edition.name)
        return brochure_stem(self.document, self.locale, self.paper.name, self.print_marks)

    @property
    def part(self) -> tuple[str, str, str, str]:
        """The PDF's path, format, locale and role: what the cache must hold for it."""
        return f"{self.stem}.pdf", NAME, self.locale, self.role

    @property
    def name(self) -> str:
        """How progress lines name it: es letter, en a4 (print), es large-print."""
        return f"{self.locale} {self.edition.name or self.paper.name}" + (" (print)" if self.print_marks else "")

    @property
    def role(self) -> str:
        return "brochure-print" if self.print_marks else self.edition.role

    @property
    def identifier(self) -> bytes:
        """The permanent half of the PDF /ID: the same brochure keeps it from one content revision to the next."""
        return hashlib.sha256(self.stem.encode("utf-8")).hexdigest()[:32].encode("ascii")


class BrochureWarning(UserWarning):
    """WeasyPrint had something to say about a brochure template (an unknown CSS property, a missing image)."""


def render(content: Content, options: BuildOptions) -> Iterator[Artifact]:
    brochures = _brochures(content, options.print_marks, options.large_print, options.papers)
    if options.keep_html:
        for brochure in brochures:
            if not brochure.print_marks:
                yield Artifact(
                    f"{brochure.stem}.html", NAME, brochure.locale, "brochure-html", brochure.html.encode("utf-8")
                )
    for brochure, result in zip(brochures, _print(brochures)):
        yield Artifact(*brochure.part, result.pdf)


def page_counts(content: Content) -> dict[tuple[str, str], int]:
    """How many pages each standard brochure has, by (locale, paper name): the report shows them."""
    brochures = _brochures(content, print_marks=False)
    return {(b.locale, b.paper.name): result.pages for b, result in zip(brochures, _print(brochures))}


def _brochures(
    content: Content, print_marks: bool, large_print: bool = False, papers: tuple[str, ...] = ()
) -> list[Brochure]:
    """Every brochure to print, locale by locale: each paper (and its print-shop version), then the large print.
    `papers` names the paper sizes wanted; empty, every one."""
    logo = _logo_source(content)
    letter = PAPERS[0]
    wanted = papers_named(papers)
    return [
        brochure
        for locale, page in content.locales.items()
        for brochure in [
            *(
                Brochure(document=page.id, locale=locale, paper=paper, print_marks=marks, page=page, logo=logo)
                for paper in wanted
                for marks in ((False, True) if print_marks else (False,))
            ),
            *([Brochure(page.id, locale, letter, False, page, logo, LARGE_PRINT)] if large_print else []),
        ]
    ]


def _logo_source(content: Content) -> LogoSource | None:
    if content.brand.logo is None:
        return None
    from ..load.files import display_path
    from ..load.yaml_reader import read_yaml

    brand = Path(content.root) / "brand.yaml"
    try:
        doc, _ = read_yaml(brand.read_bytes(), str(brand))
    except OSError:
        doc = None
    line = doc.where(("logo",))[0] if doc else 1
    return LogoSource(display_path(brand), line, Path(os.path.relpath(content.brand.logo, content.root)).as_posix())


def _print(brochures: list[Brochure]) -> list[Printed]:
    """Each brochure printed, or reused from the artifact cache when its print HTML has not changed.

    The print HTML holds everything a brochure is made from (text, stylesheet, fonts, QR code and logo are
    all inlined), so it is the cache key, with the PDF's identifier and the versions of the renderer.
    WeasyPrint is imported only when some brochure has to be printed.
    """
    store = artifacts.current()
    keys = [store.key("pdf", _renderer(), b.identifier, b.inputs) for b in brochures]
    results: list[Printed | None] = []
    for key, brochure in zip(keys, brochures):
        entry = store.get(key, [brochure.part], _valid_meta)
        results.append(
            None if entry is None else Printed(entry.parts[0].data, tuple(entry.meta["messages"]), entry.meta["pages"])
        )
    todo = [i for i, result in enumerate(results) if result is None]
    if todo:
        if store.progress:
            store.progress(
                f"printing {len(todo)} brochure{'s' * (len(todo) != 1)}: {', '.join(brochures[i].name for i in todo)}"
            )

        def done(n: int) -> None:
            if store.cancelled and store.cancelled():
                raise Cancelled()
            if store.progress:
                store.progress(f"printed {brochures[todo[n]].name} ({n + 1} of {len(todo)})")

        jobs = [Job(brochures[i].html, str(templates_dir() / "pdf"), brochures[i].identifier) for i in todo]
        printed = _on_print_server(jobs, done, store.cancelled) if store.print_server else None
        if printed is None:
            from ..printing import render  # WeasyPrint loads only now, when there are brochures to print here

            try:
                printed = render.write_pdfs(jobs, fonts_css=str(fonts_css()), done=done)
            except Cancelled:
                raise
            except Exception as exc:  # WeasyPrint's layout engine can fail on content it was not tried with
                raise BuildError(
                    f"the brochure could not be laid out ({type(exc).__name__}: {exc}); please "
                    f"report this with the content that causes it"
                ) from exc
        for i, result in zip(todo, printed):
            store.put(
                keys[i],
                [artifacts.Part(*brochures[i].part, result.pdf)],
                {"pages": result.pages, "messages": list(result.messages)},
            )
            results[i] = result
    finished = cast("list[Printed]", results)  # each brochure is reused or printed by now
    emit_warnings([(brochure, message) for brochure, result in zip(brochures, finished) for message in result.messages])
    return finished


def _valid_meta(meta: dict) -> bool:
    """Whether a cached brochure's record is one this channel writes: its page count and WeasyPrint's messages."""
    pages, messages = meta.get("pages"), meta.get("messages")
    return (
        type(pages) is int
        and pages > 0
        and isinstance(messages, list)
        and all(isinstance(message, str) for message in messages)
    )


def _on_print_server(jobs: list[Job], done, cancelled) -> list[Printed] | None:
    """The jobs printed by a print server (see `printing.server`), or None to print them in this process."""
    from ..printing import server

    if not server.wanted():
        return None
    for problem in server.setting_problems():
        artifacts.current().note(problem)
    try:
        return server.print_jobs(jobs, done=done, cancelled=cancelled)
    except server.Unavailable:  # whatever went wrong there, this process prints them (and says why not)
        return None


@cache
def _renderer() -> str:
    """The versions of what turns the print HTML into a PDF, read without importing it."""
    return artifacts.versions(("weasyprint", "pydyf", "fonttools", "pillow"))


# What WeasyPrint says about an image. The template's own images (the band, the QR code) are generated and
# always load, so when the brochure has a logo, these are about the logo or what it refers to.
IMAGE_MESSAGES = (
    "Failed to load image",
    "Failed to render SVG image",
    "Unknown image mode",
    "Failed to apply CSS rule in SVG",
)


def emit_warnings(messages: list[tuple[Brochure, str]]) -> None:
    """Re-emit WeasyPrint's messages as BrochureWarnings, each once, where the cause is.

    A message about the logo points at the `logo` line of brand.yaml; one that names a stylesheet line points
    at brochure.css.j2 (WeasyPrint counts lines within the <style> element, which holds it line for line).
    """
    seen: dict[tuple[str, int, str], list[str]] = {}
    for brochure, message in messages:
        where = re.search(r" at (\d+):\d+", message)
        if brochure.logo and message.startswith(IMAGE_MESSAGES):
            filename, line = brochure.logo.file, brochure.logo.line
            message = (
                f"the logo {brochure.logo.name} could not be drawn as it is: {_shorten_data(message).rstrip(': ')}"
            )
        elif where:
            filename, line = str(templates_dir() / brochure.edition.stylesheet), int(where.group(1))
        else:
            filename, line = str(templates_dir() / TEMPLATE), 0
        seen.setdefault((filename, line, message), []).append(Path(brochure.stem).name)
    for (filename, line, message), stems in seen.items():
        if len(message) > 300:  # WeasyPrint quotes whole data: URIs
            message = message[:300] + "…"
        warnings.warn_explicit(f"{message} (in {', '.join(stems)})", BrochureWarning, filename, line)


def _shorten_data(message: str) -> str:
    return re.sub(r"(data:[^,'\s]{0,40},?)[^'\s]{20,}", r"\1…", message)
