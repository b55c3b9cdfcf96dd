"""The preview page's HTML, rendered from the Jinja2 templates kept beside this module."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .state import Snapshot
from .view import context

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def _environment():
    import jinja2

    # Everything shown comes from content or from a channel's output: escape all of it.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


class Shell:
    """Renders the whole preview page, and the live part of it that the page's script fetches after a change."""

    def __init__(self, content_label: str):
        self.content_label = content_label

    def page(self, snapshot: Snapshot) -> str:
        return _environment().get_template("preview.html.j2").render(context(snapshot, self.content_label))

    def view(self, snapshot: Snapshot) -> str:
        return _environment().get_template("live.html.j2").render(context(snapshot, self.content_label))
