"""The standard streams as the environment hands them over: closed, full, or read by a process that went away.

The CLI runs inside `guarded()`, so what the environment does to it ends as one line and an exit code,
never as a traceback.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from collections.abc import Callable

EXIT_FAILED = 1


def open_closed_streams() -> None:
    """Put /dev/null where stdin, stdout or stderr is closed (`>&-`).

    Otherwise the next file opened takes the closed number, and whatever a library writes to "stderr" lands
    in it (a brochure, a cache file); and Python leaves sys.stderr as None, which print() skips but
    `sys.stderr.isatty()` does not.
    """
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        try:
            os.fstat(fd)
            continue
        except OSError:
            pass
        null = os.open(os.devnull, os.O_RDWR)
        if null != fd:
            os.dup2(null, fd)
            os.close(null)
        setattr(sys, name, open(fd, mode, encoding="utf-8", closefd=False))


def readable_errors() -> None:
    """Write what an ASCII-only terminal (PYTHONIOENCODING=ascii, an old locale) cannot show as escapes."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _silence(fd: int) -> None:
    """Point a stream that cannot be written any more at /dev/null, so flushing it at exit cannot fail again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except OSError:
        pass


def _flush_all() -> OSError | None:
    """Flush stdout and stderr; the first failure, after silencing the stream that failed."""
    failed = None
    for stream, fd in ((sys.stdout, 1), (sys.stderr, 2)):
        try:
            if stream is not None:
                stream.flush()
        except OSError as exc:
            _silence(fd)
            failed = failed or exc
    return failed


def say(message: str) -> None:
    """One line on stderr, if stderr can take it."""
    try:
        print(f"error: {message}", file=sys.stderr, flush=True)
    except (OSError, ValueError, AttributeError):
        _silence(2)


def guarded(run: Callable[[], object]) -> None:
    """Run the command, then exit with its code; an OSError it lets through becomes one line on stderr.

    A reader that went away (`dncontent validate | head -1`) is not an error worth a line: as Python's
    documentation advises for SIGPIPE, stdout is pointed at /dev/null and the exit code is 1, quietly.
    """
    open_closed_streams()
    readable_errors()
    code: int | str | None = 0
    try:
        run()
    except SystemExit as exc:
        code = exc.code
    except OSError as exc:
        code = EXIT_FAILED
        failed = _flush_all()
        if isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE:
            _silence(1)
        elif failed is not None or not exc.filename:  # a file's errors name it; the streams' do not
            say(f"cannot write the output: {(failed or exc).strerror or failed or exc}")
        else:
            say(f"{exc.strerror or exc}: {exc.filename}")
    failed = _flush_all()
    if failed is not None and not isinstance(failed, BrokenPipeError):
        say(f"cannot write the output: {failed.strerror or failed}")
    if failed is not None and code in (0, None):
        code = EXIT_FAILED
    sys.exit(code)
