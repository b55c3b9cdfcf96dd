"""The artifact cache: what a channel rendered, kept by a hash of everything it was rendered from.

A build asks the cache before rendering. Each entry is keyed by a sha256 of the rendering's inputs: the
slice of the model it reads, the templates, CSS, fonts and schemas, the options that affect it, the versions
of dncontent (its code included) and of the libraries that shape the output. Files are hashed by their
contents, never recognised by their size or time. When nothing of that changed the stored bytes are reused,
and the channel's heavy libraries (WeasyPrint) are never imported.

Where it lives: `$DNCONTENT_CACHE_DIR`, else `$XDG_CACHE_HOME/dncontent/artifacts`, else
`~/.cache/dncontent/artifacts`; outside build/, so a build's output holds only what it built. Delete the
folder to clear it, or build with `--no-cache`.

The folder is dncontent's alone. A new or empty one is made private (0700) and marked, with `CACHEDIR.TAG`
and a marker of dncontent's own; a folder that belongs to someone else, that others may write to, or that
holds anything but dncontent's own files is not used (the build renders everything and says why once).
Inside it, dncontent reads, writes and deletes only names of its own layout (`<2 hex>/<64 hex>.entry` and its
temporary files), only regular files, and never through a link.

Entries are written to a temporary file and renamed into place, and each carries a sha256 of all it holds;
an entry is served only whole, unchanged, and holding exactly the files its channel writes (the caller says
which): a killed build, a full disk or a tampered entry means rendering again, never a wrong file or a
traceback. The cache is bounded: after a build, entries are pruned oldest-used first down to `MAX_BYTES`, and
entries no build used for `MAX_AGE_DAYS` go too.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import os
import re
import secrets
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path
from typing import NamedTuple

FORMAT = 2  # of the entry files; bump when it changes
MAX_BYTES = 256 * 1024 * 1024
MAX_AGE_DAYS = 30
# Libraries whose versions change what a channel writes (dates and lists, templates, escaping, QR codes, codec).
LIBRARIES = ("babel", "jinja2", "markupsafe", "segno", "gsm0338")

MARKER = "dncontent-cache.txt"
MARKER_TEXT = (
    "dncontent artifact cache\n"
    "dncontent keeps rendered files here and deletes only entries of its own. Delete this folder to "
    "clear it.\n"
)
TAG = "CACHEDIR.TAG"  # https://bford.info/cachedir/: backup tools skip the folder
TAG_TEXT = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by dncontent.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
_KEY = re.compile(r"[0-9a-f]{64}")
_SHARD = re.compile(r"[0-9a-f]{2}")
_ENTRY = re.compile(r"([0-9a-f]{64})\.entry")
_TEMP = re.compile(r"\.(?:[0-9a-f]{64}\.entry|dncontent-cache\.txt|CACHEDIR\.TAG)\.[0-9a-f]{16}\.tmp")
_TEMP_SECONDS = 3600  # a temporary file younger than this may be another build's, still being written
_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class Part(NamedTuple):
    """One stored file: an artifact's bytes and what the writer needs to know about it."""

    path: str
    format: str
    locale: str | None
    role: str
    data: bytes


class Entry(NamedTuple):
    parts: tuple[Part, ...]
    meta: dict  # anything else a channel keeps with its bytes (a brochure's page count and warnings)


def default_dir() -> Path | None:
    """Where the cache lives, or None when there is no such place (no home folder)."""
    explicit = os.environ.get("DNCONTENT_CACHE_DIR", "")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError, OSError):
            return None
    return Path(base) / "dncontent" / "artifacts"


