"""Preview: a local server showing every channel live as content and templates change. Never writes a file."""

from __future__ import annotations

import signal
import threading
import time
import webbrowser
from pathlib import Path

import click

from ..errors import DncontentError


def serve(content: Path, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False) -> None:
    """Render `content` into memory, serve it at http://host:port/, and rebuild when it or a template changes,
    until Ctrl+C."""
    from ..load.files import check_root
    from ..resources import templates_dir
    from . import watch
    from .server import PreviewServer
    from .shell import Shell
    from .state import LivePreview

    content = Path(content)
    check_root(content)
    watched = [content, templates_dir()]
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main else None  # `kill` stops as cleanly as Ctrl+C
    # Ctrl+C stops the preview even when it was started where SIGINT is ignored (a shell's background job)
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler) if main else None
    stop = threading.Event()
    server = None
    watcher = None
    try:
        preview = LivePreview(content, log=_log, print_server=True)
        shell = Shell(f"{content}/")
        try:
            server = PreviewServer((host, port), preview, shell.page, shell.view)
        except OSError as exc:
            raise DncontentError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        since = watch.files_state(watched)
        preview.rebuild()  # before the URL is printed, so the first page a browser gets shows the content
        watcher = watch.start(watched, preview.rebuild, stop, _log, since=since)  # watching before the URL shows
        url = _url(host, server.server_address[1])
        click.echo(f"Previewing {content}/ at {url} — Ctrl+C to stop")
        if not server.loopback:
            _log(f"listening on {host}: anyone who can reach this machine can see the preview")
        if open_browser:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        click.echo("Preview stopped.", err=True)
    finally:
        stop.set()
        if server is not None:
            server.stopping.set()
            server.server_close()
        if watcher is not None:
            watcher.join(timeout=2)  # the watch ends within a step of `stop`; not left to interpreter shutdown
        if main:
            signal.signal(signal.SIGTERM, previous)
            signal.signal(signal.SIGINT, previous_int)


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _log(message: str) -> None:
    try:
        click.echo(f"{time.strftime('%H:%M:%S')} {message}", err=True)
    except (OSError, ValueError):
        pass  # the terminal went away; the preview itself still works


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
