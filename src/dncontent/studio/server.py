"""The studio's HTTP server: the preview's server (its Host check, artifacts and events) plus the editing pages
and the two requests that write: an edit, and a confirmed sign-off."""

from __future__ import annotations

import hmac
import json
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs

from ..preview.server import PreviewHandler, PreviewServer
from .session import Refused, Studio

STATIC = Path(__file__).resolve().parent / "static"
MAX_BODY = 1_000_000
# The studio's own pages run only their own script and style, and no other site may frame them.
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


class StudioServer(PreviewServer):
    def __init__(self, address: tuple[str, int], studio: Studio, views):
        self.studio = studio
        self.views = views  # studio.views.Views: renders the pages and fragments
        super().__init__(address, studio.preview, None, None)
        self.RequestHandlerClass = StudioHandler


class StudioHandler(PreviewHandler):
    server: StudioServer
    server_version = "dncontent-studio"

    def _route(self, path: str, parts, send_body: bool) -> None:
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        views = self.server.views
        pages = {"/": views.page, "/studio/form": views.form, "/studio/side": views.side}
        if path in pages:
            try:
                html = pages[path](query).encode()
            except Exception as exc:  # a broken view must not cost the editor the server
                return self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"cannot show the studio: {exc!r}", send_body)
            return self._reply(HTTPStatus.OK, "text/html; charset=utf-8", html, send_body, PAGE_POLICY)
        if path == "/studio/brochure.png":
            image = views.brochure_png(query)
            if image is None:
                return self._error(HTTPStatus.NOT_FOUND, "No such brochure page.", send_body)
            return self._reply(HTTPStatus.OK, "image/png", image, send_body)
        if path in ("/static/studio.js", "/static/studio.css"):
            name = path.rsplit("/", 1)[1]
            kind = "text/javascript; charset=utf-8" if name.endswith(".js") else "text/css; charset=utf-8"
            return self._reply(HTTPStatus.OK, kind, (STATIC / name).read_bytes(), send_body)
        if path == "/view":
            return self._error(HTTPStatus.NOT_FOUND, "Nothing here. The studio is at /.", send_body)
        return super()._route(path, parts, send_body)

    def do_POST(self) -> None:
        checked = self._checked_request(send_body=True)
        if checked is None:
            return
        path, _ = checked
        refusal = self._write_refusal()
        if refusal:
            return self._json(HTTPStatus.FORBIDDEN, {"saved": False, "message": refusal})
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return self._json(HTTPStatus.LENGTH_REQUIRED, {"saved": False, "message": "Content-Length is required"})
        if not 0 < length <= MAX_BODY:
            return self._json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"saved": False, "message": "request too large"})
        try:
            request = json.loads(self.rfile.read(length))
            if not isinstance(request, dict):
                raise ValueError
        except ValueError:
            return self._json(HTTPStatus.BAD_REQUEST, {"saved": False, "message": "the request is not a JSON object"})
        studio = self.server.studio
        try:
            if path == "/studio/edit":
                saved = studio.edit(request)
                return self._json(
                    HTTPStatus.OK,
                    {"saved": bool(saved.files), "files": saved.files, "digests": saved.digests, "id": saved.new_id},
                )
            if path == "/studio/signoff":
                if request.get("confirm") is not True:
                    raise Refused("a sign-off must be confirmed", 400)
                message = studio.signoff(str(request.get("locale", "")), str(request.get("by", "")))
                return self._json(HTTPStatus.OK, {"saved": True, "message": message})
        except Refused as exc:
            return self._json(
                HTTPStatus(exc.status),
                {"saved": False, "message": str(exc), "problems": [self._located(p) for p in exc.problems]},
            )
        return self._json(HTTPStatus.NOT_FOUND, {"saved": False, "message": "nothing to post here"})

    def _write_refusal(self) -> str:
        """Why a write request is refused, or "": it must come from the studio's own page (same-origin `Origin`,
        and `Sec-Fetch-Site` when the browser sends it) and carry the session's token, as JSON."""
        origin = self.headers.get("Origin")
        host = self.headers.get("Host", "")
        if origin is None or origin != f"http://{host}":
            return "writes are accepted only from the studio's own page (same Origin)"
        if self.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
            return "writes are accepted only from the studio's own page"
        token = self.headers.get("X-Studio-Token", "")
        if not hmac.compare_digest(token.encode(), self.server.studio.token.encode()):
            return "missing or wrong studio token: reload the studio"
        if (self.headers.get("Content-Type") or "").split(";")[0].strip() != "application/json":
            return "writes are JSON requests"
        return ""

    def _located(self, problem) -> dict:
        studio = self.server.studio
        file = problem.file
        for candidate in studio.checked.files:
            if candidate.display == problem.file:
                file = studio.relative(candidate.path)
        return {
            "file": file,
            "field": problem.field,
            "message": problem.message,
            "hint": problem.hint,
            "where": f"{problem.file}:{problem.line}:{problem.col}",
        }

    def _json(self, status: HTTPStatus, body: dict) -> None:
        self._reply(status, "application/json; charset=utf-8", json.dumps(body, ensure_ascii=False).encode(), True)

    def _reply(self, status: HTTPStatus, content_type: str, body: bytes, send_body: bool, policy: str = "") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", policy or "frame-ancestors 'self'")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def end_headers(self) -> None:
        if not any(line.lower().startswith(b"x-frame-options") for line in getattr(self, "_headers_buffer", [])):
            self.send_header("X-Frame-Options", "SAMEORIGIN")  # the artifacts too: framed by the studio alone
        super().end_headers()
