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


def watch(paths: list[Path], rebuild: Callable[[], object], stop: threading.Event,
          log: Callable[[str], None] = lambda message: None) -> None:
    """Call `rebuild` after each batch of changes under `paths` until `stop` is set."""
    import watchfiles

    failing = ""
    while not stop.is_set():
        if failing and all(path.exists() for path in paths):
            failing = ""
            rebuild()  # the folder is back: nothing will report a change, so show it now
        try:
            for _ in watchfiles.watch(*paths, debounce=DEBOUNCE_MS, step=STEP_MS, stop_event=stop,
                                      raise_interrupt=False):
                rebuild()
        except Exception as exc:  # a folder removed and put back (a git checkout) must not end the preview
            if str(exc) != failing:
                log(f"cannot watch the folders ({exc}); retrying every {RETRY_SECONDS:.0f}s")
                rebuild()  # shows why in the page, e.g. the content folder is gone
            failing = str(exc)
            stop.wait(RETRY_SECONDS)


def start(paths: list[Path], rebuild: Callable[[], object], stop: threading.Event,
          log: Callable[[str], None] = lambda message: None) -> threading.Thread:
    thread = threading.Thread(target=watch, args=(paths, rebuild, stop, log), name="preview-watch", daemon=True)
    thread.start()
    return thread
