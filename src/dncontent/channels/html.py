"""HTML channel: the standalone patient page per locale, embeddable snippets, and the snippets' scoped stylesheet."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from typing import NamedTuple

from markupsafe import Markup

from ..errors import BuildError
from ..model import Content, Cta, LocaleContent, Section
from ..options import BuildOptions
from ..resources import templates_dir
from ..write import Artifact
from . import paths, render_cached

NAME = "html"
DESCRIPTION = "standalone web page and embeddable snippets per locale, with schema.org health metadata"

# Snippet -> the page sections it carries, for site builders who place the page in parts.
# A section not named here travels with the section before it, so every section is in some snippet.
SNIPPETS = {
    "overview": ("introduction", "what-it-is", "acupuncture", "how-it-works", "session-overview"),
    "conditions": ("benefits",),
    "risks": ("risks",),
    "what-to-expect": ("what-to-expect",),
    "who-it-suits": ("who-it-suits", "primary-care"),
    "cta": ("find-practitioner", "closing"),
    "disclaimer": ("disclaimer",),
}
CTA_SNIPPET = "cta"
# Lists patients must not skim past: shown as callouts.
CALLOUT_LISTS = ("risks", "contraindications")
# Atkinson Hyperlegible, drawn for low-vision readers; the page falls back to system fonts without them.
FONTS = tuple(
    f"atkinson-hyperlegible-{subset}-{weight}-normal.woff2"
    for subset in ("latin", "latin-ext")
    for weight in (400, 700)
)


OPTIONS = ("heading_level",)  # the build options that change what this channel writes


def reads(page: LocaleContent) -> LocaleContent:
    """The part of a locale's model the page and snippets show: all but the text messages and file names."""
    return page._replace(sms=(), files={})


def shared_inputs(content: Content) -> str:
    """The stylesheet, the fonts and the logo's copy depend on the brand's colours and logo alone (and on the
    templates)."""
    from ..cache import file_digest

    return repr((content.brand.colors, str(content.brand.logo), file_digest(content.brand.logo)))


def render(content: Content, options: BuildOptions) -> Iterator[Artifact]:
    return iter(render_cached(NAME, content, options))


def render_shared(content: Content, options: BuildOptions) -> Iterator[Artifact]:
    """What every locale's pages share: the snippets' stylesheet and the fonts with their licence."""
    stylesheet = environment().get_template("snippets.css").render(colors=content.brand.colors)
    yield Artifact("html/dncontent-snippets.css", NAME, None, "stylesheet", stylesheet.encode("utf-8"))
    fonts = templates_dir() / "fonts"
    for font in FONTS:
        yield Artifact(f"html/fonts/{font}", NAME, None, "font", (fonts / font).read_bytes())
    yield Artifact("html/fonts/OFL.txt", NAME, None, "license", (fonts / "OFL.txt").read_bytes())
    logo = paths.logo_path(content, NAME)
    if logo is not None:
        yield Artifact(logo, NAME, None, "logo", paths.logo_bytes(content))


def files(content: Content, locale: str | None, options: BuildOptions) -> list[tuple[str, str]]:
    """(path, role) of each file render_locale writes for `locale` (render_shared for None), in order."""
    if locale is None:
        logo = paths.logo_path(content, NAME)
        return [
            ("html/dncontent-snippets.css", "stylesheet"),
            *((f"html/fonts/{font}", "font") for font in FONTS),
            ("html/fonts/OFL.txt", "license"),
            *([(logo, "logo")] if logo else []),
        ]
    return [
        (page_path(content, locale), "page"),
        *((snippet_path(locale, name), "snippet") for name in snippet_sections(content.locales[locale])),
    ]


def render_locale(content: Content, locale: str, options: BuildOptions) -> Iterator[Artifact]:
    """One locale's page and its snippets."""
    env = environment()
    page = content.locales[locale]
    stylesheet = env.get_template("snippets.css").render(colors=content.brand.colors)
    page_css = env.get_template("page.css").render(colors=content.brand.colors, fonts=FONTS)
    logo = paths.logo_path(content, NAME)
    common = {
        "page": page,
        "brand": page.brand,
        "labels": page.labels,
        "cta_name": cta_name,
        "callout_lists": CALLOUT_LISTS,
        "stylesheet": Markup(stylesheet),
    }
    html = env.get_template("page.html").render(
        **common,
        page_css=Markup(page_css),
        alternates=alternates(content, locale),
        canonical=paths.page_url(content, page),
        logo=paths.relative(logo, page_path(content, locale)) if logo else None,
        health_metadata=json_ld(health_metadata(page, content)),
        last_reviewed=None
        if page.is_draft or page.review.last_reviewed is None
        else page.date(page.review.last_reviewed),
        next_review=None if page.is_draft or page.review.next_review is None else page.date(page.review.next_review),
    )
    yield Artifact(page_path(content, locale), NAME, locale, "page", html.encode("utf-8"))
    for name, sections in snippet_sections(page).items():
        snippet = env.get_template("snippet.html").render(
            **common,
            name=name,
            sections=sections,
            level=options.heading_level,
            extra_cta=unplaced_cta(page, sections) if name == CTA_SNIPPET else (),
        )
        yield Artifact(snippet_path(locale, name), NAME, locale, "snippet", snippet.encode("utf-8"))