class ArtifactCache:
    """Entries by key under `root`; a cache with no root stores nothing and finds nothing (`--no-cache`).

    A root that cannot be dncontent's cache (see the module's documentation) is not used: the cache then has
    no root, and `notes` says why, in one line naming the folder and what to do.
    """

    def __init__(self, root: Path | None):
        self.root: Path | None = None
        self.notes: list[str] = []  # what the build should tell its user, each once
        self.rendered: list[str] = []  # paths of the artifacts made this run
        self.reused: list[str] = []  # paths of the artifacts taken from the cache this run
        self.used: set[str] = set()
        # each channel's artifacts this run, by channel name, with the content and options they were rendered
        # from: a channel that points at others' files (fhir) reads them here rather than rendering them again
        self.produced: dict[str, tuple] = {}
        self.progress = None  # called with a line about what is being rendered, when someone is watching
        self.print_server = False  # whether brochures may go to a print server (builds, the preview and the studio)
        # whether what is being rendered is no longer wanted (the preview's content changed meanwhile): brochures
        # printing on a print server are then abandoned, and the rendering stops with `printing.Cancelled`
        self.cancelled: Callable[[], bool] | None = None
        self._folder: tuple[int, int] | None = None  # (device, inode) of the root as it was checked
        self._environment: str | None = None
        if root is not None:
            folder = Path(os.path.realpath(root))
            checked = _claim(folder)
            if isinstance(checked, str):
                self.note(f"not using {folder} as the artifact cache: {checked}. This build renders everything.")
            else:
                self.root, self._folder = folder, checked

    @property
    def enabled(self) -> bool:
        return self.root is not None

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

    def use_environment(self, digest: str) -> None:
        """Key with `digest`, what `environment()` gave for the files as they are: a caller rendering the same
        content twice at once (the preview's page and its brochure) reads and hashes them once."""
        if self.root is not None:
            self._environment = digest

    def key(self, *parts: str | bytes) -> str:
        """A cache key: sha256 over the environment (dncontent's code and resources by their contents, hashed
        once per cache object, and library versions) and `parts`, each length-prefixed so no two lists collide."""
        if self._environment is None:
            self._environment = environment() if self.root is not None else ""  # nothing is kept: any key does
        digest = hashlib.sha256()
        for part in (self._environment, *parts):
            data = part.encode("utf-8") if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "big") + data)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        assert self.root is not None  # only a cache that keeps files has paths
        return self.root / key[:2] / f"{key}.entry"

    def get(
        self,
        key: str,
        expected: Sequence[tuple[str, str, str | None, str]],
        valid_meta: Callable[[dict], bool] | None = None,
    ) -> Entry | None:
        """The entry stored under `key` if it is whole and holds exactly the files `expected`, (path, format,
        locale, role) of each in order, with a meta `valid_meta` accepts; None otherwise: render again."""
        if self.root is None or not _KEY.fullmatch(key):
            return None
        try:
            data = self._read(key[:2], f"{key}.entry")
            entry = None if data is None else _parse(data, key, [tuple(slot) for slot in expected])
            if entry is not None and valid_meta is not None and not valid_meta(entry.meta):
                entry = None
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            entry = None  # damaged or not as its channel writes it: rendered again, and replaced
        if entry is None:
            return None
        self.used.add(key)
        self.reused += [part.path for part in entry.parts]
        return entry

    def put(self, key: str, parts: Iterable[Part], meta: dict | None = None) -> Entry:
        """Store `parts` under `key` (counted as rendered); a cache that cannot be written only costs speed."""
        entry = Entry(tuple(parts), meta or {})
        self.rendered += [part.path for part in entry.parts]
        if self.root is None or not _KEY.fullmatch(key):
            return entry
        header = {
            "key": key,
            "meta": entry.meta,
            "parts": [
                {"path": p.path, "format": p.format, "locale": p.locale, "role": p.role, "bytes": len(p.data)}
                for p in entry.parts
            ],
        }
        body = json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n" + b"".join(p.data for p in entry.parts)
        data = f"dncontent-cache {FORMAT} {hashlib.sha256(body).hexdigest()}\n".encode("ascii") + body
        if self._write(key[:2], f"{key}.entry", data):
            self.used.add(key)
        return entry

    def prune(self, max_bytes: int = MAX_BYTES, max_age_days: float = MAX_AGE_DAYS) -> int:
        """Drop the oldest-used entries beyond `max_bytes`, and any unused for `max_age_days`, with temporary
        files a build left an hour ago or more. Only the cache's own names, only regular files, no link
        followed: nothing else in the folder is touched. Returns how many files went."""
        now = time.time()
        with self._root() as root:
            if root is None:
                return 0
            doomed: list[tuple[str | None, str]] = [  # markers being written when their build was killed
                (None, name)
                for name in _names(root)
                if _TEMP.fullmatch(name) and (info := _regular(root, name)) and info.st_mtime < now - _TEMP_SECONDS
            ]
            kept = 0
            for mtime, size, shard, name in sorted(_own_files(root), reverse=True):  # newest first
                if name.endswith(".tmp"):
                    if mtime < now - _TEMP_SECONDS:  # younger, another build may be writing it
                        doomed.append((shard, name))
                elif name.removesuffix(".entry") in self.used or (
                    now - mtime <= max_age_days * 86400 and kept + size <= max_bytes
                ):
                    kept += size
                else:
                    doomed.append((shard, name))
            removed = 0
            for subfolder, name in doomed:
                with _opened(subfolder, root) if subfolder else nullcontext(root) as folder:
                    with suppress(OSError):
                        if folder is not None:
                            os.unlink(name, dir_fd=folder)  # removes a link itself, never what it points to
                            removed += 1
        return removed

    @contextmanager
    def _root(self):
        """The root folder, opened, if it is still the folder that was checked (None otherwise)."""
        fd = None
        if self.root is not None:
            with suppress(OSError):
                fd = os.open(self.root, _FOLDER)
                info = os.fstat(fd)
                if (info.st_dev, info.st_ino) != self._folder:
                    os.close(fd)
                    fd = None
        try:
            yield fd
        finally:
            if fd is not None:
                os.close(fd)

    def _read(self, shard: str, name: str) -> bytes | None:
        with self._root() as root, _opened(shard, root) as folder:
            if folder is None:
                return None
            try:
                fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=folder)
            except OSError:
                return None
            try:
                info = os.fstat(fd)
                if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
                    return None
                with open(fd, "rb", closefd=False) as fh:  # its size, not the limit: a read allocates what it asks
                    data = fh.read(info.st_size + 1)
                if len(data) > MAX_BYTES:
                    return None
                with suppress(OSError):
                    os.utime(fd)  # most recently used: pruned last
                return data
            except OSError:
                return None
            finally:
                os.close(fd)

    def _write(self, shard: str, name: str, data: bytes) -> bool:
        with self._root() as root:
            if root is None:
                return False
            with suppress(OSError):
                os.mkdir(shard, 0o700, dir_fd=root)
            with _opened(shard, root) as folder:
                return folder is not None and _write_file(folder, name, data)


