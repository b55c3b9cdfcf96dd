"""The preview's HTTP server: the page, its live fragment, server-sent events, and artifacts from memory."""

from __future__ import annotations

import ipaddress
import json
import mimetypes
import re
import socket
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import PurePosixPath
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

from .state import LivePreview

KEEPALIVE_SECONDS = 15  # a comment line this often lets a dead connection be noticed and closed
# A Host header: a name or IPv4 address, or a bracketed IPv6 address, then an optional port.
HOST_HEADER = re.compile(r"(?P<name>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(?P<port>[0-9]{1,5}))?")
WILDCARDS = ("0.0.0.0", "::", "")
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".png": "image/png",
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
        self.bound_host = address[0]  # as the user gave it to --host
        super().__init__(address, PreviewHandler)

    @property
    def loopback(self) -> bool:
        host = self.server_address[0]
        assert isinstance(host, str)  # a TCP server's address is an IP address
        return _is_loopback(host)

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up (a reload, a closed tab, a reset) is normal: keep the editor's terminal quiet.
        Anything else is one line, not a traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)) or self.stopping.is_set():
            return
        try:
            print(f"preview: could not answer a request: {exc!r}", file=sys.stderr, flush=True)
        except (OSError, ValueError):
            pass  # the terminal itself is gone


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
        checked = self._checked_request(send_body)
        if checked is not None:
            self._route(*checked, send_body)

    def _checked_request(self, send_body: bool) -> tuple[str, SplitResult] | None:
        """(path, the split URL) of a request from an allowed host with a plain path; else answers it and None."""
        if not self._host_allowed():
            self._error(
                HTTPStatus.FORBIDDEN,
                "This preview answers only to localhost or 127.0.0.1, with its port, and only to its own pages.",
                send_body,
            )
            return None
        raw = self.path
        if not raw.startswith("/") or raw.startswith("//") or SUSPICIOUS.search(raw):
            self._error(HTTPStatus.BAD_REQUEST, "Bad path.", send_body)
            return None
        parts = urlsplit(raw)
        path = unquote(parts.path)
        if any(segment in (".", "..") for segment in path.split("/")) or "\x00" in path:
            self._error(HTTPStatus.BAD_REQUEST, "Bad path.", send_body)
            return None
        return path, parts

    def _route(self, path: str, parts, send_body: bool) -> None:
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
            artifact = snapshot.artifacts.get(path[len("/files/") :])
            if artifact is not None:
                download = "download" in parse_qs(parts.query, keep_blank_values=True)
                return self._send(
                    HTTPStatus.OK,
                    _content_type(artifact.path),
                    artifact.data,
                    send_body,
                    attachment=PurePosixPath(artifact.path).name if download else None,
                )
        return self._error(HTTPStatus.NOT_FOUND, "Nothing here. The preview is at /.", send_body)

    def _host_allowed(self) -> bool:
        """Answer only to the names this server is reached by, so a page elsewhere cannot read it by DNS rebinding.

        A rebinding page points its own name at 127.0.0.1, but the browser still sends that name as Host.
        So the Host must be `localhost` or a literal loopback address (127.0.0.0/8, [::1]) with this
        server's port. A server bound elsewhere with --host also answers to that address (or name), and one
        bound to every interface (0.0.0.0, ::) to any literal IP address and the machine's own name: still
        never to a name someone else controls. An `Origin` (sent by fetch and EventSource from other
        pages) must be one of these too, and other sites may link to the preview but not load its parts
        into their own pages (`Sec-Fetch-Site`), so they cannot hold its event streams open either.
        """
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or not self._is_own_host(hosts[0]):
            return False
        site = self.headers.get("Sec-Fetch-Site", "none")
        if site not in ("same-origin", "none") and self.headers.get("Sec-Fetch-Mode") != "navigate":
            return False
        origin = self.headers.get("Origin")
        if origin is not None:
            if not origin.startswith("http://"):
                return False
            return self._is_own_host(origin[len("http://") :])
        return True

    def _is_own_host(self, host: str) -> bool:
        match = HOST_HEADER.fullmatch(host)
        if match is None:
            return False
        port = int(match["port"]) if match["port"] else 80  # the port HTTP leaves out
        if port != self.server.server_address[1]:
            return False
        return _host_names_this_server(match["name"].lower(), self.server.bound_host)

    def _send(
        self, status: HTTPStatus, content_type: str, body: bytes, send_body: bool, attachment: str | None = None
    ) -> None:
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
        self.send_header("X-Content-Type-Options", "nosniff")
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
        except (ConnectionError, TimeoutError):
            pass  # the browser closed the tab or reloaded


def _address(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a Host name spells literally (IPv6 in brackets), or None for a DNS name."""
    if name.startswith("[") and name.endswith("]"):
        try:
            return ipaddress.IPv6Address(name[1:-1])
        except ValueError:
            return None
    if re.fullmatch(r"[0-9]{1,3}(\.[0-9]{1,3}){3}", name) is None:
        return None  # 127.evil.example, 127.0.0.1.nip.io and 2130706433 are names here, not addresses
    try:
        return ipaddress.IPv4Address(name)
    except ValueError:
        return None


def _is_loopback(bound: str) -> bool:
    try:
        return ipaddress.ip_address(bound).is_loopback
    except ValueError:
        return bound.lower() == "localhost"


def _host_names_this_server(name: str, bound: str) -> bool:
    """Whether a Host name (lowercase, IPv6 in brackets) is one this server answers to when bound to `bound`."""
    address = _address(name)
    if name == "localhost" or (address is not None and address.is_loopback):
        return True
    bound = bound.lower()
    if bound in WILDCARDS:
        return address is not None or name == socket.gethostname().lower()
    if address is not None:
        try:
            return address == ipaddress.ip_address(bound)
        except ValueError:
            return False
    return name == bound


def _content_type(path: str) -> str:
    suffix = PurePosixPath(path).suffix.lower()
    return TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
