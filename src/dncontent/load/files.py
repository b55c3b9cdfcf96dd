"""Find the content files under a content folder and say which kind (and so which schema) each one is."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Collection, Mapping
from pathlib import Path

from ..errors import Problem, UsageError
from .locales import locale_problem
from .yaml_reader import MAX_BYTES, Located, read_yaml

# The kinds of content file. The file name says the kind; the kind names its schema.
SHARED_KINDS = ("brand",)
LOCALE_KINDS = ("page", "conditions", "risks", "contraindications", "session", "cta", "sms", "labels")
OPTIONAL_LOCALE_KINDS = ("translation",)  # what a translated locale was translated from (dncontent i18n)
ASSETS = "assets"  # the one other folder a content folder may have: images such as the logo


class ContentFile:
    """One content file: where it is, how problems name it, its kind and locale, and once read, its document."""

    __slots__ = ("path", "display", "kind", "locale", "doc")

    def __init__(self, path: Path, display: str, kind: str, locale: str | None) -> None:
        self.path = path
        self.display = display  # e.g. content/en/risks.yaml
        self.kind = kind
        self.locale = locale
        self.doc: Located | None = None


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the working folder when inside it."""
    try:
        rel = os.path.relpath(path)
    except (ValueError, OSError):  # another drive on Windows; a working folder that was deleted
        return str(path)
    return str(path) if rel.startswith("..") else rel


def check_root(root: Path) -> None:
    """Refuse a content folder that is not one, saying what it is instead."""
    try:
        mode = root.stat().st_mode
    except FileNotFoundError:
        raise UsageError(f"content folder not found: {root}") from None
    except OSError as exc:
        raise UsageError(f"cannot read the content folder {root}: {exc.strerror or exc}") from None
    if not stat.S_ISDIR(mode):
        raise UsageError(f"content folder {root} is {what_is(mode)}, not a folder")


def what_is(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a file"


def _not_a_content_file(path: Path, root: Path, hint: str) -> Problem | None:
    """Why `path` cannot be read as a content file (missing, a folder, a FIFO, a device, a link out of the
    content folder), or None if it is a regular file inside it. Only looks: opening a FIFO would block."""
    shown = display_path(path)
    try:
        mode = path.stat().st_mode  # follows a symlink: what matters is what would be read
    except FileNotFoundError:
        if path.is_symlink():
            return Problem(
                shown,
                1,
                1,
                "",
                f"is a broken symbolic link (to {os.readlink(path)})",
                "point the link at an existing file, or replace it with the file",
                code="missing-file",
            )
        return Problem(shown, 1, 1, "", "file is missing", hint, code="missing-file")
    except OSError as exc:  # no permission to look, a loop of links, a name too long
        return Problem(
            shown, 1, 1, "", f"cannot read: {exc.strerror or exc}", "check the file's permissions", code="io"
        )
    if not stat.S_ISREG(mode):
        return Problem(
            shown,
            1,
            1,
            "",
            f"is {what_is(mode)}, not a regular file",
            "content files are plain text files; replace it with one",
            code="not-a-file",
        )
    target = path.resolve()
    if not target.is_relative_to(root.resolve()):  # through a link: the file itself, or a locale folder
        return Problem(
            shown,
            1,
            1,
            "",
            f"is a symbolic link to {target}, outside the content folder",
            "content comes from the content folder only: copy the file in",
            code="outside",
        )
    return None


def discover(root: Path, replaced: Collection[Path] = ()) -> tuple[list[ContentFile], list[Problem]]:
    """List the content files in `root`: brand.yaml, then one folder per locale with one file per kind.

    A path in `replaced` is a file as a command would write it: listed whatever is on disk now (see `read_all`).
    """
    try:
        return _discover(root, frozenset(replaced))
    except OSError as exc:  # an unreadable folder
        where = Path(exc.filename) if exc.filename else root
        return [], [
            Problem(
                display_path(where),
                1,
                1,
                "",
                f"cannot read: {exc.strerror or exc}",
                "check the folder's permissions",
                code="io",
            )
        ]


def _discover(root: Path, replaced: frozenset[Path]) -> tuple[list[ContentFile], list[Problem]]:
    files: list[ContentFile] = []
    problems: list[Problem] = []
    shown_root = display_path(root)
    for kind in SHARED_KINDS:
        path = root / f"{kind}.yaml"
        refused = None if path in replaced else _not_a_content_file(path, root, f"every content folder has {kind}.yaml")
        if refused is None:
            files.append(ContentFile(path, display_path(path), kind, None))
        else:
            problems.append(refused)
    locales = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != ASSETS)
    if not locales:
        problems.append(
            Problem(
                shown_root,
                1,
                1,
                "",
                "no locale folders found",
                "content is stored per locale, e.g. content/en/page.yaml",
                code="missing-file",
            )
        )
    for folder in locales:
        wrong = locale_problem(folder.name)
        if wrong:
            problems.append(Problem(display_path(folder), 1, 1, "", *wrong, code="locale"))
            continue
        for kind in LOCALE_KINDS:
            path = folder / f"{kind}.yaml"
            refused = (
                None
                if path in replaced
                else _not_a_content_file(path, root, f"every locale has {', '.join(k + '.yaml' for k in LOCALE_KINDS)}")
            )
            if refused is None:
                files.append(ContentFile(path, display_path(path), kind, folder.name))
            else:
                problems.append(refused)
        for kind in OPTIONAL_LOCALE_KINDS:
            path = folder / f"{kind}.yaml"
            if path in replaced:
                files.append(ContentFile(path, display_path(path), kind, folder.name))
            elif os.path.lexists(path):
                refused = _not_a_content_file(path, root, "")
                if refused is None:
                    files.append(ContentFile(path, display_path(path), kind, folder.name))
                else:
                    problems.append(refused)
        known = {f"{kind}.yaml" for kind in LOCALE_KINDS + OPTIONAL_LOCALE_KINDS}
        for extra in sorted(folder.iterdir()):
            if extra.name.startswith("."):
                continue  # editors' lock and swap files
            if extra.suffix in (".yaml", ".yml") and extra.name not in known:
                problems.append(
                    Problem(
                        display_path(extra),
                        1,
                        1,
                        "",
                        "unknown content file",
                        _closest(extra.stem, LOCALE_KINDS + OPTIONAL_LOCALE_KINDS),
                        code="unknown-file",
                    )
                )
    for extra in sorted(root.iterdir()):
        if extra.name.startswith("."):
            continue
        if (
            extra.is_file()
            and extra.suffix in (".yaml", ".yml")
            and extra.name not in {f"{k}.yaml" for k in SHARED_KINDS}
        ):
            problems.append(
                Problem(
                    display_path(extra),
                    1,
                    1,
                    "",
                    "unknown content file",
                    _closest(extra.stem, SHARED_KINDS),
                    code="unknown-file",
                )
            )
    return files, problems


