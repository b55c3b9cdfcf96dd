"""PDF channel: the print brochure in Letter and A4, laid out in HTML and CSS and printed by WeasyPrint."""
from __future__ import annotations

import base64
import functools
import hashlib
import os
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple
from functools import cache
from pathlib import Path
from urllib.parse import quote

from markupsafe import Markup, escape

from .. import cache as artifacts
from ..errors import BuildError
from ..model import Content, LocaleContent, Section
from ..options import BuildOptions
from ..resources import templates_dir
from ..write import Artifact
from .paths import brochure_stem, edition_stem

NAME = "pdf"
DESCRIPTION = ("print brochures (Letter and A4, and large print on request): tagged PDF/UA, embedded fonts, "
               "booking QR code; print-shop versions in PDF/X-4")
TEMPLATE = "pdf/brochure.html.j2"
STYLESHEET = "pdf/brochure.css.j2"


@dataclass(frozen=True)
class Paper:
    name: str  # as it appears in the file name
    size: str  # CSS page size
    bleed: str  # what the print shop trims off; only print-shop versions carry it


# 0.125 in of bleed on both papers: what US shops ask for, and a little more than the 3 mm of European ones.
PAPERS = (Paper("letter", "letter", "0.125in"), Paper("a4", "A4", "0.125in"))


@dataclass(frozen=True)
class Edition:
    """A kind of brochure: the standard one on each paper, or the large-print one for readers with low vision."""

    name: str  # as progress lines and file names give it ("" for the standard brochure)
    stylesheet: str
    role: str  # in the manifest


STANDARD = Edition("", STYLESHEET, "brochure")
# Large print (18 pt and up, one column, line spacing 1.5), Letter only: clinics print it on office printers.
LARGE_PRINT = Edition("large-print", "pdf/large-print.css.j2", "brochure-large-print")


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


@dataclass(frozen=True)
class Run:
    """Consecutive sections laid out as one block: the summary, flowing prose, or a section with a list or links."""

    kind: str  # summary | prose | fineprint | feature
    sections: tuple[Section, ...]


FINE_PRINT = ("disclaimer",)  # set full width after the prose, in muted type


def runs(sections: tuple[Section, ...]) -> list[Run]:
    """Group the sections, in order, so that prose sections share one two-column flow."""
    out: list[Run] = []
    for index, section in enumerate(sections):
        if index == 0 and not (section.heading or section.list or section.cta):
            out.append(Run("summary", (section,)))
        elif section.id in FINE_PRINT:
            out.append(Run("fineprint", (section,)))
        elif section.list or section.cta:
            out.append(Run("feature", (section,)))
        elif out and out[-1].kind == "prose":
            out[-1] = Run("prose", out[-1].sections + (section,))
        else:
            out.append(Run("prose", (section,)))
    return out


class BrochureWarning(UserWarning):
    """WeasyPrint had something to say about a brochure template (an unknown CSS property, a missing image)."""


def render(content: Content, options: BuildOptions) -> Iterator[Artifact]:
    brochures = _brochures(content, options.print_marks, options.large_print)
    if options.keep_html:
        for brochure in brochures:
            if not brochure.print_marks:
                yield Artifact(f"{brochure.stem}.html", NAME, brochure.locale, "brochure-html",
                               brochure.html.encode("utf-8"))
    for brochure, result in zip(brochures, _print(brochures)):
        yield Artifact(*brochure.part, result.pdf)


def page_counts(content: Content) -> dict[tuple[str, str], int]:
    """How many pages each standard brochure has, by (locale, paper name): the report shows them."""
    brochures = _brochures(content, print_marks=False)
    return {(b.locale, b.paper.name): result.pages for b, result in zip(brochures, _print(brochures))}


