"""The studio: edit the content in the browser, in forms made from the schemas, beside every channel live.

Each save is checked against the whole content first and written through the round-trip writer, so comments
and layout stay and one changed field is one changed line. Built on the preview: its server (Host check,
artifacts, events), its in-memory rendering with the artifact cache, and its file watcher.
"""

from __future__ import annotations

import signal
import threading
import webbrowser
from pathlib import Path

import click

from ..errors import DncontentError
from ..preview import _interrupt, _log, _url

# Seconds from a save to printing the brochure again. Printed in this process, WeasyPrint holds the GIL for a
# second: the browser fetches the page and texts first. A print server prints in its own process: at once, and
# the brochure being looked at starts printing as the page and texts render.
BACKGROUND_DELAY = 0.5
PRINT_SERVER_DELAY = 0.05


def serve(content: Path, port: int = 8000, open_browser: bool = False) -> None:
    """Serve the studio for `content` on 127.0.0.1:`port` (0 picks a free port) until Ctrl+C."""
    from ..load.files import check_root
    from ..preview import watch
    from ..preview.state import LivePreview
    from ..resources import templates_dir
    from .server import StudioServer
    from .session import Studio
    from .views import Views

    host = "127.0.0.1"  # the studio writes files: it is never reachable from another machine
    content = Path(content)
    check_root(content)
    watched = [content, templates_dir()]
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main else None
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler) if main else None
    stop = threading.Event()
    server = watcher = None
    try:
        preview = LivePreview(content, log=_log, print_server=True)
        from ..printing.server import wanted

        preview.background_delay = PRINT_SERVER_DELAY if wanted() else BACKGROUND_DELAY
        preview.print_early = wanted()  # the brochure being looked at prints beside the page and texts
        studio = Studio(content, preview, watched, log=_log)
        views = Views(studio)
        preview.after_early = views.draw_ahead
        try:
            server = StudioServer((host, port), studio, views)
        except OSError as exc:
            raise DncontentError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        since = watch.files_state(watched)
        studio.refresh()  # before the address is printed, so the first page shows the content
        watcher = watch.start(watched, studio.refresh, stop, _log, since=since)
        url = _url(host, server.server_address[1])
        click.echo(f"Studio for {content}/ at {url} — Ctrl+C to stop")
        if open_browser:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        click.echo("Studio stopped.", err=True)
    finally:
        stop.set()
        if server is not None:
            server.stopping.set()
            server.server_close()
        if watcher is not None:
            watcher.join(timeout=2)
        if main:
            signal.signal(signal.SIGTERM, previous)
            signal.signal(signal.SIGINT, previous_int)
