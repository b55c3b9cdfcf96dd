"""Preview: a local server showing every channel live as content and templates change."""
from __future__ import annotations

from pathlib import Path


def serve(content: Path, templates: Path | None, host: str, port: int, open_browser: bool) -> None:
    raise NotImplementedError