def _closest(name: str, options: tuple[str, ...]) -> str:
    import difflib

    match = difflib.get_close_matches(name, options, n=1)
    if match:
        return f"did you mean {match[0]}.yaml?"
    return "expected one of " + ", ".join(f"{o}.yaml" for o in options)


def read_all(files: list[ContentFile], replaced: Mapping[Path, str] | None = None) -> list[Problem]:
    """Parse every file; a file that cannot be parsed keeps doc=None and reports why.

    `replaced` maps a path to the text a command would write there: that text is checked instead of the file's,
    so a command can validate the content as it would leave it without writing anything.
    """
    problems: list[Problem] = []
    replaced = replaced or {}
    for file in files:
        try:
            raw = replaced[file.path].encode("utf-8") if file.path in replaced else read_regular(file.path)
        except OSError as exc:
            problems.append(
                Problem(
                    file.display,
                    1,
                    1,
                    "",
                    f"cannot read file: {exc.strerror or exc}",
                    "check the file's permissions",
                    code="io",
                )
            )
            continue
        if raw is None:  # it became a FIFO or a device since it was found
            problems.append(
                Problem(
                    file.display,
                    1,
                    1,
                    "",
                    "is not a regular file",
                    "content files are plain text files; replace it with one",
                    code="not-a-file",
                )
            )
            continue
        file.doc, found = read_yaml(raw, file.display)
        problems.extend(found)
        if file.doc is not None and not _names_its_schema(raw, file.kind):
            schema = ("../" if file.locale else "") + f"../schemas/{file.kind}.schema.json"
            problems.append(
                Problem(
                    file.display,
                    1,
                    1,
                    "",
                    "the first line does not name the file's schema",
                    f"start the file with `# yaml-language-server: $schema={schema}` so editors "
                    f"get completion and inline errors",
                    severity="warning",
                    code="modeline",
                )
            )
    return problems


def read_regular(path: Path, *, follow_links: bool = True) -> bytes | None:
    """The first MAX_BYTES + 1 bytes (enough to know a file is too large), or None if it is not a regular file.

    O_NONBLOCK makes opening a FIFO return at once instead of waiting for a writer; regular files ignore it.
    Without `follow_links`, a symbolic link fails to open (OSError, ELOOP) instead of being read through.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow_links:
        flags |= os.O_NOFOLLOW
    fd = os.open(path, flags)
    with open(fd, "rb", closefd=True) as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return fh.read(MAX_BYTES + 1)


def _names_its_schema(raw: bytes, kind: str) -> bool:
    first = raw.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].strip().decode("utf-8", "replace")
    return re.fullmatch(rf"# yaml-language-server: \$schema=\S*/{kind}\.schema\.json", first) is not None