@cache
def environment():
    # Autoescape on for every .html template: content is text, and markup typed in YAML must never run.
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape  # only when rendering

    env = Environment(
        loader=FileSystemLoader(templates_dir() / "html"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["url"] = link_target
    return env


def link_target(url: str) -> str:
    """`url`, if it is a kind of link a patient page may carry: https, tel: or mailto:."""
    if not url.startswith(("https://", "tel:", "mailto:")):
        raise BuildError(f"refusing to link to {url!r}: only https://, tel: and mailto: links are allowed")
    return url


def snippet_sections(page: LocaleContent) -> dict[str, list[Section]]:
    """Each snippet's sections, in page order."""
    home = {section_id: name for name, ids in SNIPPETS.items() for section_id in ids}
    groups: dict[str, list[Section]] = {name: [] for name in SNIPPETS}
    current = next(iter(SNIPPETS))
    for section in page.sections:
        current = home.get(section.id, current)
        groups[current].append(section)
    return groups


def unplaced_cta(page: LocaleContent, sections: list[Section]) -> list[str]:
    """Ids of the calls to action none of `sections` links to, so the CTA snippet still offers every one."""
    placed = {cta_id for section in sections for cta_id in section.cta}
    return [cta.id for cta in page.cta if cta.id not in placed]


def cta_name(cta: Cta) -> tuple[str, str]:
    """A link's visible label and the visually hidden rest of its accessible name, the description.

    The name must contain the visible label (WCAG 2.5.3, label in name), so a description that does not
    begin with the label is read after it.
    """
    if cta.description[: len(cta.label)].casefold() == cta.label.casefold():
        return cta.label, cta.description[len(cta.label) :]
    return cta.label, f": {cta.description}"


class Alternate(NamedTuple):
    locale: str
    name: str  # the language's own name, for the switcher
    href: str


def page_path(content: Content, locale: str) -> str:
    return paths.page_path(content, locale)


def snippet_path(locale: str, name: str) -> str:
    return f"html/{locale}/snippets/{name}.html"


def alternates(content: Content, locale: str) -> list[Alternate]:
    """Every locale's page as seen from `locale`'s page, the source locale first; none when there is one locale.

    An href is the other page's public address when the content gives one; otherwise it is relative, so it
    resolves inside build/ wherever that is served from.
    """
    if len(content.locales) < 2:
        return []
    return [
        Alternate(
            other,
            content.locales[other].language_name,
            paths.page_url(content, content.locales[other])
            or paths.relative(page_path(content, other), page_path(content, locale)),
        )
        for other in content.in_order()
    ]


def health_metadata(page: LocaleContent, content: Content) -> dict:
    """schema.org MedicalWebPage about the therapy, from the same content the page shows."""
    clinic = {"@type": "Organization", "name": page.brand.name}
    phases = {phase.id: phase.text for phase in page.session_phases}
    therapy = {
        "@type": "MedicalTherapy",
        "name": page.topic,
        "description": " ".join(page.section("introduction").paragraphs),
        "adverseOutcome": [{"@type": "MedicalEntity", "name": item.label} for item in page.risks],
        "contraindication": [
            {"@type": "MedicalContraindication", "name": item.label} for item in page.contraindications
        ],
        "preparation": phases.get("before"),
        "howPerformed": phases.get("during"),
        "followup": " ".join(phases[key] for key in ("after", "results") if key in phases) or None,
    }
    document: dict = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": page.title,
        "url": paths.page_url(content, page),
        "inLanguage": page.locale,
        # a draft claims no review: only a clinician's recorded sign-off gives these
        "lastReviewed": None if page.is_draft else page.review.last_reviewed,
        "reviewedBy": None
        if page.is_draft or not page.review.reviewed_by
        else {"@type": "Person", "name": page.review.reviewed_by},
        "medicalAudience": "https://schema.org/Patient",
        "about": {key: value for key, value in therapy.items() if value},
        "author": clinic,
        "publisher": clinic,
    }
    if len(content.locales) > 1:
        others = [alt for alt in alternates(content, page.locale) if alt.locale != page.locale]
        work = lambda alt: {  # noqa: E731
            "@type": "MedicalWebPage",
            "inLanguage": alt.locale,
            "url": alt.href,  # noqa: E731
            "name": content.locales[alt.locale].title,
        }
        if page.locale == content.source_locale:
            document["workTranslation"] = [work(alt) for alt in others]
        elif content.source_locale in content.locales:
            document["translationOfWork"] = next(work(alt) for alt in others if alt.locale == content.source_locale)
    return {key: value for key, value in document.items() if value}


def json_ld(document: dict) -> Markup:
    """JSON for a <script> element: <, > and & escaped, so no text in it can close the element."""
    text = json.dumps(document, ensure_ascii=False, indent=2)
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))
