"""The preview's HTTP server: the page, its live fragment, server-sent events, and artifacts from memory."""
from __future__ import annotations

import json
import mimetypes
import re
import socket
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import PurePosixPath
from urllib.parse import parse_qs, unquote, urlsplit

from .state import LivePreview

KEEPALIVE_SECONDS = 15  # a comment line this often lets a dead connection be noticed and closed
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".pdf": "application/pdf",
    ".svg": "image/svg+xml", ".woff2": "font/woff2", ".woff": "font/woff", ".png": "image/png",
}
# Encoded slashes, backslashes and dots could turn into a different path once decoded somewhere else.
SUSPICIOUS = re.compile(r"%(2f|5c|2e|00)|\\", re.IGNORECASE)


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream must not keep the process alive after Ctrl+C

    def __init__(self, address: tuple[str, int], preview: LivePreview, render_page, render_view):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.preview = preview
        self.render_page = render_page  # Snapshot -> str, the whole page
        self.render_view = render_view  # Snapshot -> str, the part the page's script swaps in
        self.stopping = threading.Event()
        super().__init__(address, PreviewHandler)

    @property
    def loopback(self) -> bool:
        return self.server_address[0] in ("127.0.0.1", "::1") or self.server_address[0].startswith("127.")


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "dncontent-preview"
    sys_version = ""

    def do_GET(self) -> None:
        self._handle(send_body=True)

    def do_HEAD(self) -> None:
        self._handle(send_body=False)

    def log_message(self, format: str, *args) -> None:
        pass  # one line per request would bury the rebuild messages

    def _handle(self, send_body: bool) -> None:
        if not self._host_allowed():
            return self._error(HTTPStatus.FORBIDDEN, "This preview answers only to localhost.", send_body)
        raw = self.path
        if not raw.startswith("/") or raw.startswith("//") or SUSPICIOUS.search(raw):
            return self._error(HTTPStatus.BAD_REQUEST, "Bad path.", send_body)
        parts = urlsplit(raw)
        path = unquote(parts.path)
        if any(segment in (".", "..") for segment in path.split("/")) or "\x00" in path:
            return self._error(HTTPStatus.BAD_REQUEST, "Bad path.", send_body)
        snapshot = self.server.preview.snapshot
        if path in ("/", "/view"):
            render = self.server.render_page if path == "/" else self.server.render_view
            try:
                page = render(snapshot).encode()
            except Exception as exc:  # a broken preview template must not cost the editor the server
                return self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"cannot show the preview: {exc!r}", send_body)
            return self._send(HTTPStatus.OK, TYPES[".html"], page, send_body)
        if path == "/events":
            return self._events() if send_body else self._send(HTTPStatus.OK, "text/event-stream", b"", False)
        if path.startswith("/files/"):
            # An exact key of the in-memory artifacts, never a file on disk, so nothing else can be reached.
            artifact = snapshot.artifacts.get(path[len("/files/"):])
            if artifact is not None:
                download = "download" in parse_qs(parts.query, keep_blank_values=True)
                return self._send(HTTPStatus.OK, _content_type(artifact.path), artifact.data, send_body,
                                  attachment=PurePosixPath(artifact.path).name if download else None)
        return self._error(HTTPStatus.NOT_FOUND, "Nothing here. The preview is at /.", send_body)

    def _host_allowed(self) -> bool:
        """Refuse other host names on a loopback server, so a web page cannot reach it by DNS rebinding."""
        host = self.headers.get("Host")
        if not host or not self.server.loopback:
            return True
        try:
            name = urlsplit("//" + host).hostname
        except ValueError:
            return False
        return name in LOOPBACK_NAMES or (name or "").startswith("127.")

    def _send(self, status: HTTPStatus, content_type: str, body: bytes, send_body: bool,
              attachment: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if attachment:
            safe = re.sub(r"[^A-Za-z0-9._-]", "_", attachment)
            self.send_header("Content-Disposition", f'attachment; filename="{safe}"')
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _error(self, status: HTTPStatus, message: str, send_body: bool) -> None:
        body = f"{status.value} {status.phrase}: {message}\n".encode()
        self._send(status, "text/plain; charset=utf-8", body, send_body)

    def _events(self) -> None:
        """Server-sent events: one `update` with the current version on connect, then one per change."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = None
        try:
            self.wfile.write(b"retry: 1000\n\n")  # reconnect quickly when the server comes back
            while not self.server.stopping.is_set():
                snapshot = self.server.preview.wait_for_change(seen, timeout=KEEPALIVE_SECONDS)
                if snapshot.version == seen:
                    self.wfile.write(b": still here\n\n")
                else:
                    seen = snapshot.version
                    data = json.dumps({"version": snapshot.version, "rebuilding": snapshot.rebuilding})
                    self.wfile.write(f"event: update\ndata: {data}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the browser closed the tab or reloaded


def _content_type(path: str) -> str:
    suffix = PurePosixPath(path).suffix.lower()
    return TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
