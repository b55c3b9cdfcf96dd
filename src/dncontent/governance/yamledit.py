"""Edit content files in place with ruamel.yaml's round-trip mode: comments, key order, quoting and wrapping kept.

Only what a command changes is rewritten; a file whose data did not change is never written, so running a
command twice leaves a clean diff. Writes are staged beside the file and renamed over it.

A content folder may hold things dncontent did not make (a link, a FIFO, a file named like a temporary one):
a content file is edited only if it, and every folder between the content folder and it, is not a link, and
it is a regular file; a staged file gets a fresh name, created exclusively without following links, so nothing
already there is ever opened, written or replaced except the content files themselves.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.util import load_yaml_guess_indent

from ..errors import DncontentError, Problem
from ..load.files import display_path, read_regular, what_is
from ..load.yaml_reader import MAX_BYTES

STAGED_SUFFIX = ".dncontent-new"


class WriteRefused(DncontentError):
    """A content file a command will not read for editing or write; nothing was written."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        self.problems = sorted(problems or [])
        super().__init__(message)


def refusal(path: Path, root: Path | None = None) -> Problem | None:
    """Why `path` cannot be edited in place, or None. It must not be a link, nor be reached through a linked folder
    below `root` (the content folder, which may itself be a link), and where it exists it must be a regular file.
    Only looks: never opens anything."""
    root = root if root is not None else path.parent
    try:
        steps = path.relative_to(root).parts
    except ValueError:
        steps = (path.name,)
        root = path.parent
    where = root
    for step in steps:
        where = where / step
        try:
            mode = os.lstat(where).st_mode
        except FileNotFoundError:
            return None  # a file the command creates (translation.yaml)
        except OSError as exc:
            return Problem(
                display_path(where),
                1,
                1,
                "",
                f"cannot read: {exc.strerror or exc}",
                "check the file's permissions",
                code="io",
            )
        if stat.S_ISLNK(mode):
            try:
                target = os.readlink(where)
            except OSError:
                target = "?"
            if where == path:
                return Problem(
                    display_path(where),
                    1,
                    1,
                    "",
                    f"is a symbolic link (to {target}): dncontent edits "
                    "content files in place and never writes through a link",
                    "replace the link with a copy of the file it points to",
                    code="link",
                )
            return Problem(
                display_path(path),
                1,
                1,
                "",
                f"is inside {display_path(where)}, a symbolic link (to "
                f"{target}): dncontent edits content files in place and never writes through a link",
                "replace the linked folder with a copy of the folder it points to",
                code="link",
            )
    if not stat.S_ISREG(mode):
        return Problem(
            display_path(path),
            1,
            1,
            "",
            f"is {what_is(mode)}, not a regular file",
            "content files are plain text files; replace it with one",
            code="not-a-file",
        )
    return None


def refused(problems: list[Problem]) -> WriteRefused:
    files = ", ".join(dict.fromkeys(p.file for p in sorted(problems)))
    return WriteRefused(f"cannot edit {files}; nothing was written", problems)


