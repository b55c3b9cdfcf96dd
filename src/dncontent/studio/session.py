"""The studio's state: the content as last checked, and the one way it writes: check the edit, then write it."""

from __future__ import annotations

import os
import re
import secrets
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from ..errors import DncontentError, Problem, UsageError
from ..preview.state import LivePreview
from ..preview.watch import files_state
from . import edits
from .check import Checked, check, new_errors
from .form import digest

RELATIVE = re.compile(r"(?:[A-Za-z0-9][A-Za-z0-9-]*/)?[a-z]+\.yaml")  # brand.yaml, en/risks.yaml, es-419/page.yaml


class Refused(DncontentError):
    """An edit the studio will not make; nothing was written. `status` is the HTTP status that says why."""

    def __init__(self, message: str, status: int = 400, problems: list[Problem] | None = None):
        super().__init__(message)
        self.status = status
        self.problems = problems or []


class Saved(NamedTuple):
    files: list[str]  # written, relative to the content folder
    digests: dict[str, str]
    new_id: str | None = None


class Studio:
    """Checks, writes and shows the content folder. One edit at a time; the file watcher waits its turn."""

    def __init__(
        self,
        content: Path,
        preview: LivePreview,
        watched: list[Path],
        log: Callable[[str], None] = lambda message: None,
    ):
        self.root = Path(content)
        self.preview = preview
        self.watched = watched
        self.log = log
        self.token = secrets.token_urlsafe(32)  # every write must carry it: only the studio's own page has it
        self.lock = threading.RLock()
        self.checked: Checked = check(self.root)
        self.state: dict | None = None

    # -- reading -------------------------------------------------------------------------------------------

    def files(self) -> dict[str, tuple[str | None, str]]:
        """Each content file by its path relative to the content folder: (locale, kind)."""
        return {self.relative(f.path): (f.locale, f.kind) for f in self.checked.files}

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def data(self, rel: str):
        found = next((f for f in self.checked.files if self.relative(f.path) == rel), None)
        return found.doc.data if found is not None and found.doc is not None else None

    def digests(self, rels) -> dict[str, str]:
        out = {}
        for rel in rels:
            try:
                out[rel] = digest(self.confined(rel).read_bytes())
            except (OSError, Refused):
                out[rel] = ""
        return out

    # -- keeping up with the files ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Check and show the files again if they changed since the studio last did (an edit elsewhere)."""
        with self.lock:
            state = files_state(self.watched)
            if state == self.state:
                return  # the studio's own save, already shown
            self.state = state
            self.checked = check(self.root)
            self._show()

    def _show(self) -> None:
        if self.checked.content is None:
            self.preview.rebuild()  # shows the problems in place of the output
        else:
            self.preview.show(self.checked.content, tuple(p for p in self.checked.problems if p.severity == "warning"))

    # -- writing ---------------------------------------------------------------------------------------------

    def confined(self, rel: object) -> Path:
        """The content file `rel` names, refused unless it is one of the content folder's own files, reached
        without `..`, an absolute path or a symbolic link."""
        if not isinstance(rel, str) or not rel or "\\" in rel or "\x00" in rel or rel.startswith("/"):
            raise Refused(f"{rel!r} is not a path inside the content folder", 403)
        if any(part in ("", ".", "..") for part in rel.split("/")) or not RELATIVE.fullmatch(rel):
            raise Refused(f"{rel!r} is not a content file's path", 403)
        if rel not in self.files():
            raise Refused(f"{rel} is not one of the content files", 404)
        path = self.root
        for part in rel.split("/"):
            path = path / part
            try:
                mode = os.lstat(path).st_mode
            except OSError as exc:
                raise Refused(f"cannot read {rel}: {exc.strerror}", 409) from None
            if stat.S_ISLNK(mode):
                raise Refused(
                    f"{rel} goes through a symbolic link: the studio edits only files inside the content folder itself",
                    403,
                )
        if not stat.S_ISREG(mode):
            raise Refused(f"{rel} is not a regular file", 403)
        return path

    def edit(self, request: dict) -> Saved:
        """Apply one edit; check the whole content as it would be; write every changed file, or nothing."""
        from ..governance.yamledit import WriteRefused, write_all

        op = request.get("op")
        rel = request.get("file")
        path = tuple(request.get("path") or ())
        if op not in ("set", "add", "remove", "move"):
            raise Refused(f"unknown edit {op!r}")
        if not all(isinstance(part, (str, int)) and not isinstance(part, bool) for part in path):
            raise Refused("a field's path is a list of names and positions")
        with self.lock:
            self.confined(rel)
            assert isinstance(rel, str)  # confined refuses anything else
            files = self.files()
            docs = edits.Documents(self.root, files)
            touched = [rel] if op == "set" else [rel, *docs.siblings(rel)]
            for other in touched:
                self.confined(other)
            self._same_as_shown(request.get("digests") or {}, touched)
            new_id = None
            try:
                if op == "set":
                    edits.set_value(docs, rel, path, request.get("value"))
                elif op == "add":
                    values = request.get("values") or {}
                    if not isinstance(values, dict) or not all(_is_item(value) for value in values.values()):
                        raise Refused("a new item is given as each file's text, or its fields' texts")
                    for other in values:
                        if other not in touched:
                            raise Refused(f"{other!r} is not a locale's copy of {rel}", 403)
                    new_id = edits.add_item(docs, rel, path, values)
                elif op == "remove":
                    edits.remove_item(docs, rel, path)
                else:
                    edits.move_item(docs, rel, path, request.get("to"))
            except WriteRefused as exc:
                raise Refused(str(exc), 403, exc.problems) from None
            except UsageError as exc:
                raise Refused(str(exc), 409) from None
            changed = docs.changed()
            if not changed:
                return Saved([], self.digests(touched), new_id)
            checked = check(self.root, {self.root / other: text for other, text in changed.items()})
            refused = new_errors(self.checked.problems, checked.problems)
            if refused:
                raise Refused("not saved: the change would make the content invalid", 422, refused)
            try:
                write_all([(self.confined(other), text) for other, text in changed.items()], self.root)
            except WriteRefused as exc:
                raise Refused(str(exc), 409, exc.problems) from None
            self.checked = checked
            self.state = files_state(self.watched)
            self.log(f"saved {', '.join(changed)}")
            self._show()
            return Saved(sorted(changed), self.digests(touched), new_id)

    def signoff(self, locale: str, by: str) -> str:
        """Record a clinician's sign-off of `locale` (the confirmed action of the studio's sign-off form)."""
        from ..governance.signoff import signoff

        with self.lock:
            try:
                result = signoff(self.root, locale, by)
            except DncontentError as exc:
                raise Refused(str(exc), 422, list(getattr(exc, "problems", []))) from None
            self.state = None
            self.refresh()
            return (
                f"Signed off {locale} by {' '.join(by.split())}: {result.units} units; next review {result.next_review}"
            )

    def _same_as_shown(self, shown: dict, touched: list[str]) -> None:
        """Refuse an edit made on a form older than the files (changed in an editor or by git meanwhile)."""
        now = self.digests(touched)
        stale = [rel for rel in touched if shown.get(rel) != now[rel]]
        if stale:
            raise Refused(
                f"{', '.join(stale)} changed since the form was shown: the studio shows it again; "
                f"redo the change there",
                409,
            )


def _is_item(value: object) -> bool:
    """Whether `value` is what the studio's form sends for one file's new item: a text, or texts by field."""
    if isinstance(value, dict):
        return all(isinstance(name, str) and isinstance(text, str) for name, text in value.items())
    return isinstance(value, str)
