"""Write: the one writer. Artifacts go to a staging folder, then replace the output folder in one step."""
from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class Artifact:
    """One output file, as a channel produced it."""

    path: str  # relative to the output folder, with forward slashes
    format: str  # json | html | sms | pdf
    locale: str | None
    role: str
    data: bytes


class Writer:
    """Collects artifacts in `.<out>.staging`, then swaps the staging folder in for `out`.

    A build that fails or is killed before `commit()` never touches `out`. Refuses to write one path twice.
    """

    def __init__(self, out: Path, content: Path | None = None):
        self.out = Path(out).resolve()
        check_output_folder(self.out, content)
        self.staging = self.out.parent / f".{self.out.name}.staging"
        self._old = self.out.parent / f".{self.out.name}.old"
        self.entries: list[dict] = []
        self._paths: set[str] = set()
        recover(self.out)
        if self.staging.exists():
            _remove_own(self.staging)  # left by a build that was killed
        self.staging.mkdir(parents=True)
        (self.staging / STAGING_MARK).touch()

    def write(self, artifact: Artifact) -> None:
        rel = PurePosixPath(artifact.path)
        if rel.is_absolute() or ".." in rel.parts or not rel.parts:
            raise ValueError(f"artifact path escapes the output folder: {artifact.path}")
        if artifact.path in self._paths or artifact.path == "manifest.json":
            raise ValueError(f"two artifacts want the same path: {artifact.path}")
        self._paths.add(artifact.path)
        target = self.staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(artifact.data)
        self.entries.append({
            "path": artifact.path, "format": artifact.format, "locale": artifact.locale, "role": artifact.role,
            "bytes": len(artifact.data), "sha256": hashlib.sha256(artifact.data).hexdigest(),
        })

    def manifest(self) -> dict:
        return {"artifacts": sorted(self.entries, key=lambda e: e["path"])}

    def commit(self) -> None:
        data = json.dumps(self.manifest(), indent=2, ensure_ascii=False) + "\n"
        (self.staging / "manifest.json").write_text(data, encoding="utf-8")
        (self.staging / STAGING_MARK).unlink()
        _fsync_tree(self.staging)
        if self.out.exists() and _exchange(self.staging, self.out):
            shutil.rmtree(self.staging)  # now holds the previous build
            return
        if self.out.exists():
            os.rename(self.out, self._old)
            os.rename(self.staging, self.out)
            shutil.rmtree(self._old)
        else:
            os.rename(self.staging, self.out)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def __enter__(self) -> "Writer":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()


def check_output_folder(out: Path, content: Path | None = None) -> None:
    """Refuse an output folder whose replacement would destroy something: a build replaces it whole."""
    from ..errors import UsageError

    for name, folder in (("the working folder", Path.cwd()), ("your home folder", Path.home())):
        folder = folder.resolve()
        if out == folder or out in folder.parents:
            raise UsageError(f"refusing to build into {out}: replacing it would delete {name}; "
                             f"choose a folder of its own, such as build/")
    if content is not None:
        content = Path(content).resolve()
        if out == content or out in content.parents or content in out.parents:
            raise UsageError(f"refusing to build into {out}: it overlaps the content folder {content}")
    if out.exists() and not out.is_dir():
        raise UsageError(f"output path {out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not is_build(out):
        raise UsageError(f"refusing to replace {out}: it holds files an earlier build did not write; "
                         f"choose a new or empty folder")


STAGING_MARK = ".dncontent-staging"  # present in a staging folder until its build is complete


def is_build(folder: Path) -> bool:
    """Whether `folder` holds only what a dncontent build wrote: its manifest, the files it lists, their folders."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        listed = {entry["path"] for entry in manifest["artifacts"] if entry["sha256"] and entry["role"]}
    except (OSError, ValueError, KeyError, TypeError):
        return False
    folders = {str(PurePosixPath(path).parent) for path in listed} | {"."}
    folders |= {str(parent) for path in listed for parent in PurePosixPath(path).parents}
    for where, dirs, files in os.walk(folder):  # does not follow links: a link is never ours
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
    return True


def _remove_own(folder: Path) -> None:
    """Delete a staging or swapped-out folder, but only one dncontent made."""
    from ..errors import UsageError

    if (folder / STAGING_MARK).is_file() or is_build(folder):
        shutil.rmtree(folder)
    else:
        raise UsageError(f"{folder} exists and was not made by dncontent; move it away and build again")


def recover(out: Path) -> None:
    """Finish or undo a swap that was interrupted between its two renames (systems without renameat2)."""
    old = out.parent / f".{out.name}.old"
    if old.exists():
        if out.exists():
            _remove_own(old)
        elif is_build(old):
            os.rename(old, out)
        else:
            _remove_own(old)  # refuses: not ours


def _fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders with Linux renameat2(RENAME_EXCHANGE). False where unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
