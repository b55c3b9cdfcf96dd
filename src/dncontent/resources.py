"""Where the shipped templates and schemas live: inside the wheel, or at the top of a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def resource_dir(name: str) -> Path:
    """`templates` or `schemas`: the copy packed into the wheel, else the checkout's top-level folder."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"dncontent is installed without its {name}/ folder")


def schemas_dir() -> Path:
    return resource_dir("schemas")


def templates_dir() -> Path:
    return resource_dir("templates")
