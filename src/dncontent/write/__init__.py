"""Write: the one writer. Artifacts go to a staging folder, then replace the output folder in one step."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import lock
from .lock import LOCK_TIMEOUT

# Beside an output folder `out`, a build uses `.<out>.lock` (see `lock`) and `.<out>.staging/`, which holds
# STAGING_MARK, the new build in `new/` and, where the system cannot exchange two folders, the previous build
# in `old/` for a moment. The mark is written before anything else and removed after everything else, so a
# staging folder is provably dncontent's at every step of a build, and a killed build never blocks the next.
STAGING_MARK = ".dncontent-staging"
_MARK_TEXT = b"dncontent builds here; the next build removes this folder if a build was interrupted\n"


@dataclass(frozen=True)
class Artifact:
    """One output file, as a channel produced it."""

    path: str  # relative to the output folder, with forward slashes
    format: str  # json | html | sms | pdf
    locale: str | None
    role: str
    data: bytes


class Writer:
    """Collects artifacts in `.<out>.staging/new`, then swaps that folder in for `out`.

    Holds the output's lock from creation until `close()`: builds into the same folder take turns. A build
    that fails or is killed before `commit()` never touches `out`; whatever a killed build leaves behind, the
    next one clears or completes. Refuses to write one path twice.

    An artifact whose bytes `out` already holds at its path is kept in memory, not written: when every file
    is unchanged and `out` holds nothing else, `commit()` leaves `out` as it is (nothing to write, sync or
    swap); otherwise the kept artifacts are written to the staging folder with the rest.
    """

    def __init__(
        self,
        out: Path,
        content: Path | None = None,
        *,
        lock_timeout: float = LOCK_TIMEOUT,
        on_wait: Callable[[str], None] | None = None,
        header: dict | None = None,
    ):
        shown = f"{Path(out)}/"
        self.header = dict(header or {})  # what the manifest says about the build as a whole, before its artifacts
        self.out = _resolve(Path(out))
        check_output_place(self.out, content)
        self.staging = self.out.parent / f".{self.out.name}.staging"
        self.new = self.staging / "new"
        self.entries: list[dict] = []
        self._paths: set[str] = set()
        self._unchanged: list[Artifact] = []  # already in `out`, byte for byte: written only if `out` is replaced
        self.up_to_date = False  # set by commit() when `out` already held exactly this build
        self._made_staging = False
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self._lock: int | None = lock.acquire(self.out, shown, lock_timeout, on_wait or _to_stderr)
        try:
            recover(self.out)
            check_output_contents(self.out)
            os.mkdir(self.staging)
            self._made_staging = True
            (self.staging / STAGING_MARK).write_bytes(_MARK_TEXT)
            os.mkdir(self.new)
        except BaseException:
            self.abort()
            self.close()
            raise

    def write(self, artifact: Artifact) -> None:
        rel = PurePosixPath(artifact.path)
        if rel.is_absolute() or ".." in rel.parts or not rel.parts:
            raise ValueError(f"artifact path escapes the output folder: {artifact.path}")
        if artifact.path in self._paths or artifact.path == "manifest.json":
            raise ValueError(f"two artifacts want the same path: {artifact.path}")
        self._paths.add(artifact.path)
        digest = hashlib.sha256(artifact.data).hexdigest()
        if _holds(self.out / rel, artifact.data, digest):
            self._unchanged.append(artifact)
        else:
            self._stage(artifact)
        self.entries.append(
            {
                "path": artifact.path,
                "format": artifact.format,
                "locale": artifact.locale,
                "role": artifact.role,
                "bytes": len(artifact.data),
                "sha256": digest,
            }
        )

    def _stage(self, artifact: Artifact) -> None:
        target = self.new / PurePosixPath(artifact.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(artifact.data)

    def manifest(self) -> dict:
        return {**self.header, "artifacts": sorted(self.entries, key=lambda e: e["path"])}

    def commit(self) -> None:
        data = (json.dumps(self.manifest(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        if len(self._unchanged) == len(self.entries) and self._out_holds_only(data):
            self.up_to_date = True  # `out` is this build already: leave it, and every file's time, as it is
            self.abort()
            return
        for artifact in self._unchanged:
            self._stage(artifact)
        self._unchanged = []
        (self.new / "manifest.json").write_bytes(data)
        _fsync_tree(self.new)
        try:
            self._swap()
        except OSError as exc:
            if exc.errno in (errno.EBUSY, errno.EXDEV):  # a mount point (a bind mount shows only here)
                raise mount_point_error(self.out) from None
            raise
        self._made_staging = False  # the build is in place: nothing from here on fails it
        try:
            _fsync_folder(self.out.parent)
            _discard(self.staging)  # the previous build, and the mark last
        except OSError:
            pass  # the staging folder keeps its mark, so the next build removes it

    def _out_holds_only(self, manifest: bytes) -> bool:
        """Whether `out` holds this manifest and the files it lists (each already checked), and nothing else."""
        return _holds(self.out / "manifest.json", manifest, hashlib.sha256(manifest).hexdigest()) and is_build(self.out)

    def _swap(self) -> None:
        if not os.path.lexists(self.out):
            os.rename(self.new, self.out)
        elif not _exchange(self.new, self.out):  # no renameat2 here: two renames, which `recover` completes
            previous = self.staging / "old"
            os.rename(self.out, previous)
            try:
                os.rename(self.new, self.out)
            except OSError:
                os.rename(previous, self.out)
                raise

    def abort(self) -> None:
        """Remove this build's staging folder; the output folder is as it was."""
        if self._made_staging:
            self._made_staging = False
            try:
                _discard(self.staging)
            except OSError:
                pass  # it keeps its mark: the next build removes it

    def close(self) -> None:
        """Let the next build into this output folder go ahead."""
        if self._lock is not None:
            fd, self._lock = self._lock, None
            lock.release(self.out, fd)

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()
        self.close()


