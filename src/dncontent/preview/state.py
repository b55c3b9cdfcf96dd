"""The preview's state: every channel rendered in memory, or the problems that stopped it, rebuilt on demand."""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BuildError, DncontentError, Problem
from ..model import Content
from ..options import BuildOptions
from ..write import Artifact

if TYPE_CHECKING:
    from ..cache import ArtifactCache

# Channels slow enough (WeasyPrint: seconds) that the others are shown first and these follow when ready.
BACKGROUND_CHANNELS = ("pdf",)
# Channels the preview has no panel for: not rendered at all (the FHIR references only point at the files the
# other channels make, and would print the brochures in the fast pass)
UNSHOWN_CHANNELS = ("fhir",)
BACKGROUND_DELAY = 0.3  # seconds
# After the brochure being looked at has printed early, how long the others wait: that page is found, drawn and
# fetched first, on cores the other brochures do not take.
AFTER_EARLY_PRINT = 0.5  # seconds


@dataclass(frozen=True)
class Failure:
    """Something that stopped a channel without naming a place in the content: shown as an error panel."""

    title: str
    detail: str


@dataclass(frozen=True)
class Reading:
    """How hard each section of a locale's approved prose is to read: figures for the clinic's reviewers."""

    formula: str | None  # None: no formula for the language
    target: float | None
    sections: tuple = ()  # readability.SectionScore, in page order


