"""The artifact cache: what a channel rendered, kept by a hash of everything it was rendered from.

A build asks the cache before rendering. Each entry is keyed by a sha256 of the rendering's inputs: the
slice of the model it reads, the templates, CSS, fonts and schemas, the options that affect it, the versions
of dncontent (its code included) and of the libraries that shape the output. When nothing of that changed
the stored bytes are reused, and the channel's heavy libraries (WeasyPrint) are never imported.

Where it lives: `$DNCONTENT_CACHE_DIR`, else `$XDG_CACHE_HOME/dncontent/artifacts`, else
`~/.cache/dncontent/artifacts`; outside build/, so a build's output holds only what it built. Delete the
folder to clear it, or build with `--no-cache`.

Entries are written to a temporary file and renamed into place, and every part carries its sha256, checked
on reading: a killed build never leaves an entry that is served half-written. The cache is bounded: after a
build, entries are pruned oldest-used first down to `MAX_BYTES`, and entries no build used for `MAX_AGE_DAYS`
go too.
"""
from __future__ import annotations

import contextvars
import hashlib
import json
import os
import time
from collections.abc import Iterable
from contextlib import contextmanager
from functools import cache as memoize
from pathlib import Path
from typing import NamedTuple

FORMAT = 1  # of the entry files; bump when it changes
MAX_BYTES = 256 * 1024 * 1024
MAX_AGE_DAYS = 30
# Libraries whose versions change what a channel writes (dates and lists, templates, escaping, QR codes, codec).
LIBRARIES = ("babel", "jinja2", "markupsafe", "segno", "gsm0338")


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
    """Entries by key under `root`; a cache with no root stores nothing and finds nothing (`--no-cache`)."""

    def __init__(self, root: Path | None):
        self.root = root
        self.rendered: list[str] = []  # paths of the artifacts made this run
        self.reused: list[str] = []  # paths of the artifacts taken from the cache this run
        self.used: set[str] = set()
        self.progress = None  # called with a line about what is being rendered, when someone is watching
        self.print_server = False  # whether brochures may go to a print server (builds; not the preview)

    @property
    def enabled(self) -> bool:
        return self.root is not None

    def key(self, *parts: str | bytes) -> str:
        """The key of an entry made from `parts` (see `key`); "" in a cache that keeps nothing, which so never
        reads the code's hash remembered in the cache folder."""
        return key(*parts) if self.root is not None else ""

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.entry"

    def get(self, key: str) -> Entry | None:
        """The entry stored under `key`, whole and checked, or None."""
        if self.root is None:
            return None
        path = self._path(key)
        try:
            with open(path, "rb") as fh:
                header = json.loads(fh.readline())
                if header.get("format") != FORMAT or header.get("key") != key:
                    return None
                parts = []
                for part in header["parts"]:
                    data = fh.read(part["bytes"])
                    if len(data) != part["bytes"] or hashlib.sha256(data).hexdigest() != part["sha256"]:
                        return None  # damaged: render again
                    parts.append(Part(part["path"], part["format"], part["locale"], part["role"], data))
                if fh.read(1):
                    return None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        try:
            os.utime(path)  # most recently used: pruned last
        except OSError:
            pass
        self.used.add(key)
        self.reused += [part.path for part in parts]
        return Entry(tuple(parts), header.get("meta") or {})

    def put(self, key: str, parts: Iterable[Part], meta: dict | None = None) -> Entry:
        """Store `parts` under `key` (counted as rendered); a cache that cannot be written only costs speed."""
        entry = Entry(tuple(parts), meta or {})
        self.rendered += [part.path for part in entry.parts]
        if self.root is None:
            return entry
        header = {"format": FORMAT, "key": key, "meta": entry.meta, "parts": [
            {"path": p.path, "format": p.format, "locale": p.locale, "role": p.role, "bytes": len(p.data),
             "sha256": hashlib.sha256(p.data).hexdigest()} for p in entry.parts]}
        path = self._path(key)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as fh:
                fh.write(json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n")
                for part in entry.parts:
                    fh.write(part.data)
            os.replace(tmp, path)  # whole or not at all
            self.used.add(key)
        except OSError:
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
        return entry

    def prune(self, max_bytes: int = MAX_BYTES, max_age_days: float = MAX_AGE_DAYS) -> int:
        """Drop the oldest-used entries beyond `max_bytes`, and any unused for `max_age_days`. Returns how many."""
        if self.root is None or not self.root.is_dir():
            return 0
        entries = []
        now = time.time()
        for path in self.root.glob("*/*"):
            try:
                info = path.stat()
            except OSError:
                continue
            if path.name.endswith(".tmp") and now - info.st_mtime < 3600:
                continue  # another build may be writing it
            entries.append((info.st_mtime, info.st_size, path))
        entries.sort(reverse=True)  # newest first
        kept, removed = 0, 0
        for mtime, size, path in entries:
            used_now = path.name.removesuffix(".entry") in self.used
            stale = now - mtime > max_age_days * 86400 or path.name.endswith(".tmp")
            if used_now or (not stale and kept + size <= max_bytes):
                kept += size
                continue
            try:
                path.unlink()
                removed += 1
            except OSError:
                pass
        return removed


_current: contextvars.ContextVar[ArtifactCache | None] = contextvars.ContextVar("dncontent_cache", default=None)
_from_scratch: contextvars.ContextVar[bool] = contextvars.ContextVar("dncontent_from_scratch", default=False)
_checks_root: contextvars.ContextVar[tuple[Path | None] | None] = contextvars.ContextVar("dncontent_checks_root",
                                                                                       default=None)


def remembered() -> ArtifactCache:
    """Where checks keep what they worked out and may look it up again (composed text messages, locale tags):
    the artifact cache (the one a build uses, none with --no-cache), and none inside `from_scratch()`.

    A cache of its own, not the build's: what checks remember is not counted among a build's files."""
    chosen = _checks_root.get()
    return ArtifactCache(None if _from_scratch.get() else chosen[0] if chosen else default_dir())


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
    """The sha256 of a file the content names (the logo), read once per process for as long as it is unchanged;
    "" for no file or one that cannot be read (rendering then says why)."""
    if path is None:
        return ""
    try:
        info = path.stat()
    except OSError:
        return ""
    return _digest(str(path), info.st_size, info.st_mtime_ns)


@memoize
def _digest(path: str, size: int, mtime_ns: int) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def key(*parts: str | bytes) -> str:
    """A cache key: sha256 over the environment and `parts`, each length-prefixed so no two lists collide."""
    digest = hashlib.sha256()
    for part in (environment(), *parts):
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


@memoize
def environment() -> str:
    """What every rendering depends on besides the content: dncontent's code and resources, and library versions.

    The files' contents are hashed; the hash is remembered beside the cache under a signature of their names,
    sizes and modification times, so a build whose code and templates are untouched reads no file twice.
    """
    from . import __version__
    from .resources import schemas_dir, templates_dir

    package = Path(__file__).resolve().parent
    files = [(f"{label}/{name}", path, info) for label, root in (("code", package), ("templates", templates_dir()),
                                                                  ("schemas", schemas_dir()))
             for name, path, info in _tree(root)]
    head = f"dncontent {__version__} format {FORMAT} {versions(LIBRARIES)}"
    signature = hashlib.sha256(head.encode("utf-8"))
    for name, _path, info in files:
        signature.update(f"{name} {info.st_size} {info.st_mtime_ns}\0".encode())
    memo_path = (default_dir() or Path("/nonexistent")) / "environment.json"
    memo = _read_memo(memo_path)
    known = memo.get(signature.hexdigest())
    if isinstance(known, str):
        return known
    digest = hashlib.sha256(head.encode("utf-8"))
    for name, path, _info in files:
        with open(path, "rb") as fh:
            digest.update(name.encode("utf-8") + b"\0" + fh.read())
    _write_memo(memo_path, {**dict(list(memo.items())[-20:]), signature.hexdigest(): digest.hexdigest()})
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
    """"name version" of each installed distribution, read from the names of their dist-info folders.

    importlib.metadata would tell the same, but importing it costs more than a whole cached build's rendering.
    """
    import re
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


def _read_memo(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            data = json.loads(fh.read(100_000))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError, RecursionError):
        return {}


def _write_memo(path: Path, memo: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(memo), "utf-8")
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
