"""The brochure's print HTML, composed from the model: text, stylesheet, fonts, QR code and logo all inlined.

Pure composition (Jinja2, markupsafe, segno): nothing here imports WeasyPrint, so the export can name the
papers, and a build can key its cache on the HTML, without loading the renderer.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import quote

from markupsafe import Markup, escape

from ..errors import BuildError
from ..model import LocaleContent, Section
from ..resources import templates_dir

TEMPLATE = "pdf/brochure.html.j2"
STYLESHEET = "pdf/brochure.css.j2"


@dataclass(frozen=True)
class Paper:
    name: str  # as it appears in the file name
    size: str  # CSS page size
    bleed: str  # what the print shop trims off; only print-shop versions carry it


# 0.125 in of bleed on both papers: what US shops ask for, and a little more than the 3 mm of European ones.
PAPERS = (Paper("letter", "letter", "0.125in"), Paper("a4", "A4", "0.125in"))


def papers_named(names: tuple[str, ...]) -> tuple[Paper, ...]:
    """The papers a build asked for by name (BuildOptions.papers), in PAPERS' order; no names, every paper."""
    return tuple(paper for paper in PAPERS if not names or paper.name in names)


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


def compose(page: LocaleContent, paper: Paper, print_marks: bool = False, edition: Edition = STANDARD) -> str:
    """The brochure's HTML, with its stylesheet, fonts, QR code and logo inlined.

    The HTML also names the PDF it becomes (`render` reads it): PDF/X-4 for a print shop, else tagged PDF/UA-1.
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
        "fonts": fonts_css(),
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
    found |= {chr(int(code, 16)) for code in set(re.findall(r"\\([0-9a-f]{2,6}) ", html)) if int(code, 16) > 0x7F}
    missing = undrawable("".join(sorted(found)))
    if missing:
        raise BuildError(
            f"the brochure's font cannot draw {', '.join(describe(c) for c in list(missing)[:5])}; "
            f"run `dncontent validate` to see where the text is"
        )


def review_line(page: LocaleContent) -> str | None:
    """When a clinician signed the text off, and who, for every page's footer; None for a draft, which claims no
    review (its draft notice is on every page instead)."""
    if page.is_draft:
        return None
    assert page.review.last_reviewed is not None  # approved: the sign-off's date
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
    return Markup(
        re.sub(
            r"\b\w+(?:-\w+)+\b",
            lambda m: f'<span class="compound">{m.group(0)}</span>' if len(m.group(0)) <= 30 else m.group(0),
            str(escape(text)),
        )
    )


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

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()), autoescape=True, undefined=jinja2.StrictUndefined
    )
    env.filters.update(
        css_string=css_string, css_counters=css_counters, display_url=display_url, keep_compounds=keep_compounds
    )
    return env


@cache
def fonts_css() -> Markup:
    """The bundled fonts' @font-face rules, inlined: every brochure carries them, and the renderer loads them once."""
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
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" viewBox="0 0 10 10" '
        f'preserveAspectRatio="none"><rect width="10" height="10" fill="{color}"/></svg>'
    )
    return "data:image/svg+xml," + quote(svg)


@lru_cache(maxsize=8)
def _qr_uri(url: str, color: str) -> str:
    import segno

    # Error level M survives a crease or a smudge; the 4-module quiet zone is part of the image.
    return segno.make(url, error="m", micro=False, boost_error=False).svg_data_uri(border=4, dark=color)
