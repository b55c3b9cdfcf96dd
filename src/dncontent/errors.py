"""Problems found in content, and the one exception family the CLI turns into exit codes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple


class Problem(NamedTuple):
    """One located problem in a content file.

    Ordered by file, then position, so reports read top to bottom.
    """

    file: str
    line: int
    col: int
    field: str
    message: str
    hint: str = ""
    # "error": not valid; "warning": to act on before publishing (a release refuses it unless waived);
    # "note": a heads-up that blocks nothing; "info": the state of the material
    severity: str = "error"
    code: str = "content"

    def format(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}"
        field = f" {self.field}:" if self.field else ""
        level = "" if self.severity == "error" else f" {self.severity}:"
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{where}:{level}{field} {self.message}{hint}"

    def as_record(self) -> dict:
        return self._asdict()


SEVERITIES = ("error", "warning", "note", "info")


def hinted_once(problems: Iterable[Problem]) -> list[Problem]:
    """The problems as a list prints them: a hint on the first problem of its kind (same check, same hint) and
    left off the others, which would only repeat it."""
    seen: set[tuple[str, str]] = set()
    out = []
    for problem in problems:
        kind = (problem.code, problem.hint)
        out.append(problem._replace(hint="") if kind in seen else problem)
        seen.add(kind)
    return out


class DncontentError(Exception):
    """Base of every error dncontent reports to a user; `exit_code` is what the CLI exits with."""

    exit_code = 1


class ContentError(DncontentError):
    """The content has problems; nothing was built."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        errors = sum(1 for p in self.problems if p.severity == "error")
        super().__init__(f"{errors} problem(s) in content")


class BuildError(DncontentError):
    """A channel could not render valid content (for example an SMS over its budget)."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        self.problems = sorted(problems or [])
        super().__init__(message)


class UsageError(DncontentError):
    """The command was pointed at something that is not usable (no content folder, unknown locale): exit 2."""

    exit_code = 2
