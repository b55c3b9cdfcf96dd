"""Watch the content and templates folders and rebuild the preview whenever a file in them changes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

# watchfiles waits for a quiet `STEP_MS` after a change, up to `DEBOUNCE_MS`, so one save (or an editor's
# write-then-rename) is one rebuild, and the page still updates well within a second of the save.
STEP_MS = 50
DEBOUNCE_MS = 400
RETRY_SECONDS = 1.0


WAKE_MS = 250  # how often the watcher reports that nothing changed; the first report means it is watching


def watch(
    paths: list[Path],
    rebuild: Callable[[], object],
    stop: threading.Event,
    log: Callable[[str], None] = lambda message: None,
    ready: threading.Event | None = None,
    since: dict | None = None,
) -> None:
    """Call `rebuild` after each batch of changes under `paths` until `stop` is set.

    Sets `ready` once changes are being watched. A file that changed between `since` (the files' state when
    the content was last read) and that moment is rebuilt for too: no save is lost while the watch starts.
    """
    import watchfiles

    failing = ""
    while not stop.is_set():
        if failing and all(path.exists() for path in paths):
            failing = ""
            rebuild()  # the folder is back: nothing will report a change, so show it now
        try:
            for changes in watchfiles.watch(
                *paths,
                debounce=DEBOUNCE_MS,
                step=STEP_MS,
                stop_event=stop,
                raise_interrupt=False,
                yield_on_timeout=True,
                rust_timeout=WAKE_MS,
            ):
                if ready is not None and not ready.is_set():
                    if since is not None and files_state(paths) != since:
                        rebuild()
                    ready.set()
                if changes:
                    rebuild()
        except Exception as exc:  # a folder removed and put back (a git checkout) must not end the preview
            if str(exc) != failing:
                log(f"cannot watch the folders ({exc}); retrying every {RETRY_SECONDS:.0f}s")
                rebuild()  # shows why in the page, e.g. the content folder is gone
            failing = str(exc)
            stop.wait(RETRY_SECONDS)


def start(
    paths: list[Path],
    rebuild: Callable[[], object],
    stop: threading.Event,
    log: Callable[[str], None] = lambda message: None,
    since: dict | None = None,
    wait: float = 5.0,
) -> threading.Thread:
    """Watch in a thread; return once it is watching (or after `wait` seconds)."""
    ready = threading.Event()
    thread = threading.Thread(
        target=watch, args=(paths, rebuild, stop, log, ready, since), name="preview-watch", daemon=True
    )
    thread.start()
    ready.wait(wait)
    return thread


def files_state(paths: list[Path]) -> dict:
    """Each file's size and modification time under `paths`: what tells an edit made before watching began."""
    state = {}
    for root in paths:
        for path in sorted(Path(root).rglob("*")):
            try:
                info = path.stat()
            except OSError:
                continue
            state[str(path)] = (info.st_size, info.st_mtime_ns)
    return state
