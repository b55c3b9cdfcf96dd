"""The print server: WeasyPrint kept loaded between builds, so a rebuild pays only for the brochures it prints.

Before a brochure can be printed, WeasyPrint must be imported and the brochure fonts loaded: about half a
second, paid again by every build process. A build with brochures to print hands them to a print server
instead, starting one if none is running. The server loads WeasyPrint and the fonts once, then prints each
job in a process forked from itself, with the same code a build runs in process (`render.write_pdf`), so
the PDF is byte for byte the same. It exits after `IDLE_SECONDS` without a job (`DNCONTENT_PRINT_SERVER_IDLE`,
when that is a number of seconds it can wait; otherwise the build says so, once, and the default holds).

One server serves one version of dncontent's code and of the renderer; a build never talks to a server
running other code. Its socket is in the runtime folder: `$DNCONTENT_RUNTIME_DIR`, else
`$XDG_RUNTIME_DIR/dncontent`, else `/tmp/dncontent-UID`. Only its user may enter that folder (it is not used
otherwise), and the server answers only processes of its own user. Nothing stays there that nothing will use:
a lock file lives only while a build starts a server, and a build that starts one removes what servers that
are gone left behind (only files named as dncontent names them, never through a link).

`dncontent build` uses a print server unless `DNCONTENT_PRINT_SERVER=off`, or `CI` is set (a build machine
runs one build and should leave no process behind; `DNCONTENT_PRINT_SERVER=on` overrides that), or the build
is `--no-cache` (a build from scratch); the Python API only when asked. Whatever goes wrong with a server (it
cannot start, it dies, it fails on a job, it does not answer in `JOB_SECONDS`), the build prints in its own
process instead, as it would without one.

    python -m dncontent.printing.server SOCKET   # what a build starts; not for people
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import math
import os
import re
import socket
import stat
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from . import Cancelled, Job, Printed  # the same job, and the same result, as a build printing in process

IDLE_SECONDS = 600.0  # a server exits after this long without a job (DNCONTENT_PRINT_SERVER_IDLE)
MAX_IDLE_SECONDS = 7 * 86400.0
START_SECONDS = 10.0  # how long a build waits for a new server to listen before printing in process
JOB_SECONDS = 120.0  # how long a build waits for one brochure before printing it in process instead
FIRST_FRAME_SECONDS = 2.0  # how long the server waits for a connection's request before dropping it
_MAX_HEADER = 1 << 20
_MAX_BODY = 256 << 20
_SOCKET_PATH_MAX = 100  # sun_path holds 108 bytes on Linux, fewer elsewhere
_OWN = re.compile(r"print-([0-9a-f]{16})\.(?:sock|lock|log)")  # the names a server and its builds give files


class Unavailable(Exception):
    """No answer from a print server; the build prints in process."""


# Choosing and finding a server -----------------------------------------------------------------------------


def wanted() -> bool:
    """Whether builds should use a print server here (see the module's documentation)."""
    setting = os.environ.get("DNCONTENT_PRINT_SERVER", "").strip().lower()
    if setting in ("off", "0", "no", "false"):
        return False
    if setting not in ("on", "1", "yes", "true") and os.environ.get("CI"):
        return False
    return hasattr(socket, "AF_UNIX") and hasattr(socket, "SO_PEERCRED") and hasattr(os, "fork")


def idle_seconds() -> float:
    """How long a server waits for a job before it exits: DNCONTENT_PRINT_SERVER_IDLE, if it is usable."""
    return _seconds("DNCONTENT_PRINT_SERVER_IDLE", IDLE_SECONDS, MAX_IDLE_SECONDS)[0]


def setting_problems() -> list[str]:
    """One line for each setting of the print server in the environment that is not usable, and so not used."""
    problem = _seconds("DNCONTENT_PRINT_SERVER_IDLE", IDLE_SECONDS, MAX_IDLE_SECONDS)[1]
    return [problem] if problem else []


def _seconds(name: str, default: float, most: float) -> tuple[float, str | None]:
    """The number of seconds environment variable `name` gives, if it is one above 0 and at most `most`, else
    `default`; with what is wrong with it. (A NaN or infinite wait would leave a server spinning forever.)"""
    text = os.environ.get(name, "").strip()
    if not text:
        return default, None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if math.isfinite(value) and 0 < value <= most:
        return value, None
    shown = text if len(text) <= 40 else text[:40] + "…"
    return default, (f"{name}={shown!r} is not a number of seconds above 0 and at most {most:.0f}; using {default:.0f}")


def runtime_path() -> Path:
    """Where the servers' sockets go: `$DNCONTENT_RUNTIME_DIR`, `$XDG_RUNTIME_DIR/dncontent` or /tmp/dncontent-UID."""
    explicit = os.environ.get("DNCONTENT_RUNTIME_DIR", "")
    xdg = os.environ.get("XDG_RUNTIME_DIR", "")
    if explicit:
        return Path(explicit).absolute()  # the server runs from /, so a relative folder would be another
    if os.path.isabs(xdg):
        return Path(xdg) / "dncontent"
    return Path("/tmp") / f"dncontent-{os.getuid()}"


def runtime_dir(create: bool = True) -> Path | None:
    """The folder holding the servers' sockets, made private if it is new; None if it is not private."""
    folder = runtime_path()
    try:
        if create:
            os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    # Like tmux and ssh-agent: a folder someone else owns, or may enter, could hold someone else's socket.
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return folder


def identity() -> str:
    """What a server runs: the interpreter, dncontent's code and fonts by their contents, the renderer's versions.
    Not the templates: every brochure arrives as self-contained HTML, so editing them needs no new server."""
    from .. import __version__
    from ..cache import versions
    from ..resources import templates_dir

    package = source()
    digest = hashlib.sha256(f"{sys.executable}\0{sys.version}\0{__version__}\0{templates_dir()}\0".encode())
    digest.update(versions(("weasyprint", "pydyf", "fonttools", "pillow", "jinja2", "markupsafe")).encode())
    for path in sorted(
        [*package.rglob("*.py"), *(templates_dir() / "fonts").iterdir(), templates_dir() / "pdf" / "fonts.css.j2"]
    ):
        data = path.read_bytes()
        digest.update(f"{path}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()[:16]


def source() -> Path:
    """The dncontent package this process runs, whole (not `printing` alone: a server also runs the resources
    and validation code it imports): `identity` hashes all its code, and a server from the same checkout with
    other code is outdated."""
    return Path(__file__).resolve().parent.parent


def socket_path(folder: Path) -> Path:
    return folder / f"print-{identity()}.sock"


def servers(folder: Path) -> list[Path]:
    """The sockets of every server in `folder`, whatever code it runs."""
    return sorted(folder.glob("print-*.sock"))


# The client side ---------------------------------------------------------------------------------------------


def print_jobs(
    jobs: list[Job],
    done: Callable[[int], None] | None = None,
    processes: int | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[Printed]:
    """Print `jobs` on the print server, starting one if needed; `done(i)` as job i and all before it are back.

    Raises Unavailable when there is no server to be had, or it failed on a job for any reason: the caller
    then prints in process, where a brochure the renderer really cannot lay out fails with its own error.
    Raises Cancelled as soon as `cancelled()` is true: the connections close, and the server's processes
    printing for them stop (they exit when the build hangs up).
    """
    if cancelled and cancelled():
        raise Cancelled()
    folder = runtime_dir()
    if folder is None:
        raise Unavailable("no private runtime folder")
    path = socket_path(folder)
    if len(os.fsencode(path)) > _SOCKET_PATH_MAX:
        raise Unavailable(f"socket path too long: {path}")
    first = _connect(path) or _start(folder, path)
    processes = max(1, min(len(jobs), processes or _cores()))
    connections = [first]
    try:
        for _ in range(processes - 1):
            extra = _connect(path)
            if extra is None:
                break
            connections.append(extra)
        return _run(connections, jobs, done, cancelled)
    finally:
        for connection in connections:
            connection.close()


def _run(connections: list[socket.socket], jobs: list[Job], done, cancelled=None) -> list[Printed]:
    results: list[Printed | BaseException | None] = [None] * len(jobs)
    arrived = threading.Condition()
    queue = iter(range(len(jobs)))
    take = threading.Lock()

    def work(connection: socket.socket) -> None:
        while True:
            with take:
                index = next(queue, None)
            if index is None:
                return
            try:
                outcome: Printed | BaseException = _request_print(connection, jobs[index])
            except BaseException as exc:  # handed to the waiting thread, which raises it
                outcome = exc
            with arrived:
                results[index] = outcome
                arrived.notify_all()
            if isinstance(outcome, BaseException):
                return

    threads = [threading.Thread(target=work, args=(c,), daemon=True) for c in connections]
    for thread in threads:
        thread.start()
    printed: list[Printed] = []
    try:
        for index in range(len(jobs)):
            with arrived:
                while results[index] is None:
                    if cancelled and cancelled():
                        raise Cancelled()
                    if not any(t.is_alive() for t in threads) and results[index] is None:
                        raise Unavailable("the print server stopped answering")
                    arrived.wait(0.01 if cancelled else 0.5)  # a cancelled pass frees the printer within 10 ms
            outcome = results[index]
            if isinstance(outcome, BaseException):
                raise outcome
            assert outcome is not None  # waited for above
            printed.append(outcome)
            if done:
                done(index)
        return printed
    finally:
        for connection in connections:  # threads still waiting on a failed run stop at their next read
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        for thread in threads:  # none is left running: forking in process afterwards stays safe
            thread.join()


def _request_print(connection: socket.socket, job: Job) -> Printed:
    html = job.html.encode("utf-8")
    try:
        connection.settimeout(JOB_SECONDS)  # a stopped or stuck server must not hold the build forever
        _send(connection, {"op": "print", "base_url": job.base_url, "identifier": job.identifier.decode("ascii")}, html)
        header, body = _receive(connection)
    except (OSError, ValueError) as exc:
        raise Unavailable(f"print server: {exc}") from None
    if header.get("ok") is True and isinstance(header.get("pages"), int):
        return Printed(body, tuple(str(m) for m in header.get("messages", [])), header["pages"])
    raise Unavailable(f"print server answered {str(header)[:200]}")


def _connect(path: Path) -> socket.socket | None:
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(path))
    except OSError:
        connection.close()
        return None
    return connection


def _start(folder: Path, path: Path) -> socket.socket:
    """Start a server for this code (one build at a time does) and connect to it."""
    with _locked(folder / f"{path.stem}.lock", START_SECONDS):
        connection = _connect(path)  # another build may have started it while this one waited
        if connection is not None:
            return connection
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)  # a server that died without cleaning up
        _stop_outdated(folder, path)
        _tidy(folder, path)
        log = open(folder / f"{path.stem}.log", "wb")
        try:
            # The server imports this very copy of dncontent, and checks that its code is what the socket names.
            # Appended: where the default path finds this copy anyway (an installed or editable dncontent), the
            # standard library stays first; where it finds another, the server refuses to serve (see serve()).
            python_path = os.pathsep.join(p for p in (os.environ.get("PYTHONPATH", ""), str(source().parent)) if p)
            server = subprocess.Popen(
                [sys.executable, "-m", "dncontent.printing.server", str(path)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                cwd="/",
                start_new_session=True,
                close_fds=True,
                env={**os.environ, "PYTHONPATH": python_path, "DNCONTENT_PRINT_SERVER_IDLE": repr(idle_seconds())},
            )
        except OSError as exc:
            raise Unavailable(f"cannot start a print server: {exc}") from None
        finally:
            log.close()
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            connection = _connect(path)
            if connection is not None:
                return connection
            if server.poll() is not None:
                break
            time.sleep(0.005)
        raise Unavailable("the print server did not start")


def _stop_outdated(folder: Path, current: Path) -> None:
    """Stop the servers running an earlier state of this same copy of dncontent: its code has changed since."""
    for path in servers(folder):
        if path != current:
            answer = ask(path, "status", timeout=1)
            if answer and answer.get("source") == str(source()):
                ask(path, "stop", timeout=1)


def _tidy(folder: Path, current: Path) -> None:
    """Remove what servers that are gone left behind: their sockets, logs and lock files, named as dncontent
    names them, of the kind it makes, never through a link. A server some build is starting is left alone."""
    try:
        states = {match.group(1) for name in os.listdir(folder) if (match := _OWN.fullmatch(name))}
    except OSError:
        return
    own = _OWN.fullmatch(current.name)
    assert own is not None  # `current` is this server's socket, named as every server's is
    for state in sorted(states - {own.group(1)}):
        lock = folder / f"print-{state}.lock"
        try:
            fd = _lock(lock, None)
        except Unavailable:
            continue
        if fd is None:
            continue  # a build is starting that server
        try:
            if not _listening(folder / f"print-{state}.sock"):
                _remove(folder / f"print-{state}.sock", stat.S_ISSOCK)
                _remove(folder / f"print-{state}.log", stat.S_ISREG)
        finally:
            _unlock(lock, fd)


def _listening(path: Path) -> bool:
    """Whether a server answers at `path` (one that is busy or stopped counts: only a refusal means gone)."""
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.settimeout(1)
        connection.connect(str(path))
        return True
    except (ConnectionRefusedError, FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True
    finally:
        connection.close()


def _remove(path: Path, kind: Callable[[int], bool]) -> None:
    with contextlib.suppress(OSError):
        if kind(os.lstat(path).st_mode):
            os.unlink(path)  # unlink removes a link itself, never what it points to


@contextlib.contextmanager
def _locked(path: Path, timeout: float) -> Iterator[None]:
    """Hold lock file `path`, waiting up to `timeout` seconds; it is removed when released."""
    fd = _lock(path, time.monotonic() + timeout)
    if fd is None:  # the build starting a server is stuck (stopped with Ctrl+Z)
        raise Unavailable("another build is starting the print server")
    try:
        yield
    finally:
        _unlock(path, fd)


def _lock(path: Path, deadline: float | None) -> int | None:
    """An open descriptor of lock file `path`, locked, and still the file at `path`; None when another process
    holds it past `deadline` (at once when None). Whoever holds it may remove it: a build that was waiting on
    the removed file finds it gone, and locks the file now at `path` instead."""
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise Unavailable(f"cannot lock {path}: {exc}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if deadline is None or time.monotonic() > deadline:
                return None
            time.sleep(0.01)
            continue
        here: os.stat_result | None
        held: os.stat_result | None
        try:
            here, held = os.lstat(path), os.fstat(fd)
        except OSError:
            here = held = None  # removed as this build waited
        if held is not None and not stat.S_ISREG(held.st_mode):
            os.close(fd)
            raise Unavailable(f"{path} is not a lock file")
        if here is not None and held is not None and (here.st_dev, here.st_ino) == (held.st_dev, held.st_ino):
            return fd
        os.close(fd)


def _unlock(path: Path, fd: int) -> None:
    """Remove lock file `path` while still holding it (nothing will reuse it), then let it go."""
    try:
        here, held = os.lstat(path), os.fstat(fd)
        if (here.st_dev, here.st_ino) == (held.st_dev, held.st_ino):
            os.unlink(path)
    except OSError:
        pass
    finally:
        os.close(fd)


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def ask(path: Path, op: str, timeout: float = 5) -> dict | None:
    """A server's answer to `status` or `stop`, or None when nothing answers at `path`."""
    connection = _connect(path)
    if connection is None:
        return None
    try:
        connection.settimeout(timeout)
        _send(connection, {"op": op})
        return _receive(connection)[0]
    except (OSError, ValueError):
        return None
    finally:
        connection.close()


# Frames: a 4-byte length, a JSON header, then the header's "bytes" of body ------------------------------------


def _send(connection: socket.socket, header: dict, body: bytes = b"") -> None:
    data = json.dumps({**header, "bytes": len(body)}).encode("utf-8")
    connection.sendall(struct.pack(">I", len(data)) + data + body)


def _receive(connection: socket.socket) -> tuple[dict, bytes]:
    (size,) = struct.unpack(">I", _exactly(connection, 4))
    if size > _MAX_HEADER:
        raise ValueError("header too large")
    header = json.loads(_exactly(connection, size))
    length = header.get("bytes", 0) if isinstance(header, dict) else -1
    if not isinstance(length, int) or not 0 <= length <= _MAX_BODY:
        raise ValueError("bad frame")
    return header, _exactly(connection, length)


def _exactly(connection: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = connection.recv(min(left, 1 << 20))
        if not chunk:
            raise ValueError("connection closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


# The server side ---------------------------------------------------------------------------------------------


def serve(path: Path, idle: float = IDLE_SECONDS) -> None:
    """Listen at `path` at once (builds may queue), load WeasyPrint and the fonts, then print until idle.

    Each connection is served by a child forked from this warm process. Once the first jobs are printed and
    nothing is waiting, the server prints the last brochure it was sent once more, for itself: what WeasyPrint
    sets up on its first layout is then inherited by every later child instead of paid by each. It exits when
    idle, when stopped (`stop`, SIGTERM), or when its socket is gone or replaced; it waits for the children
    still printing before it lets the fonts they print with be deleted.
    """
    import gc
    import select
    import signal

    if path.name != f"print-{identity()}.sock":
        sys.exit(f"{path}: this is not the code that socket is for")
    signal.signal(signal.SIGTERM, _exit_on_signal)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    bound = os.stat(path).st_ino
    listener.listen(64)
    started, connections = time.time(), 0
    children: set[int] = set()
    warm_up: tuple[dict, bytes] | None = None  # the last job seen, until it has warmed the renderer
    warmed = False
    try:
        from . import render
        from .compose import fonts_css

        font_config = render.LoadedFonts(str(fonts_css()))
        last = time.monotonic()
        while True:
            _reap(children)
            if not _still_bound(path, bound):
                return  # the runtime folder was removed, or another server took the name
            pending_warm_up = warm_up is not None and not warmed
            timeout = 0.05 if pending_warm_up else max(0.0, idle - (time.monotonic() - last))
            timeout = min(timeout, 0.5 if children else 5.0)  # reap children soon; notice a removed socket
            ready, _, _ = select.select([listener], [], [], timeout)
            if not ready:
                if pending_warm_up:
                    if not children:
                        warmed = True
                        assert warm_up is not None  # pending_warm_up
                        with contextlib.suppress(Exception):
                            _print_one(render, font_config, *warm_up)
                        warm_up = None
                        gc.collect()
                        gc.freeze()  # what is warm now: children neither scan it for garbage nor copy it to do so
                    continue
                if time.monotonic() - last >= idle and not children:
                    return  # idle: the next build starts a new server
                continue
            connection, _ = listener.accept()
            try:
                if not _same_user(connection):
                    continue
                connection.settimeout(FIRST_FRAME_SECONDS)  # a build sends its request at once
                try:
                    header, body = _receive(connection)
                except (OSError, ValueError):
                    continue
                op = header.get("op")
                if op == "status":
                    _send(
                        connection,
                        {
                            "ok": True,
                            "pid": os.getpid(),
                            "identity": identity(),
                            "source": str(source()),
                            "since": started,
                            "connections": connections,
                            "printing": len(children),
                            "warm": warmed,
                            "idle_seconds": idle,
                        },
                    )
                elif op == "stop":
                    _send(connection, {"ok": True, "pid": os.getpid()})
                    return
                elif op == "print":
                    last = time.monotonic()
                    connections += 1
                    if not warmed:
                        warm_up = (header, body)
                    pid = os.fork()
                    if pid == 0:
                        listener.close()
                        signal.signal(signal.SIGTERM, signal.SIG_DFL)
                        gc.disable()  # a child prints and exits: collecting garbage would only slow it (by a tenth)
                        code = 0
                        try:
                            connection.settimeout(None)
                            _print_loop(connection, render, font_config, header, body)
                        except BaseException:
                            code = 1
                        finally:
                            os._exit(code)
                    children.add(pid)
            finally:
                connection.close()
    finally:
        listener.close()
        if _still_bound(path, bound):  # not replaced by a newer server
            with contextlib.suppress(OSError):
                os.unlink(path)
        _finish(children)
        log = path.with_suffix(".log")
        with contextlib.suppress(OSError):
            if log.stat().st_size == 0:
                log.unlink()


def _finish(children: set[int], wait: float = JOB_SECONDS) -> None:
    """Let the children still printing finish (their fonts live in a folder that goes when this process ends);
    one still printing after `wait` seconds is stuck, and is ended."""
    deadline = time.monotonic() + wait
    while children and time.monotonic() < deadline:
        _reap(children)
        time.sleep(0.02)
    for pid in children:
        with contextlib.suppress(OSError):
            os.kill(pid, 9)
            os.waitpid(pid, 0)


def _exit_on_signal(signum, frame) -> None:
    raise SystemExit(0)  # through serve()'s cleanup: no child loses its fonts, no socket is left behind


def _still_bound(path: Path, bound: int) -> bool:
    try:
        return os.stat(path).st_ino == bound
    except OSError:
        return False


def _reap(children: set[int]) -> None:
    for pid in list(children):
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(pid, os.WNOHANG)[0] == 0:
                continue
        children.discard(pid)


def _print_one(render, font_config, header: dict, body: bytes) -> Printed:
    job = Job(body.decode("utf-8"), header["base_url"], str(header.get("identifier", "")).encode("ascii"))
    return render.write_pdf(job, font_config)


def _print_loop(connection: socket.socket, render, font_config, header: dict, body: bytes) -> None:
    """Print each job the connection sends, until it closes; exit as soon as the build hangs up, even while
    printing: a brochure no one waits for any more (the studio's content changed) must not take the cores."""
    threading.Thread(target=_exit_on_hang_up, args=(connection,), daemon=True).start()
    while True:
        if header.get("op") != "print" or not isinstance(header.get("base_url"), str):
            return
        try:
            result = _print_one(render, font_config, header, body)
        except Exception as exc:  # noqa: BLE001 -- reported to the build, which stops with it
            _send(connection, {"ok": False, "failed": "layout", "error": f"{type(exc).__name__}: {exc}"})
        else:
            _send(connection, {"ok": True, "pages": result.pages, "messages": list(result.messages)}, result.pdf)
        try:
            header, body = _receive(connection)
        except (OSError, ValueError):
            return


def _exit_on_hang_up(connection: socket.socket) -> None:
    """End this process when the other end of `connection` closes (poll waits without holding the GIL)."""
    import select

    poller = select.poll()
    poller.register(connection, select.POLLIN | select.POLLRDHUP)
    while True:
        for _fd, events in poller.poll():
            if events & (select.POLLHUP | select.POLLRDHUP | select.POLLERR | select.POLLNVAL):
                os._exit(0)
        time.sleep(0.05)  # the build's next job, waiting for the print loop to read it


def _same_user(connection: socket.socket) -> bool:
    credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return uid == os.getuid()


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: python -m dncontent.printing.server SOCKET")
    for problem in setting_problems():
        print(problem, file=sys.stderr, flush=True)  # into the server's log; the build that started it says so too
    serve(Path(sys.argv[1]), idle_seconds())


if __name__ == "__main__":
    main()
