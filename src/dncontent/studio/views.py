"""What the studio shows: the page, the form of one kind of file, and the live side (preview and governance)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from markupsafe import Markup

from ..load.files import LOCALE_KINDS, SHARED_KINDS
from ..preview.view import locale_views, status
from ..write import Artifact
from . import brochure, marks
from .form import Column, make_form, text_of
from .schemas import file_schema
from .session import Studio

TEMPLATES = Path(__file__).resolve().parent / "templates"
KINDS = SHARED_KINDS + LOCALE_KINDS  # translation.yaml is dncontent's own: shown as marks, never as a form
LANGUAGES = {"en": "English", "es": "Spanish"}
# Characters a one-line field shows whole in half the form's width (1280 px wide); a row of locales with a longer
# value wraps its text instead of cutting it off.
WRAP_AFTER = 28


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


@cache
def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["digest"] = _digest
    env.filters["plain_help"] = plain_help
    env.filters["json"] = lambda value: Markup.escape(json.dumps(value, ensure_ascii=False))
    env.globals["WRAP_AFTER"] = WRAP_AFTER
    return env


class Views:
    def __init__(self, studio: Studio):
        self.studio = studio
        self._looked_at = ""  # the text of the field the brochure beside the form was last shown for

    # -- the form ---------------------------------------------------------------------------------------------

    def _choice(self, query: dict) -> tuple[str, str | None, str | None]:
        """(kind shown, source locale, locale beside it)."""
        studio = self.studio
        files = studio.files()
        kind, wanted = query.get("file", ""), query.get("beside")
        if kind in files:  # a file's own path, as a message names it: es/session.yaml
            locale, kind = files[kind]
            wanted = locale if wanted is None else wanted
        kind = kind if kind in KINDS else "risks"
        locales = sorted({locale for locale, _ in files.values() if locale})
        source = marks.the_source_locale(studio.checked.files) if locales else None
        others = [locale for locale in locales if locale != source]
        beside = wanted if wanted in others else (others[0] if others else None)
        return kind, source, beside

    def _form(self, query: dict):
        studio = self.studio
        kind, source, beside = self._choice(query)
        if kind in SHARED_KINDS:
            columns = [Column(None, f"{kind}.yaml", "All locales", True)]
        else:
            columns = [Column(source, f"{source}/{kind}.yaml", _language(source), True)]
            if beside:
                columns.append(Column(beside, f"{beside}/{kind}.yaml", _language(beside)))
        files = studio.files()
        columns = [column for column in columns if column.file in files]
        documents = {column.file: studio.data(column.file) for column in columns}
        field_marks = marks.field_marks(studio.checked.files) if studio.checked.content is not None else {}
        return make_form(kind, columns, documents, field_marks, studio.digests(files)), source, beside

    def _context(self, query: dict) -> dict:
        form, source, beside = self._form(query)
        studio = self.studio
        locales = sorted({locale for locale, _ in studio.files().values() if locale})
        nav = [
            (
                kind,
                file_schema(kind).get("title", kind),
                f"{kind}.yaml" if kind in SHARED_KINDS else f"<locale>/{kind}.yaml",
            )
            for kind in KINDS
        ]
        return {
            "form": form,
            "source": source,
            "beside": beside,
            "nav": nav,
            "token": studio.token,
            "content_label": f"{studio.root}/",
            "others": [loc for loc in locales if loc != source],
            "languages": {loc: _language(loc) for loc in locales},
            "digests_json": form.digests,
        }

    def page(self, query: dict) -> str:
        context = self._context(query)
        context.update(self._side_context({"locale": context["source"] or ""}))
        return _environment().get_template("studio.html.j2").render(context)

    def form(self, query: dict) -> str:
        return _environment().get_template("form.html.j2").render(self._context(query))

    # -- the side: governance and every channel -----------------------------------------------------------------

    def _side_context(self, query: dict) -> dict:
        studio = self.studio
        checked = studio.checked
        snapshot = studio.preview.snapshot
        views = {view.locale: view for view in locale_views(snapshot)}
        locale = query.get("locale") if query.get("locale") in views else next(iter(views), None)
        view = views.get(locale) if locale is not None else None
        if locale is not None:
            studio.preview.focus = locale  # the brochure the editor looks at prints first after each save
        kind = query.get("field_kind", "")
        rel = f"{query['field_locale']}/{kind}.yaml" if query.get("field_locale") else f"{kind}.yaml"
        text = self._field_text(rel, query.get("path", ""))
        self._looked_at = text or ""
        found = None
        pdf = None
        if view is not None and view.brochures:
            pdf = snapshot.artifacts.get(view.brochures[0].path)
            if pdf is not None:
                found = brochure.find(pdf.data, text or "")
        state, message = status(snapshot)
        return {
            "view": view,
            "preview_locale": locale,
            "preview_locales": list(views),
            "field_text": text or "",
            "needle": brochure.needle(text or ""),
            "found": found,
            "pdf": pdf,
            "pdf_key": hashlib.sha256(pdf.data).hexdigest()[:16] if pdf is not None else "",
            "background": snapshot.background,
            "state": state,
            "status_message": message,
            "verdict": marks.release_verdict(checked.problems),
            "statuses": marks.locale_statuses(checked.files, checked.content) if checked.content is not None else [],
            "problems": [p for p in checked.problems if p.severity == "error"],
            "languages": {loc: _language(loc) for loc in views},
        }

    def side(self, query: dict) -> str:
        return _environment().get_template("side.html.j2").render(self._side_context(query))

    def _field_text(self, rel: str, path: str) -> str | None:
        try:
            parts = tuple(json.loads(path)) if path else ()
        except ValueError:
            return None
        value = text_of(self.studio.data(rel), parts) if rel in self.studio.files() else None
        return str(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None

    def draw_ahead(self, artifacts: Mapping[str, Artifact]) -> None:
        """Find and draw the page of a brochure just printed that holds the field looked at, before the browser
        asks for it (the preview calls this as it shows the brochure)."""
        for artifact in artifacts.values():
            if artifact.path.endswith(".pdf"):
                found = brochure.find(artifact.data, self._looked_at)
                brochure.page_png(artifact.data, found.page, found.boxes)

    def brochure_png(self, query: dict) -> bytes | None:
        snapshot = self.studio.preview.snapshot
        artifact = snapshot.artifacts.get(query.get("artifact", ""))
        if artifact is None or not artifact.path.endswith(".pdf"):
            return None
        found = brochure.find(artifact.data, query.get("find", ""))
        return brochure.page_png(artifact.data, found.page, found.boxes)


def plain_help(text: str) -> str:
    """A schema description without the file path it starts with, as a sentence."""
    text = re.sub(r"^content/\S+: ", "", text or "")
    return text[:1].upper() + text[1:]


def _language(locale: str | None) -> str:
    if locale is None:
        return "All locales"
    try:
        from babel import Locale

        name = Locale.parse(locale.replace("-", "_")).get_display_name("en")
    except Exception:
        name = LANGUAGES.get(locale, locale)
    return f"{name} ({locale})"
