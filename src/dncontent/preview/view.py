"""What the preview page shows: a snapshot's artifacts sorted into panels per locale, ready for the template."""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..errors import hinted_once
from ..write import Artifact
from .state import Snapshot


@dataclass(frozen=True)
class Frame:
    """An artifact shown in an iframe or linked to: its URL in the preview and its name, e.g. `risks`."""

    url: str
    path: str
    name: str
    key: str = ""  # digest of what it shows, for frames swapped one by one


@dataclass(frozen=True)
class Bubble:
    """One text message as a phone would show it, with the numbers that decide what it costs."""

    id: str
    description: str
    text: str
    encoding: str  # GSM-7 or UCS-2
    characters: int
    septets: int | None  # None for UCS-2
    code_units: int | None  # None for GSM-7
    segments: int
    budget: int | None


@dataclass
class LocaleView:
    locale: str
    title: str
    draft: bool = False
    page: list[Frame] = field(default_factory=list)
    snippets: list[Frame] = field(default_factory=list)
    brochures: list[Frame] = field(default_factory=list)
    sms_sender: str = ""
    sms: list[Bubble] = field(default_factory=list)
    sms_note: str = ""
    json_text: str = ""
    json_file: Frame | None = None
    reading: object = None  # state.Reading: the sections' reading scores
    keys: dict[str, str] = field(default_factory=dict)  # panel -> digest of what it shows, to skip unchanged ones

    def panel_ids(self) -> list[str]:
        """The ids of this locale's swappable elements, in the order the template writes them."""
        return (
            [f"{self.locale}-{name}" for name in ("page", "sms")]
            + [self.snippet_id(f) for f in self.snippets]
            + [f"{self.locale}-{name}" for name in ("brochure", "json")]
        )

    def snippet_id(self, frame: Frame) -> str:
        return f"{self.locale}-snippet-{re.sub(r'[^a-z0-9]+', '-', frame.name.lower())}"


def _frame(artifact: Artifact, key: str = "") -> Frame:
    return Frame(f"/files/{artifact.path}", artifact.path, PurePosixPath(artifact.path).stem, key)


def _digest(*parts: object) -> str:
    h = hashlib.blake2b(digest_size=8)
    for part in parts:
        h.update(part if isinstance(part, bytes) else repr(part).encode())
    return h.hexdigest()


def _is_page(artifact: Artifact) -> bool:
    """The full web page; the channel's other HTML files are snippets for pasting into other pages."""
    return artifact.role == "page"


def locale_views(snapshot: Snapshot) -> list[LocaleView]:
    views = []
    for locale, title in snapshot.locales.items():
        view = LocaleView(locale, title, locale in snapshot.drafts, reading=snapshot.reading.get(locale))
        mine = [a for a in snapshot.artifacts.values() if a.locale == locale]  # in the order channels made them
        html = [a for a in mine if a.format == "html" and a.path.endswith(".html")]
        # Stylesheets and fonts change how every page and snippet looks, so they count towards their keys.
        styles = [a.data for a in snapshot.artifacts.values() if a.format == "html" and not a.path.endswith(".html")]
        view.page = [_frame(a) for a in html if _is_page(a)]
        view.snippets = [_frame(a, _digest(a.data, *styles)) for a in html if not _is_page(a)]
        pdfs = [a for a in mine if a.format == "pdf" and a.path.endswith(".pdf")]
        view.brochures = [_frame(a) for a in pdfs]
        sms = [a for a in mine if a.format == "sms"]
        view.sms_sender, view.sms, view.sms_note = _messages(sms)
        exports = [a for a in mine if a.format == "json" and a.path.endswith(".json")]
        if exports:
            view.json_file = _frame(exports[0])
            view.json_text = _pretty(exports[0].data)
        failed = snapshot.failed
        view.keys = {
            "page": _digest("html" in failed, view.reading, *(a.data for a in html if _is_page(a)), *styles),
            "sms": _digest("sms" in failed, *(a.data for a in sms)),
            "brochure": _digest("pdf" in failed, snapshot.background, *(a.data for a in pdfs)),
            "json": _digest("json" in failed, *(a.data for a in exports)),
        }
        views.append(view)
    return views


def _pretty(data: bytes) -> str:
    text = data.decode("utf-8", errors="replace")
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


def _messages(artifacts: list[Artifact]) -> tuple[str, list[Bubble], str]:
    """The sender, the messages and a note, from the measurements file the SMS channel writes per locale."""
    sidecar = next((a for a in artifacts if a.role == "sidecar"), None)
    if sidecar is None:
        return "", [], "The text message channel produced no messages for this locale."
    try:
        document = json.loads(sidecar.data)
        bubbles = [
            Bubble(
                m["id"],
                m.get("description") or "",
                m["text"],
                m["encoding"],
                m["characters"],
                m.get("septets"),
                m.get("code_units"),
                m["segments"],
                m.get("budget"),
            )
            for m in document["messages"]
        ]
    except (ValueError, KeyError, TypeError) as exc:
        return "", [], f"{sidecar.path} could not be read: {exc!r}"
    return document.get("sender", ""), bubbles, ""


def status(snapshot: Snapshot) -> tuple[str, str]:
    """The state word for CSS and the sentence the header shows."""
    if snapshot.rebuilding:
        return "busy", "Rebuilding…"
    count = snapshot.error_count
    if count:
        return "error", f"{count} problem{'s' * (count != 1)}"
    when = time.strftime("%H:%M:%S", time.localtime(snapshot.built_at))
    if snapshot.background == "rendering":
        return "busy", f"Updated {when} · brochure rendering…"
    return "ok", f"Up to date · {when}"


def context(snapshot: Snapshot, content_label: str) -> dict:
    """Everything the preview template needs.

    Each panel carries a key that changes only when what it shows changes, and the page a layout key naming
    its panels: the page's script swaps only the panels whose key changed, so the others keep their scroll.
    """
    state, message = status(snapshot)
    locales = locale_views(snapshot)
    files = sorted(snapshot.artifacts.values(), key=lambda a: a.path)
    panels = [panel for view in locales for panel in view.panel_ids()]
    if snapshot.problems or snapshot.failures:
        panels.insert(0, "problems")
    if snapshot.notes:
        panels.insert(0, "notes")
    if files:
        panels.append("files")
    return {
        "version": snapshot.version,
        "state": state,
        "status_message": message,
        "content_label": content_label,
        "background": snapshot.background,
        "locales": locales,
        "failed": snapshot.failed,
        "problems": snapshot.problems,
        "failures": snapshot.failures,
        "problems_key": _digest([p.format() for p in snapshot.problems], [f.detail for f in snapshot.failures]),
        "notes": hinted_once(snapshot.notes),
        "notes_key": _digest([p.format() for p in snapshot.notes]),
        "warning_count": sum(1 for p in snapshot.notes if p.severity == "warning"),
        "layout": _digest(panels, sorted(snapshot.failed)),
        "shared": [_frame(a) for a in files if a.locale is None and a.format != "html"],
        "files": [(_frame(a), a.format, len(a.data)) for a in files],
        "files_key": _digest([(a.path, a.data) for a in files]),
    }
