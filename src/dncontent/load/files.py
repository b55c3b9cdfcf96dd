"""Find the content files under a content folder and say which kind (and so which schema) each one is."""
from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import Problem
from .locales import locale_problem
from .yaml_reader import MAX_BYTES, Located, read_yaml

# The kinds of content file. The file name says the kind; the kind names its schema.
SHARED_KINDS = ("brand",)
LOCALE_KINDS = ("page", "conditions", "risks", "contraindications", "session", "cta", "sms", "labels")
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
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def discover(root: Path) -> tuple[list[ContentFile], list[Problem]]:
    """List the content files in `root`: brand.yaml, then one folder per locale with one file per kind."""
    try:
        return _discover(root)
    except OSError as exc:  # an unreadable folder
        where = Path(exc.filename) if exc.filename else root
        return [], [Problem(display_path(where), 1, 1, "", f"cannot read: {exc.strerror or exc}",
                            "check the folder's permissions", code="io")]


def _discover(root: Path) -> tuple[list[ContentFile], list[Problem]]:
    files: list[ContentFile] = []
    problems: list[Problem] = []
    shown_root = display_path(root)
    for kind in SHARED_KINDS:
        path = root / f"{kind}.yaml"
        if path.is_file():
            files.append(ContentFile(path, display_path(path), kind, None))
        else:
            problems.append(Problem(display_path(path), 1, 1, "", "file is missing",
                                    f"every content folder has {kind}.yaml", code="missing-file"))
    locales = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != ASSETS)
    if not locales:
        problems.append(Problem(shown_root, 1, 1, "", "no locale folders found",
                                "content is stored per locale, e.g. content/en/page.yaml", code="missing-file"))
    for folder in locales:
        refused = locale_problem(folder.name)
        if refused:
            problems.append(Problem(display_path(folder), 1, 1, "", *refused, code="locale"))
            continue
        for kind in LOCALE_KINDS:
            path = folder / f"{kind}.yaml"
            if path.is_file():
                files.append(ContentFile(path, display_path(path), kind, folder.name))
            else:
                problems.append(Problem(display_path(path), 1, 1, "", "file is missing",
                                        f"every locale has {', '.join(k + '.yaml' for k in LOCALE_KINDS)}",
                                        code="missing-file"))
        known = {f"{kind}.yaml" for kind in LOCALE_KINDS}
        for extra in sorted(folder.iterdir()):
            if extra.name.startswith("."):
                continue  # editors' lock and swap files
            if extra.suffix in (".yaml", ".yml") and extra.name not in known:
                problems.append(Problem(display_path(extra), 1, 1, "", "unknown content file",
                                        _closest(extra.stem, LOCALE_KINDS), code="unknown-file"))
    for extra in sorted(root.iterdir()):
        if extra.name.startswith("."):
            continue
        if extra.is_file() and extra.suffix in (".yaml", ".yml") and extra.name not in {f"{k}.yaml" for k in SHARED_KINDS}:
            problems.append(Problem(display_path(extra), 1, 1, "", "unknown content file",
                                    _closest(extra.stem, SHARED_KINDS), code="unknown-file"))
    return files, problems


def _closest(name: str, options: tuple[str, ...]) -> str:
    import difflib

    match = difflib.get_close_matches(name, options, n=1)
    if match:
        return f"did you mean {match[0]}.yaml?"
    return "expected one of " + ", ".join(f"{o}.yaml" for o in options)


def read_all(files: list[ContentFile]) -> list[Problem]:
    """Parse every file; a file that cannot be parsed keeps doc=None and reports why."""
    problems: list[Problem] = []
    for file in files:
        try:
            with open(file.path, "rb") as fh:
                raw = fh.read(MAX_BYTES + 1)  # enough to know it is too large, without reading a huge file
        except OSError as exc:
            problems.append(Problem(file.display, 1, 1, "", f"cannot read file: {exc.strerror}", code="io"))
            continue
        file.doc, found = read_yaml(raw, file.display)
        problems.extend(found)
        if file.doc is not None and not _names_its_schema(raw, file.kind):
            schema = ("../" if file.locale else "") + f"../schemas/{file.kind}.schema.json"
            problems.append(Problem(file.display, 1, 1, "", "the first line does not name the file's schema",
                                    f"start the file with `# yaml-language-server: $schema={schema}` so editors "
                                    f"get completion and inline errors", severity="warning", code="modeline"))
    return problems


def _names_its_schema(raw: bytes, kind: str) -> bool:
    first = raw.split(b"\n", 1)[0].strip().decode("utf-8", "replace")
    return re.fullmatch(rf"# yaml-language-server: \$schema=\S*/{kind}\.schema\.json", first) is not None
