"""The clinic's approved page split into what must reach every full channel: headings, sentences, list items."""

from __future__ import annotations

import re
from pathlib import Path

PAGE = Path(__file__).resolve().parent / "data" / "approved-page.txt"
CHROME = {"top of page", "bottom of page"}
LINK_LINES = {"Contact | Jubilant Therapy Services", "Book Online | Jubilant Therapy Services"}
_TYPOGRAPHY = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2014": "-",
        "\u2013": "-",
        "\u00a0": " ",
        "\u2026": "...",
        "\u00ad": None,
    }
)


def normalize(text: str) -> str:
    """Compare text 'typography aside': straight quotes and hyphens, single spaces, no soft hyphens."""
    text = text.translate(_TYPOGRAPHY)
    text = re.sub(r"\s*-\s*", "-", text)  # a dash may be spaced or not, and may start a new line in a PDF
    return re.sub(r"\s+", " ", text).strip()


def units() -> list[tuple[str, str]]:
    """(kind, text) for every heading, sentence and list item of the approved page, in order."""
    out: list[tuple[str, str]] = []
    for raw in PAGE.read_text("utf-8").splitlines():
        line = raw.strip()
        if not line or line in CHROME or line in LINK_LINES:
            continue
        bullet = re.match(r"^(?:-|\u2022)\s+(.*)$", line)
        if bullet:
            body = bullet.group(1).strip()
            # the session phases are paragraphs written as bullets: check them sentence by sentence
            if len(body) > 120:
                out += [("sentence", s) for s in sentences(body)]
            else:
                out.append(("item", body))
        elif not line.endswith(".") and not line.endswith(":") and len(line) < 70:
            out.append(("heading", line))
        else:
            out += [("sentence", s) for s in sentences(line)]
    return out


def sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.?!:])\s+(?=[A-Z])", paragraph) if s.strip()]


def missing_from(text: str) -> list[str]:
    """The approved units not found in `text` (compared after normalize)."""
    haystack = normalize(text)
    return [f"{kind}: {unit}" for kind, unit in units() if normalize(unit) not in haystack]
