"""Printing brochures: their HTML composed from the model, and that HTML printed to PDF by WeasyPrint.

    compose  the print HTML, its papers and editions, fonts inlined (Jinja2; no WeasyPrint)
    render   WeasyPrint, imported only when a brochure is printed: by a build, or by the print server
    server   the print server, `render` kept loaded between builds; and the builds' client for it

Imports go one way: `server` loads `render` and `compose`, and nothing here imports a channel (the PDF
channel, `channels/pdf.py`, imports this package). A job and what comes back are the same here and on the
print server, so a brochure prints to the same bytes in either.
"""

from __future__ import annotations

from typing import NamedTuple


class Job(NamedTuple):
    """One brochure to print: its self-contained print HTML, and the permanent half of its PDF /ID."""

    html: str
    base_url: str  # where relative URLs in the HTML resolve (the brochure's own are all data: URIs)
    identifier: bytes


class Printed(NamedTuple):
    """A printed brochure: its bytes, its page count and what WeasyPrint said about it."""

    pdf: bytes
    messages: tuple[str, ...]  # what WeasyPrint logged at warning level or above
    pages: int


class Cancelled(Exception):
    """The brochures being printed are no longer wanted (see `ArtifactCache.cancelled`); nothing was stored."""