def _holds(path: Path, data: bytes, digest: str) -> bool:
    """Whether `path` is a regular file (not a link) holding exactly `data`."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode) or os.path.getsize(path) != len(data):
            return False
        with open(path, "rb") as fh:
            return hashlib.sha256(fh.read(len(data) + 1)).hexdigest() == digest
    except OSError:
        return False


def _resolve(out: Path) -> Path:
    from ..errors import UsageError

    try:
        return out.resolve()
    except RuntimeError:  # a symbolic link loop
        raise UsageError(f"output path {out} is a symbolic link that leads back to itself") from None


def _place(where) -> Path | None:
    """Path.cwd() or Path.home(), resolved, or None when the system cannot say (deleted, or no home)."""
    try:
        return where().resolve()
    except (OSError, RuntimeError, KeyError):
        return None


def check_output_place(out: Path, content: Path | None = None) -> None:
    """Refuse an output folder whose replacement would destroy something: a build replaces it whole."""
    from ..errors import UsageError

    for name, folder in (("the working folder", _place(Path.cwd)), ("your home folder", _place(Path.home))):
        if folder is None:  # a working folder deleted under us, or no home folder: nothing there to protect
            continue
        if out == folder or out in folder.parents:
            raise UsageError(
                f"refusing to build into {out}: replacing it would delete {name}; "
                f"choose a folder of its own, such as build/"
            )
    if content is not None:
        content = Path(content).resolve()
        if out == content or out in content.parents or content in out.parents:
            raise UsageError(f"refusing to build into {out}: it overlaps the content folder {content}")
    if re.fullmatch(r"\..+\.(staging|old|lock)", out.name):
        raise UsageError(
            f"refusing to build into {out}: builds use names like {out.name} for their own "
            f"working files; choose another name, such as build/"
        )
    if out.exists() and not out.is_dir():
        raise UsageError(f"output path {out} is a file, not a folder")
    above = next((folder for folder in out.parents if os.path.lexists(folder)), None)
    if above is not None and not above.is_dir():
        raise UsageError(f"output path {out} is inside {above}, which is a file, not a folder")
    if out.is_dir() and os.path.ismount(out):
        raise mount_point_error(out)


def check_output_contents(out: Path) -> None:
    """Refuse an output folder holding anything an earlier build did not write. Run it holding the lock."""
    from ..errors import UsageError

    if out.is_dir() and any(out.iterdir()) and not is_build(out):
        raise UsageError(
            f"refusing to replace {out}: it holds files an earlier build did not write; choose a new or empty folder"
        )


def mount_point_error(out: Path):
    from ..errors import UsageError

    return UsageError(
        f"cannot replace {out}: it is a mount point, and a build replaces its output folder "
        f"whole; build into a folder inside it instead, such as --out {out / 'site'}"
    )


def is_build(folder: Path) -> bool:
    """Whether `folder` holds only what a dncontent build wrote: its manifest, the files it lists, their folders."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        listed = {entry["path"] for entry in manifest["artifacts"] if entry["sha256"] and entry["role"]}
    except (OSError, ValueError, KeyError, TypeError):
        return False
    folders = {str(PurePosixPath(path).parent) for path in listed} | {"."}
    folders |= {str(parent) for path in listed for parent in PurePosixPath(path).parents}
    try:
        for where, dirs, files in os.walk(folder, onerror=_raise):  # does not follow links: a link is never ours
            rel = Path(where).relative_to(folder).as_posix()
            if rel not in folders:
                return False
            for name in files:
                path = Path(where) / name
                key = (Path(rel) / name).as_posix() if rel != "." else name
                if path.is_symlink() or (key not in listed and key != "manifest.json"):
                    return False
            if any((Path(where) / d).is_symlink() for d in dirs):
                return False
    except OSError:  # a folder it cannot read may hold anything
        return False
    return True


