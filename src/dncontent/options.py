"""What a build was asked to do: the options object the CLI fills and the Python API takes."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

# The papers the standard brochure is printed on, as file names give them (printing.compose.PAPERS has their
# sizes); named here so that the command line can offer them without loading the printing code.
PAPER_NAMES = ("letter", "a4")


class BuildOptions(NamedTuple):
    content: Path = Path("content")
    out: Path = Path("build")
    formats: tuple[str, ...] = ()  # empty: every channel
    locales: tuple[str, ...] = ()  # empty: every locale
    heading_level: int = 2  # level of a snippet's own heading, so it nests under the host page's h1
    keep_html: bool = False  # write each brochure's print HTML beside its PDF
    print_marks: bool = False  # also write print-shop brochures with bleed and crop marks
    large_print: bool = False  # also write a large-print brochure per locale
    papers: tuple[str, ...] = ()  # paper sizes of the standard brochures (letter, a4); empty: every one
    no_cache: bool = False  # render everything, neither reading nor filling the artifact cache
    cache_dir: Path | None = None  # where the artifact cache lives; None: the default (see cache.py)
    release: bool = False  # publish: refuse what may not ship yet, render from scratch (see release.py)
    allow_draft: tuple[str, ...] = ()  # locales a release may publish as drafts, with their draft notices
