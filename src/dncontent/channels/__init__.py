"""Channels: one module per output format, each rendering the same model into artifacts.

A channel module exposes `NAME`, `DESCRIPTION` and `render(content, options) -> Iterable[Artifact]`.
The registry names modules rather than importing them, so `dncontent validate` and `--help` never pay for a
channel's libraries (WeasyPrint takes most of a second). Adding a channel means adding its module and one
entry here.
"""
from __future__ import annotations

import importlib
from types import ModuleType

CHANNELS = {
    "json": "dncontent.channels.json",
    "html": "dncontent.channels.html",
    "sms": "dncontent.channels.sms",
    "pdf": "dncontent.channels.pdf",
}


def channel(name: str) -> ModuleType:
    """The channel module registered under `name`, imported on first use."""
    return importlib.import_module(CHANNELS[name])
