"""PDF channel (not yet rendered)."""
from __future__ import annotations

NAME = "pdf"
DESCRIPTION = "pdf"


def render(content, options):
    return iter(())
