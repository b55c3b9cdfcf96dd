"""Channels: one module per output format, each rendering the same model into artifacts.

A channel module exposes `NAME`, `DESCRIPTION` and `render(content, options) -> Iterable[Artifact]`.
Heavy libraries (WeasyPrint) are imported inside `render`, so choosing a channel costs nothing until it runs.
Adding a channel means adding its module and one entry here.
"""
from __future__ import annotations

from . import html, json, pdf, sms

CHANNELS = {module.NAME: module for module in (json, html, sms, pdf)}
