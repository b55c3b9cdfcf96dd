"""Where each output lives: its path under build/, named after the document id, and its public address.

Channels link to each other's outputs (the export lists the brochures, the page names its translations), so
every path is made here, once. A public address exists only when the content gives one: brand.yaml's
`site.base_url` (where build/ is published) or a locale's page `url`; otherwise links stay relative.
"""

from __future__ import annotations

from urllib.parse import urljoin

from ..errors import BuildError
from ..model import Content, LocaleContent

ASSETS = "assets"  # beside each channel's files: html/assets/, json/assets/


def export_path(content: Content, locale: str) -> str:
    return f"json/{content.id}.{locale}.json"


def page_path(content: Content, locale: str) -> str:
    return f"html/{locale}/{content.id}.html"


def brochure_stem(document: str, locale: str, paper: str, print_marks: bool = False) -> str:
    return f"pdf/{document}.{locale}.{paper}" + (".print" if print_marks else "")


def edition_stem(document: str, locale: str, edition: str) -> str:
    """A brochure edition printed on one paper only, named after the edition: pdf/<id>.<locale>.large-print."""
    return f"pdf/{document}.{locale}.{edition}"


def logo_path(content: Content, channel: str) -> str | None:
    """Where `channel` keeps its copy of the brand's logo, or None without a logo.

    Each channel's folder carries its own copy (as html/ carries its fonts), so it can be published alone.
    """
    logo = content.brand.logo
    return None if logo is None else f"{channel}/{ASSETS}/{logo.name}"


def logo_bytes(content: Content) -> bytes:
    assert content.brand.logo is not None  # asked only when brand.yaml names a logo (logo_path)
    try:
        return content.brand.logo.read_bytes()
    except OSError as exc:
        raise BuildError(
            f"{content.brand.logo}: the logo named in brand.yaml cannot be read ({exc.strerror})"
        ) from None


def relative(path: str, start: str) -> str:
    """`path` as a link from the file at `start` (both under build/).

    Worked out from the paths alone: posixpath.relpath would consult the working folder, which a build with
    absolute paths does not need (and which may have been deleted).
    """
    target, folder = path.split("/"), start.split("/")[:-1]
    common = 0
    while common < min(len(target) - 1, len(folder)) and target[common] == folder[common]:
        common += 1
    return "/".join([".."] * (len(folder) - common) + target[common:])


def public_url(content: Content, path: str) -> str | None:
    """The public address of the output at `path`, if the content says where the build is published."""
    base = content.brand.base_url
    return None if base is None else urljoin(base, path)


def page_url(content: Content, page: LocaleContent) -> str | None:
    """The page's canonical address: its own `url`, else where the build publishes it, else None."""
    return page.url or public_url(content, page_path(content, page.locale))


def link(content: Content, target: str, start: str) -> str:
    """A link from `start` to the output at `target`: its public address when there is one, else relative."""
    return public_url(content, target) or relative(target, start)
