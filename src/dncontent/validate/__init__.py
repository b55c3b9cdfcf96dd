"""Validate: every problem in a content folder, found in one pass and located to file:line:col."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..errors import Problem
from ..load import ContentFile, discover, read_all
from ..load.files import check_root

# Errors that leave the files readable as a model (a character the brochure's font lacks; prose that states a
# fact other than the facts do): the checks made on the model, such as the text messages' budgets, still run,
# so one run reports every problem.
MODEL_SAFE = frozenset({"glyph", "fact-mismatch"})


def blocks_model(problems: list[Problem]) -> bool:
    """Whether `problems` hold an error that keeps the files from being read into the content model."""
    return any(p.severity == "error" and p.code not in MODEL_SAFE for p in problems)


def check_content(root: Path, replaced: Mapping[Path, str] | None = None) -> tuple[list[ContentFile], list[Problem]]:
    """Load and check everything under `root`. Returns the parsed files and all problems, sorted.

    With `replaced` (path -> text), those files are checked as that text, not as they are on disk.
    """
    from . import facts, glyphs, rules, schema  # jsonschema loads here, not when `dncontent --help` imports the package

    root = Path(root)
    check_root(root)
    files, problems = discover(root, replaced or {})
    problems += read_all(files, replaced)
    # a value refused while reading (a YAML tag, a duplicate key) is not reported again by the schema
    refused = {(p.file, p.field) for p in problems}
    for file in files:
        problems += [p for p in schema.check_file(file) if (p.file, p.field) not in refused]
    problems += rules.check(files)
    problems += facts.check(files)
    problems += glyphs.check(files)
    return files, sorted(set(problems))
