"""Check the content as it would be after an edit, in memory, before anything is written."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple, cast

from ..errors import Problem
from ..load import ContentFile, Located
from ..model import Content, build_model
from ..validate import blocks_model, check_content


class Checked(NamedTuple):
    """The content folder read and checked, as `dncontent validate` would (with an edit's files in place)."""

    files: list[ContentFile]
    problems: list[Problem]
    content: Content | None  # the model, when the content is valid

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def check(root: Path, replaced: Mapping[Path, str] | None = None) -> Checked:
    """Every problem of the content under `root`, with `replaced` files read from the given text instead of disk.

    The same checks as `dncontent validate`: the files, the schemas and the rules, then, once valid, the
    editorial checks (governance among them) on the model.
    """
    from ..validate.lints import lint

    files, problems = check_content(root, replaced)
    if blocks_model(problems):
        return Checked(files, problems, None)
    content = build_model(root, {(f.locale, f.kind): cast(Located, f.doc).data for f in files})  # all were read
    problems = sorted(problems + lint(files, content))
    return Checked(files, problems, None if any(p.severity == "error" for p in problems) else content)


def new_errors(before: list[Problem], after: list[Problem]) -> list[Problem]:
    """The errors in `after` that `before` did not have: an edit may leave content as broken as it was (so a
    file broken by hand can be fixed one field at a time), never make it worse."""
    seen = {(p.file, p.field, p.message) for p in before if p.severity == "error"}
    return [p for p in after if p.severity == "error" and (p.file, p.field, p.message) not in seen]