def _parse(data: bytes, key: str, expected: list[tuple]) -> Entry | None:
    """The entry in `data` if it is whole, is `key`'s, and holds exactly the `expected` files."""
    first, _, body = data.partition(b"\n")
    if first != f"dncontent-cache {FORMAT} {hashlib.sha256(body).hexdigest()}".encode("ascii"):
        return None
    line, _, rest = body.partition(b"\n")
    header = json.loads(line)
    if not isinstance(header, dict) or header.get("key") != key or not isinstance(header.get("meta"), dict):
        return None
    described = header["parts"]
    if [(p["path"], p["format"], p["locale"], p["role"]) for p in described] != expected:
        return None
    sizes = [p["bytes"] for p in described]
    if any(type(size) is not int or size < 0 for size in sizes) or sum(sizes) != len(rest):
        return None
    parts, at = [], 0
    for (path, format_, locale, role), size in zip(expected, sizes):
        parts.append(Part(path, format_, locale, role, rest[at : at + size]))
        at += size
    return Entry(tuple(parts), header["meta"])


def _claim(root: Path) -> tuple[int, int] | str:
    """The (device, inode) of `root` once it is a cache dncontent may use, making a new or empty folder one;
    otherwise why it cannot be, and what to do, as the rest of a sentence."""
    elsewhere = "set DNCONTENT_CACHE_DIR to a new or empty folder of your own"
    try:
        root.parent.mkdir(parents=True, exist_ok=True)
        with suppress(FileExistsError):
            os.mkdir(root, 0o700)
        fd = os.open(root, _FOLDER)
    except OSError as exc:
        return f"it is not a folder dncontent can use ({exc.strerror or exc}); {elsewhere}"
    try:
        info = os.fstat(fd)
        if info.st_uid != os.geteuid():
            return f"it belongs to another user; {elsewhere}"
        if info.st_mode & 0o022:
            return f"other users may write to it; make it yours alone (chmod go-w {root}) or {elsewhere}"
        marked, foreign = _inventory(fd)
        if foreign:
            shown = ", ".join(sorted(foreign)[:3]) + (", …" if len(foreign) > 3 else "")
            if marked:
                return f"it holds files dncontent did not write ({shown}); move them out or {elsewhere}"
            return f"it is not empty and not a dncontent cache ({shown}); {elsewhere}"
        if not marked and not (
            _write_file(fd, TAG, TAG_TEXT.encode("ascii"), keep=True)
            and _write_file(fd, MARKER, MARKER_TEXT.encode("utf-8"), keep=True)
            and _inventory(fd)[0]
        ):
            return f"it cannot be marked as dncontent's cache; {elsewhere}"
        return info.st_dev, info.st_ino
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or exc}); {elsewhere}"
    finally:
        os.close(fd)


