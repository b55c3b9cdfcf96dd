"""Fingerprints of unit text: short, stable, and blind to how the YAML happens to wrap a paragraph."""

from __future__ import annotations

import hashlib
import unicodedata


def normalise(text: str) -> str:
    """The text as a reader meets it: Unicode NFC, runs of spaces and line breaks as one space, no edges."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def fingerprint(text: str) -> str:
    """12 hex digits of the SHA-256 of the normalised text: enough to tell any two versions of a unit apart."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:12]