def _brochures(content: Content, print_marks: bool, large_print: bool = False) -> list[Brochure]:
    """Every brochure to print, locale by locale: each paper (and its print-shop version), then the large print."""
    logo = _logo_source(content)
    letter = PAPERS[0]
    return [
        brochure
        for locale, page in content.locales.items()
        for brochure in [
            *(Brochure(document=page.id, locale=locale, paper=paper, print_marks=marks, page=page, logo=logo)
              for paper in PAPERS for marks in ((False, True) if print_marks else (False,))),
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


class Printed(NamedTuple):
    """A printed brochure: its bytes, its page count and what WeasyPrint said about it."""

    pdf: bytes
    messages: tuple[str, ...]
    pages: int


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
        results.append(None if entry is None else Printed(entry.parts[0].data, tuple(entry.meta["messages"]),
                                                          entry.meta["pages"]))
    todo = [i for i, result in enumerate(results) if result is None]
    if todo:
        if store.progress:
            store.progress(f"printing {len(todo)} brochure{'s' * (len(todo) != 1)}: "
                           f"{', '.join(brochures[i].name for i in todo)}")

        def done(n: int) -> None:
            if store.progress:
                store.progress(f"printed {brochures[todo[n]].name} ({n + 1} of {len(todo)})")

        jobs = [(brochures[i].html, str(templates_dir() / "pdf"), brochures[i].identifier) for i in todo]
        printed = _on_print_server(jobs, done) if store.print_server else None
        if printed is None:
            from .. import printing  # WeasyPrint loads only now, when there are brochures to print here

            try:
                printed = printing.write_pdfs([printing.Job(*job) for job in jobs], fonts_css=str(_fonts_css()),
                                              done=done)
            except Exception as exc:  # WeasyPrint's layout engine can fail on content it was not tried with
                raise BuildError(f"the brochure could not be laid out ({type(exc).__name__}: {exc}); please "
                                 f"report this with the content that causes it") from exc
        for i, result in zip(todo, printed):
            store.put(keys[i], [artifacts.Part(*brochures[i].part, result.pdf)],
                      {"pages": result.pages, "messages": list(result.messages)})
            results[i] = Printed(result.pdf, tuple(result.messages), result.pages)
    emit_warnings([(brochure, message) for brochure, result in zip(brochures, results)
                   for message in result.messages])
    return results


def _valid_meta(meta: dict) -> bool:
    """Whether a cached brochure's record is one this channel writes: its page count and WeasyPrint's messages."""
    pages, messages = meta.get("pages"), meta.get("messages")
    return (type(pages) is int and pages > 0 and isinstance(messages, list)
            and all(isinstance(message, str) for message in messages))


def _on_print_server(jobs: list[tuple[str, str, bytes]], done) -> list | None:
    """The jobs printed by a print server (see `print_server`), or None to print them in this process."""
    from .. import print_server

    if not print_server.wanted():
        return None
    for problem in print_server.setting_problems():
        artifacts.current().note(problem)
    try:
        return print_server.print_jobs([print_server.Job(*job) for job in jobs], done=done)
    except print_server.Unavailable:  # whatever went wrong there, this process prints them (and says why not)
        return None


@cache
def _renderer() -> str:
    """The versions of what turns the print HTML into a PDF, read without importing it."""
    return artifacts.versions(("weasyprint", "pydyf", "fonttools", "pillow"))


def compose(page: LocaleContent, paper: Paper, print_marks: bool = False, edition: Edition = STANDARD) -> str:
    """The brochure's HTML, with its stylesheet, fonts, QR code and logo inlined.

    The HTML also names the PDF it becomes (`printing` reads it): PDF/X-4 for a print shop, else tagged PDF/UA-1.
    """
    labels = page.labels
    brand = page.brand
    booking = page.booking
    context = {
        "page": page,
        "runs": runs(page.sections),
        "brand": brand,
        "labels": labels,
        "paper": paper,
        "bleed": paper.bleed if print_marks else None,
        "colors": brand.colors,
        "fonts": _fonts_css(),
        "band_uri": _band_uri(brand.colors.primary),
        "logo": _logo_uri(brand.logo),
        "qr_code": _qr_uri(booking.url, "#000000"),  # dark on white whatever the brand: scanners need it
        "qr_alt": labels.fill(labels.qr_alt, url=booking.url),
        "session_length": labels.fill(labels.session_length, range=page.session_range),
        "draft_notice": labels.draft_notice if page.is_draft else None,
        "footer": footer(page),
        "last_reviewed": review_line(page),
        # the file's own dates: the sign-off's, else the day the text was captured; never the day it was printed
        "dated": page.review.last_reviewed or page.source.captured,
        "page_of": labels.page_of,
        "stylesheet": edition.stylesheet,
        "pdf_variant": "pdf/x-4" if print_marks else "pdf/ua-1",
    }
    html = _environment().get_template(TEMPLATE).render(context)
    _refuse_undrawable(html)
    return html


def _refuse_undrawable(html: str) -> None:
    """Stop before printing text the bundled font cannot draw: the PDF would depend on the machine's fonts.

    Validation reports such text where it is; this holds for a model that did not come through validation.
    """
    from ..validate.glyphs import describe, undrawable

    # Only non-ASCII characters can be missing; css_string writes them as CSS escapes.
    found = set(re.findall(r"[^\x00-\x7f]", html))
    found |= {chr(int(code, 16)) for code in set(re.findall(r"\\([0-9a-f]{2,6}) ", html)) if int(code, 16) > 0x7f}
    missing = undrawable("".join(sorted(found)))
    if missing:
        raise BuildError(f"the brochure's font cannot draw {', '.join(describe(c) for c in list(missing)[:5])}; "
                         f"run `dncontent validate` to see where the text is")


def review_line(page: LocaleContent) -> str | None:
    """When a clinician signed the text off, and who, for every page's footer; None for a draft, which claims no
    review (its draft notice is on every page instead)."""
    if page.is_draft:
        return None
    labels = page.labels
    parts = [labels.fill(labels.last_reviewed, date=page.date(page.review.last_reviewed))]
    if page.review.reviewed_by:
        parts.append(labels.fill(labels.reviewed_by, name=page.review.reviewed_by))
    return " \u00b7 ".join(parts)


def footer(page: LocaleContent) -> Markup:
    """Every page's footer as CSS content: the contact line and, once signed off, the review line under it."""
    review = review_line(page)
    return Markup(css_string(contact_line(page)) + (Markup(' "\\A" ') + css_string(review) if review else ""))


def contact_line(page: LocaleContent) -> str:
    """Clinic, website, phone and email: how to reach the clinic, for every page's footer."""
    brand = page.brand
    website = page.links.get("website")
    parts = [brand.name, display_url(website) if website else None, brand.phone, brand.email]
    return " \u00b7 ".join(part for part in parts if part)


def display_url(url: str) -> str:
    """An address as a reader would type it from paper: no scheme, no trailing slash. (A tel: link is shown as
    the clinic's formatted number: see LocaleContent.address.)"""
    return re.sub(r"^(https://|mailto:|tel:)", "", url).rstrip("/")


def keep_compounds(text: str) -> Markup:
    """Escaped text whose hyphenated words never break at the hyphen.

    A line that ends in "anti-" is read back as "antiinflammatory" by text extractors (and so by search and
    copy and paste); printed text loses nothing by keeping such words whole.
    """
    # Only words that fit a line: a longer one must be free to wrap.
    return Markup(re.sub(r"\b\w+(?:-\w+)+\b", lambda m: f'<span class="compound">{m.group(0)}</span>'
                         if len(m.group(0)) <= 30 else m.group(0), str(escape(text))))


def css_string(text: str) -> Markup:
    """A CSS string literal for any text: everything but letters, digits and spaces is hex-escaped."""
    escaped = "".join(c if c.isalnum() and c.isascii() or c == " " else f"\\{ord(c):x} " for c in text)
    return Markup(f'"{escaped}"')


def css_counters(template: str) -> Markup:
    """`Page {page} of {pages}` as CSS content: strings around counter(page) and counter(pages)."""
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", template):
        if piece in ("{page}", "{pages}"):
            parts.append(f"counter({piece[1:-1]})")
        elif piece:
            parts.append(css_string(piece))
    return Markup(" ".join(parts))


@cache
def _environment():
    import jinja2  # only when a brochure is composed: a build that reuses every brochure never loads it

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(templates_dir()), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.filters.update(css_string=css_string, css_counters=css_counters, display_url=display_url,
                       keep_compounds=keep_compounds)
    return env


@cache
def _fonts_css() -> Markup:
    # Inside <style>, so not HTML-escaped; it holds only our own CSS and base64.
    fonts = templates_dir() / "fonts"
    template = _environment().get_template("pdf/fonts.css.j2")
    return Markup(template.render(font_uri=lambda name: _data_uri(fonts / name)))


_MEDIA_TYPES = {".woff2": "font/woff2", ".svg": "image/svg+xml", ".png": "image/png"}


def _data_uri(path: Path) -> str:
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return f"data:{_MEDIA_TYPES[Path(path).suffix.lower()]};base64,{data}"


def _logo_uri(logo: Path | None) -> str | None:
    if logo is None:
        return None
    if not logo.is_file():
        raise BuildError(f"{logo}: the logo named in brand.yaml is missing")
    return _data_uri(logo)


def _band_uri(color: str) -> str:
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" viewBox="0 0 10 10" '
           f'preserveAspectRatio="none"><rect width="10" height="10" fill="{color}"/></svg>')
    return "data:image/svg+xml," + quote(svg)


def _qr_uri(url: str, color: str) -> str:
    import segno

    # Error level M survives a crease or a smudge; the 4-module quiet zone is part of the image.
    return segno.make(url, error="m", micro=False, boost_error=False).svg_data_uri(border=4, dark=color)


# What WeasyPrint says about an image. The template's own images (the band, the QR code) are generated and
# always load, so when the brochure has a logo, these are about the logo or what it refers to.
IMAGE_MESSAGES = ("Failed to load image", "Failed to render SVG image", "Unknown image mode",
                  "Failed to apply CSS rule in SVG")


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
            message = f"the logo {brochure.logo.name} could not be drawn as it is: {_shorten_data(message).rstrip(': ')}"
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
