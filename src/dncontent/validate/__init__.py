"""Validate: every problem in a content folder, found in one pass and located to file:line:col."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..errors import Problem
from ..load import ContentFile, discover, read_all
from ..load.files import check_root


def check_content(root: Path, replaced: Mapping[Path, bytes] | None = None) -> tuple[list[ContentFile], list[Problem]]:
    """Load and check everything under `root`. Returns the parsed files and all problems, sorted.

    `replaced` gives some files' would-be bytes by path: they are checked in place of what is on disk (the
    studio checks an edit this way before writing it).
    """
    from . import glyphs, rules, schema  # jsonschema loads here, not when `dncontent --help` imports the package

    root = Path(root)
    check_root(root)
    files, problems = discover(root)
    problems += read_all(files, replaced)
    # a value refused while reading (a YAML tag, a duplicate key) is not reported again by the schema
    refused = {(p.file, p.field) for p in problems}
    for file in files:
        problems += [p for p in schema.check_file(file) if (p.file, p.field) not in refused]
    problems += rules.check(files)
    problems += glyphs.check(files)
    return files, sorted(set(problems))