def _inventory(root: int) -> tuple[bool, list[str]]:
    """Whether the opened folder carries dncontent's marker, and the names in it that are not dncontent's.

    A folder without the marker may hold only a cache tag and the temporary files of a build marking it.
    """
    names = {}
    with os.scandir(root) as listing:
        for item in listing:
            names[item.name] = item
    marker = names.get(MARKER)
    marked = (
        marker is not None
        and marker.is_file(follow_symlinks=False)
        and _starts_with(root, MARKER, MARKER_TEXT.split("\n", 1)[0].encode("utf-8") + b"\n")
    )
    foreign = []
    for name, item in names.items():
        if name in (MARKER, TAG) or _TEMP.fullmatch(name):
            ours = item.is_file(follow_symlinks=False)
        else:
            ours = marked and _SHARD.fullmatch(name) is not None and item.is_dir(follow_symlinks=False)
        if not ours:
            foreign.append(name)
    return marked, foreign


def _starts_with(folder: int, name: str, prefix: bytes) -> bool:
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=folder)
    except OSError:
        return False
    try:
        return stat.S_ISREG(os.fstat(fd).st_mode) and os.read(fd, len(prefix)) == prefix
    except OSError:
        return False
    finally:
        os.close(fd)


def _write_file(folder: int, name: str, data: bytes, keep: bool = False) -> bool:
    """Write `name` in the opened folder whole or not at all: a new temporary file, never through a link,
    renamed into place. With `keep`, a file already there is left as it is."""
    if keep:
        with suppress(OSError):
            if stat.S_ISREG(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode):
                return True
    temp = f".{name}.{secrets.token_hex(8)}.tmp"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=folder)
    except OSError:
        return False
    try:
        with open(fd, "wb", closefd=False) as fh:
            fh.write(data)
        os.replace(temp, name, src_dir_fd=folder, dst_dir_fd=folder)
        return True
    except OSError:
        with suppress(OSError):
            os.unlink(temp, dir_fd=folder)
        return False
    finally:
        os.close(fd)


@contextmanager
def _opened(name: str, parent: int | None):
    """Sub-folder `name` of an opened folder, opened without following a link; None if it is not one."""
    fd = None
    if parent is not None:
        with suppress(OSError):
            fd = os.open(name, _FOLDER, dir_fd=parent)
    try:
        yield fd
    finally:
        if fd is not None:
            os.close(fd)


def _names(folder: int) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _regular(folder: int, name: str) -> os.stat_result | None:
    """What lstat says of `name` in the opened folder, if it is a regular file."""
    try:
        info = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except OSError:
        return None
    return info if stat.S_ISREG(info.st_mode) else None


def _own_files(root: int) -> Iterator[tuple[float, int, str, str]]:
    """(time, size, shard, name) of every entry and temporary file in the opened cache: its own names only,
    regular files only, in shard folders that are not links."""
    for shard in _names(root):
        if not _SHARD.fullmatch(shard):
            continue
        with _opened(shard, root) as folder:
            for name in _names(folder) if folder is not None else ():
                match = _ENTRY.fullmatch(name)
                if (match and match.group(1).startswith(shard)) or _TEMP.fullmatch(name):
                    if info := _regular(folder, name):
                        yield info.st_mtime, info.st_size, shard, name


_current: contextvars.ContextVar[ArtifactCache | None] = contextvars.ContextVar("dncontent_cache", default=None)
_from_scratch: contextvars.ContextVar[bool] = contextvars.ContextVar("dncontent_from_scratch", default=False)
_checks_root: contextvars.ContextVar[tuple[Path | None] | None] = contextvars.ContextVar(
    "dncontent_checks_root", default=None
)


