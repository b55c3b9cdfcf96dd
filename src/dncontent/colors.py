"""Colour contrast as WCAG 2.2 measures it, so a channel can refuse brand colours people cannot read."""

from __future__ import annotations

AA_TEXT = 4.5  # WCAG 2.2 SC 1.4.3, body-size text
# Every (text, background) pair of brand colours the page, snippets and brochure set text in.
TEXT_PAIRS = (
    ("text", "background"),
    ("muted", "background"),
    ("primary", "background"),
    ("text", "surface"),
    ("muted", "surface"),
    ("primary", "surface"),
    ("on_primary", "primary"),
)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_color: str) -> float:
    """Relative luminance of a #rrggbb colour, 0 (black) to 1 (white)."""
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(foreground: str, background: str) -> float:
    """Contrast ratio between two #rrggbb colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
