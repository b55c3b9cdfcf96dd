"""HTML channel (not yet rendered)."""
from __future__ import annotations

NAME = "html"
DESCRIPTION = "html"


def render(content, options):
    return iter(())
