"""The pipeline: load -> validate -> model -> channels -> write. The CLI and the Python API both call these."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple, cast

from .errors import BuildError, ContentError, Problem, UsageError
from .load import Located
from .model import Content, build_model
from .options import PAPER_NAMES, BuildOptions
from .validate import blocks_model, check_content


def validate(
    content: Path | str = "content",
    *,
    strict: bool = False,
    lints: bool = True,
    replaced: Mapping[Path, str] | None = None,
) -> list[Problem]:
    """Every problem in the content folder, errors first-class, then the editorial warnings, notes and info lines.

    With `strict`, editorial warnings count as errors (notes and info lines never do). Lints run only once the
    content is valid. `replaced` (path -> text) checks the content as a command would leave it, in memory: those
    files are read as that text.
    """
    _files, problems, _content = checked(Path(content), lints=lints, replaced=replaced)
    if strict:
        problems = [p._replace(severity="error") if p.severity == "warning" else p for p in problems]
    return problems


def checked(
    root: Path, *, lints: bool = True, replaced: Mapping[Path, str] | None = None
) -> tuple[list, list[Problem], Content | None]:
    """The content files, every problem in them and, when the files can be read into one, the content model
    (which the checks made on the model use; content with errors still may not be built).

    A typed status the sign-off does not earn is an error that leaves the content readable: the model then
    takes the status each locale's sign-off earns (governance.review)."""
    from .governance.review import assess, refusals

    files, problems = check_content(root, replaced)
    if blocks_model(problems):
        return files, problems, None
    assessed = assess(files)
    problems = sorted(problems + refusals(files, assessed))
    content_model = build_model(
        root,
        {(f.locale, f.kind): cast(Located, f.doc).data for f in files},  # all read
        {locale: assessment.review for locale, assessment in assessed.items()},
    )
    if lints:
        from .validate.lints import lint

        problems = sorted(problems + lint(files, content_model, assessed=assessed))
    return files, problems, content_model


def load_content(content: Path | str = "content") -> Content:
    """The validated content model. Raises ContentError listing every problem if the content is invalid."""
    _files, problems, content_model = checked(Path(content), lints=False)
    if content_model is None or any(p.severity == "error" for p in problems):
        raise ContentError(problems)
    return content_model


class BuildResult(NamedTuple):
    out: Path
    manifest: dict
    seconds: float
    rendered: tuple[str, ...] = ()  # paths of the files this build rendered
    reused: tuple[str, ...] = ()  # paths of the files taken from the artifact cache, their inputs unchanged
    up_to_date: bool = False  # the output folder already held exactly this build, and was left as it was
    notes: tuple[str, ...] = ()  # what the user should know about how it was built (a cache folder not used)
    warnings: int = 0  # editorial warnings in what was built (not waived)
    would_refuse: tuple[Problem, ...] = ()  # why a release of this content would be refused (none for a release)


def artifact_cache(options: BuildOptions):
    """The cache a build with `options` reads and fills: none with --no-cache, nor when the folder is not one
    dncontent may use (its `notes` then say why)."""
    from .cache import ArtifactCache, default_dir

    return ArtifactCache(None if options.no_cache else (options.cache_dir or default_dir()))


def build(
    options: BuildOptions, progress: Callable[[str], None] | None = None, *, print_server: bool = False
) -> BuildResult:
    """Validate, render every selected channel for every selected locale, and swap the output in.

    What the artifact cache holds from an earlier build with the same inputs is reused, not rendered;
    validation always runs in full. With `print_server` (as `dncontent build` has), brochures may be printed
    by a print server this build starts and leaves running (see `printing.server`); otherwise in this process.

    With `options.release`, the build is a release: it refuses (ReleaseRefused, listing every reason, nothing
    written) content that may not be published yet (see `release`), renders everything from scratch in this
    process, reading no cache, and its manifest records each locale's status and sign-off.
    """
    from . import cache
    from .channels import CHANNELS

    started = time.monotonic()
    unknown = [f for f in options.formats if f not in CHANNELS]
    if unknown:
        raise UsageError(f"unknown format(s): {', '.join(unknown)}; choose from {', '.join(CHANNELS)}")
    unknown = [p for p in options.papers if p not in PAPER_NAMES]
    if unknown:
        raise UsageError(f"unknown paper(s): {', '.join(unknown)}; choose from {', '.join(PAPER_NAMES)}")
    if options.allow_draft and not options.release:
        raise UsageError("--allow-draft publishes a draft in a release: use it with --release")
    if options.release:  # from scratch: no cache is read or written, so none can reach what is published
        with cache.from_scratch():
            return _build(options._replace(no_cache=True), progress, started, print_server=False)
    return _build(options, progress, started, print_server=print_server)


def _build(
    options: BuildOptions, progress: Callable[[str], None] | None, started: float, *, print_server: bool
) -> BuildResult:
    from . import release
    from .cache import checks_remember_in
    from .channels import CHANNELS, build_order, render_cached
    from .write import Writer

    store = artifact_cache(options)
    with checks_remember_in(store.root):
        files, problems, content = checked(Path(options.content))
    if content is None or any(p.severity == "error" for p in problems):
        raise ContentError(problems)
    missing = [loc for loc in (*options.locales, *options.allow_draft) if loc not in content.locales]
    if missing:
        raise UsageError(f"no content for locale(s): {', '.join(missing)}; content has {', '.join(content.locales)}")
    if options.locales:
        content = content._replace(locales={k: v for k, v in content.locales.items() if k in options.locales})
    reasons = release.refusals(files, content, problems, options.allow_draft)
    warnings = sum(1 for p in release.in_scope(files, content, problems) if p.severity == "warning")
    if options.release:
        if reasons:
            raise release.ReleaseRefused(reasons)
        header = {"release": True, "locales": release.locale_records(files, content, options.allow_draft)}
    else:
        header = {"release": False}
    # each once, in the order asked, but after the channels whose files it reads (fhir after html, pdf and json)
    formats = build_order(tuple(dict.fromkeys(options.formats)) or tuple(CHANNELS))
    store.progress = progress
    store.print_server = print_server and not options.no_cache  # from scratch: no warm renderer either
    try:
        with Writer(options.out, content=options.content, header=header) as writer:
            for name in formats:
                for artifact in render_cached(name, content, options, store):
                    writer.write(artifact)
            writer.commit()
    except OSError as exc:  # disk full, no permission: the previous output is still in place
        where = f" ({exc.filename})" if exc.filename else ""
        raise BuildError(f"cannot write {options.out}: {exc.strerror or exc}{where}") from None
    store.prune()
    return BuildResult(
        Path(options.out),
        writer.manifest(),
        time.monotonic() - started,
        tuple(store.rendered),
        tuple(store.reused),
        writer.up_to_date,
        tuple(store.notes),
        warnings,
        () if options.release else tuple(reasons),
    )