@dataclass(frozen=True)
class Snapshot:
    """One consistent view of the preview. Replaced whole, never changed, so readers need no lock."""

    version: int = 0
    rebuilding: bool = True
    artifacts: Mapping[str, Artifact] = field(default_factory=dict)
    locales: Mapping[str, str] = field(default_factory=dict)  # locale -> page title
    drafts: frozenset = frozenset()  # locales whose text no clinician has reviewed
    problems: tuple[Problem, ...] = ()
    notes: tuple[Problem, ...] = ()  # editorial warnings and notes from `dncontent validate` (what a release refuses)
    reading: Mapping[str, Reading] = field(default_factory=dict)  # locale -> its sections' reading scores
    failures: tuple[Failure, ...] = ()
    failed: frozenset[str] = frozenset()  # channels that stopped on a problem: their panels say so
    background: str = "idle"  # idle | rendering | ready
    built_at: float = 0.0  # wall-clock time of the last completed rebuild

    @property
    def error_count(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error") + len(self.failures)


class LivePreview:
    """Renders the content folder into memory and keeps the latest snapshot; never writes a file.

    `rebuild()` renders the fast channels and publishes them, then hands the content to a background thread
    for the slow ones. An edit made while the brochure renders makes that render stale: its result is dropped
    and the brochure is rendered again from the newer content. One thread at a time calls `rebuild()`.
    """

    def __init__(self, content: Path, log: Callable[[str], None] = lambda message: None, print_server: bool = False):
        self.content = Path(content)
        self.print_server = print_server  # brochures go to a print server: warm, and off this process's GIL
        self.options = BuildOptions(content=self.content)
        self.log = log
        self.background_delay = BACKGROUND_DELAY
        self.focus: str | None = None  # the locale whose brochure is being looked at: printed before the others
        # Print that brochure as soon as the content is read, beside the fast channels rather than after them:
        # for a caller whose brochures print in a print server's process, off this one's GIL.
        self.print_early = False
        # Called (in the background thread) with the brochure printed early, once it is shown: a caller that will
        # draw one of its pages can start now, while the browser asks for it.
        self.after_early: Callable[[Mapping[str, Artifact]], None] | None = None
        self.snapshot = Snapshot()
        self._changed = threading.Condition()  # guards snapshot, generation and the background job
        self._generation = 0
        self._background_job: tuple[int, Content] | None = None
        self._early_job: tuple[int, Content] | None = None
        self._early: tuple[int, dict[str, Artifact]] = (0, {})  # the focused brochure, printed for a generation
        # what dncontent's code and resources hash to (cache.environment), read once for each save's renders
        self._environment: str | None = None
        self._told: set[str] = set()  # the artifact cache's notes already logged: each is said once
        threading.Thread(target=self._background_loop, name="preview-background", daemon=True).start()

    def rebuild(self) -> Snapshot:
        """Render again from the files as they are now. Never raises: whatever goes wrong is shown in the page."""
        from ..channels import CHANNELS
        from ..pipeline import load_content

        started = time.monotonic()
        generation = self._begin()
        try:
            content = load_content(self.content)
        except Exception as exc:  # even a bug must not take the preview down; it is shown instead
            problems = tuple(getattr(exc, "problems", ()))
            detail = str(exc) if isinstance(exc, DncontentError) else traceback.format_exc()
            failures = () if problems else (Failure("The content could not be read", detail),)
            self._log_problems(problems, failures)
            return self._publish(
                rebuilding=False,
                artifacts={},
                locales={},
                problems=problems,
                notes=(),
                reading={},
                failures=failures,
                failed=frozenset(CHANNELS),
                background="idle",
                built_at=time.time(),
            )
        return self._show(generation, content, editorial_warnings(self.content), started)

    def show(self, content: Content, notes: tuple[Problem, ...]) -> Snapshot:
        """Render content the caller has just loaded and validated (with its editorial warnings), as `rebuild`
        would from the files: the studio saves this way without reading the content twice."""
        started = time.monotonic()
        return self._show(self._begin(), content, notes, started)

    def _begin(self) -> int:
        """Start a rebuild: say so, and make any brochure still rendering from older content stale."""
        with self._changed:
            self._generation += 1
            self._background_job = None
            self._publish(rebuilding=True)
            return self._generation

    def _show(self, generation: int, content: Content, notes: tuple[Problem, ...], started: float) -> Snapshot:
        from ..cache import environment
        from ..channels import CHANNELS

        fast = [name for name in CHANNELS if name not in BACKGROUND_CHANNELS + UNSHOWN_CHANNELS]
        self._environment = environment()
        if self.print_early and self.focus in content.locales:
            with self._changed:
                self._early_job = (generation, content)
                self._changed.notify_all()
        rendered = render_channels(fast, content, self.options, environment=self._environment)
        self._tell(rendered)
        reading = reading_scores(content)
        seconds = time.monotonic() - started
        self._log_problems(rendered.problems, rendered.failures)
        self.log(f"updated {', '.join(fast)} in {seconds:.2f}s: {rendered.summary()}")
        with self._changed:
            self._background_job = (generation, content)
            early_generation, early = self._early
            return self._publish(
                rebuilding=False,
                artifacts={**rendered.artifacts, **(early if early_generation == generation else {})},
                problems=tuple(rendered.problems),
                notes=notes,
                failures=tuple(rendered.failures),
                failed=frozenset(rendered.failed),
                background="rendering",
                locales={locale: content.locales[locale].title for locale in content.in_order()},
                drafts=frozenset(locale for locale, page in content.locales.items() if page.is_draft),
                reading=reading,
                built_at=time.time(),
            )

    def wait_for_change(self, version: int | None, timeout: float) -> Snapshot:
        """The snapshot once its version differs from `version`, or the current one after `timeout` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self.snapshot.version != version, timeout=timeout)
            return self.snapshot

    def _publish(self, **changes) -> Snapshot:
        with self._changed:
            self.snapshot = replace(self.snapshot, version=self.snapshot.version + 1, **changes)
            self._changed.notify_all()
            return self.snapshot

    def _background_loop(self) -> None:
        after_early = False
        while True:
            with self._changed:
                early = self._next_job(after_early)
                if early is None:
                    assert self._background_job is not None  # waited for
                    generation, content = self._background_job
                    self._background_job = None
                else:
                    generation, content = early
            if early is not None:
                self._print_first(generation, content)
                after_early = True
                continue
            after_early = False
            started = time.monotonic()
            if self._early[0] != generation:
                self._print_first(generation, content)
            rendered = render_channels(
                BACKGROUND_CHANNELS,
                content,
                self.options,
                self.print_server,
                self._outdated(generation),
                self._environment,
            )
            self._tell(rendered)
            with self._changed:
                if generation != self._generation:
                    continue  # the content changed meanwhile; the newer rebuild has queued its own job
                current = self.snapshot
                self._publish(
                    artifacts={**current.artifacts, **rendered.artifacts},
                    problems=tuple(sorted(current.problems + tuple(rendered.problems))),
                    failures=current.failures + tuple(rendered.failures),
                    failed=current.failed | frozenset(rendered.failed),
                    background="ready",
                )
            self._log_problems(rendered.problems, rendered.failures)
            self.log(
                f"updated {', '.join(BACKGROUND_CHANNELS)} in {time.monotonic() - started:.2f}s: {rendered.summary()}"
            )

    def _next_job(self, after_early: bool) -> tuple[int, Content] | None:
        """Wait (holding `_changed`) for work: an early print, returned at once, or a background job, left in
        `_background_job` (and None returned) once it has waited there `background_delay` seconds (at least
        AFTER_EARLY_PRINT `after_early`). The delay lets the browser fetch the fast channels (or the brochure
        printed early) first (WeasyPrint in this process holds the GIL for seconds), and lets a burst of saves
        settle into one render."""
        while True:
            self._changed.wait_for(lambda: self._background_job is not None or self._early_job is not None)
            if self._early_job is not None:
                early, self._early_job = self._early_job, None
                return early
            delay = max(self.background_delay, AFTER_EARLY_PRINT) if after_early else self.background_delay
            if not self._changed.wait_for(self._superseded(self._background_job), timeout=delay):
                return None

    def _superseded(self, job: tuple[int, Content] | None) -> Callable[[], bool]:
        """Whether `job` has been replaced (by a save) or an early print is waiting."""
        return lambda: self._background_job is not job or self._early_job is not None

    def _outdated(self, generation: int) -> Callable[[], bool]:
        """Whether what is rendered for `generation` is no longer wanted: the content changed since."""
        return lambda: generation != self._generation

    def _print_first(self, generation: int, content: Content) -> None:
        """Print the brochure being looked at (the focused locale's, on the first paper) and show it at once; the
        others follow. Whatever goes wrong here is left to the full pass, which reports it."""
        from ..printing.compose import PAPERS

        if self.focus not in content.locales or "pdf" not in BACKGROUND_CHANNELS:
            return
        first = content._replace(locales={self.focus: content.locales[self.focus]})
        rendered = render_channels(
            ("pdf",),
            first,
            self.options._replace(papers=(PAPERS[0].name,)),
            self.print_server,
            self._outdated(generation),
            self._environment,
        )
        if rendered.failed:
            return
        with self._changed:
            if generation != self._generation:
                return
            self._early = (generation, rendered.artifacts)
            self._publish(artifacts={**self.snapshot.artifacts, **rendered.artifacts})
        if self.after_early is not None:
            try:
                self.after_early(rendered.artifacts)
            except Exception:  # a head start only: the page is drawn when asked for
                self.log(f"could not draw the brochure ahead: {traceback.format_exc().strip().splitlines()[-1]}")

    def _tell(self, rendered: Rendered) -> None:
        for note in getattr(rendered.store, "notes", ()):
            if note not in self._told:
                self._told.add(note)
                self.log(f"warning: {note}")

    def _log_problems(self, problems: Iterable[Problem], failures: Iterable[Failure]) -> None:
        for problem in problems:
            self.log(problem.format())
        for failure in failures:
            lines = failure.detail.strip().splitlines()
            self.log(f"{failure.title}: {lines[-1] if lines else ''}")


@dataclass
class Rendered:
    """What some channels produced: artifacts by path, and the problems and failures of those that could not."""

    artifacts: dict[str, Artifact] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # names of the channels that produced nothing
    store: ArtifactCache | None = None  # the artifact cache it used: what it rendered, what it reused

    def summary(self) -> str:
        """e.g. "1 rendered (pdf/<id>.en.a4.pdf), 3 reused"."""
        if self.store is None:
            return ""
        made = self.store.rendered
        names = f" ({', '.join(made)})" if 0 < len(made) <= 4 else ""
        return f"{len(made)} rendered{names}, {len(self.store.reused)} reused"


def render_channels(
    names: Iterable[str],
    content: Content,
    options: BuildOptions,
    print_server: bool = False,
    cancelled: Callable[[], bool] | None = None,
    environment: str | None = None,
) -> Rendered:
    """Render each named channel, reusing from the build's artifact cache whatever has not changed; with
    `print_server`, brochures are printed by a print server when one can run (see `printing.server`).

    One channel that fails adds its problems and leaves the others be. Once `cancelled()` is true (the content
    changed), brochures still printing are abandoned and their channel is left out, as failed without a word:
    the caller drops what it rendered. `environment`, when given, is what `cache.environment()` gave for the
    code and resources as they are.
    """
    from ..channels import render_cached
    from ..pipeline import artifact_cache
    from ..printing import Cancelled

    rendered = Rendered()
    store = artifact_cache(options)
    store.print_server = print_server and store.root is not None
    store.cancelled = cancelled
    if environment is not None:
        store.use_environment(environment)
    rendered.store = store
    for name in names:
        try:
            produced = {artifact.path: artifact for artifact in render_cached(name, content, options, store)}
        except Cancelled:
            rendered.failed.append(name)
        except BuildError as exc:
            rendered.failed.append(name)
            if exc.problems:
                rendered.problems += exc.problems
            else:
                rendered.failures.append(Failure(f"The {name} channel could not render", str(exc)))
        except Exception:  # a channel's bug is shown in the page, and the other channels still are
            rendered.failed.append(name)
            rendered.failures.append(Failure(f"The {name} channel failed", traceback.format_exc()))
        else:
            rendered.artifacts.update(produced)
    return rendered


def editorial_warnings(content: Path) -> tuple[Problem, ...]:
    """What `dncontent validate` warns about, and its notes, in valid content; the preview lists these without
    stopping."""
    from ..pipeline import validate

    try:
        return tuple(p for p in validate(content) if p.severity in ("warning", "note"))
    except Exception:  # the checks are advice: the preview goes on without them
        return ()


def reading_scores(content: Content) -> dict[str, Reading]:
    """Each locale's section scores, as `dncontent report` shows them."""
    from ..validate.readability import formula_for, readability_target, section_scores

    out = {}
    try:
        for locale in content.in_order():
            page = content.locales[locale]
            formula = formula_for(locale)
            out[locale] = Reading(
                formula.name if formula else None,
                readability_target(page, formula) if formula else None,
                tuple(section_scores(page)),
            )
    except Exception:  # figures for reviewers: the preview goes on without them
        return {}
    return out