def recover(out: Path) -> None:
    """Clear what a killed build left beside `out`, first putting the previous build back if it was mid-swap.

    Deletes only a staging folder that holds dncontent's mark (or nothing at all); refuses anything else.
    """
    from ..errors import UsageError

    staging = out.parent / f".{out.name}.staging"
    old = out.parent / f".{out.name}.old"  # earlier versions swapped through it; this one never makes it
    for folder, ours in ((old, False), (staging, _is_own_staging(staging))):
        if os.path.lexists(folder) and not ours:
            raise UsageError(
                f"{folder} exists and was not made by dncontent; move it away or delete it, then build again"
            )
    if not os.path.lexists(staging):
        return
    previous = staging / "old"
    if not os.path.lexists(out) and previous.is_dir() and not previous.is_symlink():
        os.rename(previous, out)  # killed between the two renames of a swap
    _discard(staging)


def _is_own_staging(folder: Path) -> bool:
    """Whether `folder` is a real folder holding the mark, or nothing at all (a build killed at its mkdir)."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    mark = folder / STAGING_MARK
    return (mark.is_file() and not mark.is_symlink()) or not any(folder.iterdir())


def _discard(staging: Path) -> None:
    """Remove a staging folder depth first, its mark after everything else, so an interrupted removal is resumed."""
    for entry in sorted(os.listdir(staging)):
        if entry != STAGING_MARK:
            _remove_tree(staging / entry)
    if os.path.lexists(staging / STAGING_MARK):
        os.unlink(staging / STAGING_MARK)
    os.rmdir(staging)


def _remove_tree(path: Path) -> None:
    if path.is_symlink() or not path.is_dir():
        os.unlink(path)
        return
    for where, dirs, files in os.walk(path, topdown=False, onerror=_raise):
        for name in files:
            os.unlink(os.path.join(where, name))
        for name in dirs:
            folder = os.path.join(where, name)
            os.unlink(folder) if os.path.islink(folder) else os.rmdir(folder)
    os.rmdir(path)


def _raise(exc: OSError) -> None:
    raise exc


def _to_stderr(message: str) -> None:
    try:
        print(message, file=sys.stderr, flush=True)
    except (OSError, ValueError, AttributeError):
        pass  # no usable stderr: wait silently


def _fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
        elif path.is_dir():
            _fsync_folder(path)
    _fsync_folder(root)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the files themselves are synced
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders with Linux renameat2(RENAME_EXCHANGE).

    False where the system or file system cannot; raises OSError for any other failure.
    """
    import ctypes  # only when a build is swapped in: a build that changes nothing never loads it
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b), None, str(a))