def remembered() -> ArtifactCache:
    """Where checks keep what they worked out and may look it up again (composed text messages, locale tags):
    the artifact cache (the one a build uses, none with --no-cache), and none inside `from_scratch()`.

    A cache of its own, not the build's: what checks remember is not counted among a build's files."""
    chosen = _checks_root.get()
    root = None if _from_scratch.get() else chosen[0] if chosen else default_dir()
    if root not in _remembered:  # one per folder and process: the folder is checked, and the code hashed, once
        _remembered[root] = ArtifactCache(root)
    return _remembered[root]


_remembered: dict[Path | None, ArtifactCache] = {}


@contextmanager
def checks_remember_in(root: Path | None):
    """Let checks remember what they work out under `root` (None: nowhere), as a build's cache does."""
    token = _checks_root.set((root,))
    try:
        yield
    finally:
        _checks_root.reset(token)


def scratch() -> bool:
    """Whether this is a run inside `from_scratch()`: it reads and writes no cache at all."""
    return _from_scratch.get()


@contextmanager
def from_scratch():
    """Work everything out afresh, reading and writing no cache (a release): a damaged or planted entry in
    any cache can then never reach what is published."""
    token = _from_scratch.set(True)
    try:
        yield
    finally:
        _from_scratch.reset(token)


def current() -> ArtifactCache:
    """The cache of the build (or preview render) running in this context; a disabled one outside any."""
    return _current.get() or ArtifactCache(None)


@contextmanager
def using(artifact_cache: ArtifactCache):
    token = _current.set(artifact_cache)
    try:
        yield artifact_cache
    finally:
        _current.reset(token)


def file_digest(path: Path | None) -> str:
    """The sha256 of a file the content names (the logo), read at each call: its contents decide, not its size
    or time. "" for no file or one that cannot be read (rendering then says why)."""
    if path is None:
        return ""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def environment() -> str:
    """What every rendering depends on besides the content: dncontent's code, templates and schemas by their
    contents (a few hundred KB, hashed in a few milliseconds), and the versions of the libraries."""
    from . import __version__
    from .resources import schemas_dir, templates_dir

    digest = hashlib.sha256(f"dncontent {__version__} format {FORMAT} {versions(LIBRARIES)}".encode())
    for label, root in (
        ("code", Path(__file__).resolve().parent),
        ("templates", templates_dir()),
        ("schemas", schemas_dir()),
    ):
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(name for name in dirs if name != "__pycache__")
            where = os.path.relpath(folder, root).replace(os.sep, "/")
            for file in sorted(files):
                name = (f"{label}/{file}" if where == "." else f"{label}/{where}/{file}").encode("utf-8")
                with open(os.path.join(folder, file), "rb") as fh:
                    data = fh.read()
                digest.update(len(name).to_bytes(8, "big") + name + len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def _tree(root: Path) -> list[tuple[str, str, os.stat_result]]:
    """(path under `root` with forward slashes, path, stat) of each file under `root`, sorted; no __pycache__.
    Plain os.scandir: every command that checks the cache pays for this walk."""
    found = []

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir():
                    if entry.name != "__pycache__":
                        walk(entry.path, f"{prefix}{entry.name}/")
                elif entry.is_file():
                    found.append((prefix + entry.name, entry.path, entry.stat()))

    walk(str(root), "")
    return sorted(found)


def versions(names: Iterable[str]) -> str:
    """ "name version" of each installed distribution, read from the names of their dist-info folders.

    importlib.metadata would tell the same, but importing it costs more than a whole cached build's rendering.
    """
    import sys

    wanted = {re.sub(r"[-_.]+", "_", name).lower(): name for name in names}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            listing = os.listdir(entry or ".")
        except OSError:
            continue
        for item in listing:
            if not item.endswith(".dist-info"):
                continue
            match = re.fullmatch(r"(.+?)-([^-]+)\.dist-info", item)
            if match:
                key = re.sub(r"[-_.]+", "_", match.group(1)).lower()
                if key in wanted and wanted[key] not in found:
                    found[wanted[key]] = match.group(2)
    return ", ".join(f"{name} {found.get(name, 'none')}" for name in names)