def read_for_edit(path: Path, root: Path | None = None) -> str:
    """The text of a content file about to be edited: a regular file reached without links (see `refusal`).

    Opened without following a link and without waiting on a FIFO, in case it changed since it was looked at.
    """
    problem = refusal(path, root)
    if problem:
        raise refused([problem])
    shown = display_path(path)
    try:
        raw = read_regular(path, follow_links=False)
    except OSError as exc:
        raise refused(
            [Problem(shown, 1, 1, "", f"cannot read: {exc.strerror or exc}", "check the file's permissions", code="io")]
        ) from None
    if raw is None:
        raise refused(
            [
                Problem(
                    shown,
                    1,
                    1,
                    "",
                    "is not a regular file",
                    "content files are plain text files; replace it with one",
                    code="not-a-file",
                )
            ]
        )
    if len(raw) > MAX_BYTES:
        raise refused([Problem(shown, 1, 1, "", f"is larger than {MAX_BYTES:,} bytes", code="too-large")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refused(
            [Problem(shown, 1, 1, "", f"is not UTF-8 text: {exc.reason}", "save it as UTF-8", code="encoding")]
        ) from None


class Document:
    """One content file loaded for editing; `text()` is the file as it would be written."""

    def __init__(self, path: Path, root: Path | None = None) -> None:
        self.path = path
        self.original = read_for_edit(path, root)
        _, sequence, offset = load_yaml_guess_indent(self.original)
        self.yaml = YAML(typ="rt")
        self.yaml.preserve_quotes = True
        self.yaml.width = 4096  # never re-wrap a line the edit did not touch
        self.yaml.indent(mapping=2, sequence=sequence or 4, offset=offset if offset is not None else 2)
        self.data = self.yaml.load(self.original)

    def text(self) -> str:
        out = io.StringIO()
        self.yaml.dump(self.data, out)
        return out.getvalue()

    @property
    def changed(self) -> bool:
        return self.text() != self.original


def set_text(container, key, text: str) -> bool:
    """Set a text value in the style the old one was written in (folded paragraphs stay folded). True if it changed."""
    old = container[key]
    if isinstance(old, str) and str(old) == text:
        return False
    container[key] = styled(old, text)
    return True


def styled(old, text: str):
    plain_edges = text == text.strip() and "\n" not in text and "  " not in text
    if isinstance(old, FoldedScalarString) and plain_edges:
        new = FoldedScalarString(text)
        widths = _line_widths(str(old), getattr(old, "fold_pos", []))
        if len(widths) > 1:  # the old text was wrapped: wrap the new one as wide
            new.fold_pos = fold_positions(text, max(widths))
        return new
    if isinstance(old, LiteralScalarString) and "\n" in text:
        return LiteralScalarString(text)
    if isinstance(old, SingleQuotedScalarString):
        return SingleQuotedScalarString(text)
    if isinstance(old, DoubleQuotedScalarString) or not plain_edges:
        return DoubleQuotedScalarString(text)
    return text


def folded(text: str, width: int) -> FoldedScalarString | str:
    """A long text as a folded block wrapped at `width`, a short one as it is."""
    if len(text) <= width or text != text.strip() or "\n" in text or "  " in text:
        return text
    new = FoldedScalarString(text)
    new.fold_pos = fold_positions(text, width)
    return new


def _line_widths(text: str, fold_pos: list[int]) -> list[int]:
    edges = [-1, *fold_pos, len(text)]
    return [b - a - 1 for a, b in zip(edges, edges[1:])]


def fold_positions(text: str, width: int) -> list[int]:
    """Where to break a folded scalar (indices of single spaces) so that no line is longer than `width`."""
    spaces = [
        i
        for i, ch in enumerate(text)
        if ch == " " and 0 < i < len(text) - 1 and text[i - 1] != " " and text[i + 1] != " "
    ]
    breaks: list[int] = []
    start, previous = 0, None
    for space in [*spaces, len(text)]:
        if space - start > width and previous is not None and previous > start:
            breaks.append(previous)
            start = previous + 1
        previous = space
    return breaks


def write_all(documents: list[tuple[Path, str]], root: Path | None = None) -> None:
    """Write each (path, text) under the content folder `root`: every path checked (see `refusal`), then every
    file staged under a new name beside it, synced, and renamed into place, so a refusal or failure writes nothing.
    """
    problems = [p for path, _ in documents if (p := refusal(path, root))]
    if problems:
        raise refused(problems)
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in documents:
            staged.append((_stage(path, text), path))
    except OSError as exc:
        _discard([temp for temp, _ in staged])
        raise WriteRefused(
            f"cannot write {display_path(documents[len(staged)][0])}: {exc.strerror or exc}; nothing was written"
        ) from None
    for done, (temp, path) in enumerate(staged):
        try:
            os.replace(temp, path)
        except OSError as exc:
            _discard([t for t, _ in staged[done:]])
            written = ", ".join(display_path(p) for _, p in staged[:done]) or "nothing"
            raise WriteRefused(
                f"cannot replace {display_path(path)}: {exc.strerror or exc}; written: {written}"
            ) from None
    for folder in dict.fromkeys(path.parent for _, path in staged):
        _fsync_folder(folder)


def _stage(path: Path, text: str) -> Path:
    """`text` in a new file beside `path` (a name nobody chose before: mkstemp creates it exclusively, without
    following a link), with the mode `path` has, synced to disk."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=STAGED_SUFFIX, dir=path.parent)
    try:
        with open(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))
            fh.flush()
            os.fchmod(fh.fileno(), _mode_for(path))
            os.fsync(fh.fileno())
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def _mode_for(path: Path) -> int:
    """The permissions of the file being replaced, or those a new file gets under the umask."""
    try:
        return stat.S_IMODE(os.lstat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def _discard(temps: list[Path]) -> None:
    """Remove files this process staged (and only those: their names came from mkstemp)."""
    for temp in temps:
        try:
            os.unlink(temp)
        except OSError:
            pass


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the files themselves are synced
    finally:
        os.close(fd)
