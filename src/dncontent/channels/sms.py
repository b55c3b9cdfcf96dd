"""SMS channel (not yet rendered)."""
from __future__ import annotations

NAME = "sms"
DESCRIPTION = "sms"


def render(content, options):
    return iter(())
