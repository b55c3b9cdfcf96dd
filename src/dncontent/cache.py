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

    @property
    def enabled(self) -> bool:
        return self.root is not None

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


def key(*parts: str | bytes) -> str:
    """A cache key: sha256 over the environment and `parts`, each length-prefixed so no two lists collide."""
    digest = hashlib.sha256()
    for part in (environment(), *parts):
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


@memoize
def environment() -> str:
    """What every rendering depends on besides the content: dncontent's code and resources, and library versions."""
    from importlib import metadata

    from . import __version__
    from .resources import schemas_dir, templates_dir

    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"dncontent {__version__} format {FORMAT}".encode())
    for root in (package, templates_dir(), schemas_dir()):
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            if path.suffix in (".pyc",):
                continue
            digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0" + path.read_bytes())
    for name in LIBRARIES:
        try:
            digest.update(f"{name} {metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} none".encode())
    return digest.hexdigest()
