"""The output lock: builds into the same output folder take turns, builds into different ones never wait."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path

LOCK_TIMEOUT = 600.0  # seconds a build waits for another build into the same folder


def lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


def acquire(out: Path, shown: str, timeout: float, on_wait: Callable[[str], None]) -> int:
    """Hold the lock for `out` and return its file descriptor; wait for another build up to `timeout` seconds.

    The lock file is removed when released (see `release`), so a waiter that wins the lock on a file that is
    no longer at its path drops it and tries again: only the file at the path counts.
    """
    from ..errors import BuildError

    path = lock_path(out)
    deadline = time.monotonic() + timeout
    waiting = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK, 0o644)
        try:
            _check_own(fd, path)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise BuildError(
                    f"another build into {shown} did not finish within {timeout:g}s (it holds {path}); "
                    f"stop it or wait, then build again"
                ) from None
            if not waiting:
                on_wait(f"waiting for another build into {shown} to finish")
                waiting = True
            time.sleep(0.05)
            continue
        except BaseException:
            os.close(fd)
            raise
        try:
            held, current = os.fstat(fd), os.stat(path, follow_symlinks=False)
        except FileNotFoundError:
            current = None
        if current is not None and (held.st_dev, held.st_ino) == (current.st_dev, current.st_ino):
            return fd
        os.close(fd)  # the build before us removed this file as it finished: lock the one now at the path


def _check_own(fd: int, path: Path) -> None:
    """Refuse a FIFO, a device or a file with anything in it at the lock's name: a lock file is empty and regular,
    and `release` deletes it, so it must be one dncontent made (or left behind)."""
    import stat

    from ..errors import UsageError
    from ..load.files import what_is

    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_size:
        what = what_is(info.st_mode) if not stat.S_ISREG(info.st_mode) else "a file with something in it"
        raise UsageError(
            f"{path} is {what}, not a lock file dncontent made; move it away or delete it, then build again"
        )


def release(out: Path, fd: int) -> None:
    """Remove the lock file while still holding it, then let go: a finished build leaves no file behind."""
    try:
        os.unlink(lock_path(out))
    except OSError:
        pass  # a read-only folder keeps its lock file; the next build reuses it
    finally:
        os.close(fd)
