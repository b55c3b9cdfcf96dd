"""The pipeline: load -> validate -> model -> channels -> write. The CLI and the Python API both call these."""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import NamedTuple
from pathlib import Path

from .errors import BuildError, ContentError, Problem, UsageError
from .model import Content, build_model
from .options import BuildOptions
from .validate import check_content


def validate(content: Path | str = "content", *, strict: bool = False, lints: bool = True,
             replaced: Mapping[Path, str] | None = None) -> list[Problem]:
    """Every problem in the content folder, errors first-class, then the editorial warnings and notes.

    With `strict`, editorial warnings count as errors. Lints run only once the content is valid. `replaced`
    (path -> text) checks the content as a command would leave it, in memory: those files are read as that text.
    """
    root = Path(content)
    files, problems, assessed = _checked(root, replaced)
    # a typed status the sign-off does not earn leaves the content readable: the model takes the earned one
    if lints and not any(p.severity == "error" and p.code != "review-status" for p in problems):
        from .validate.lints import lint

        content_model = _model(root, files, assessed)
        problems = sorted(problems + lint(files, content_model, assessed=assessed))
    if strict:
        problems = [p._replace(severity="error") if p.severity == "warning" else p for p in problems]
    return problems


def load_content(content: Path | str = "content") -> Content:
    """The validated content model. Raises ContentError listing every problem if the content is invalid."""
    root = Path(content)
    files, problems, assessed = _checked(root)
    if any(p.severity == "error" for p in problems):
        raise ContentError(problems)
    return _model(root, files, assessed)


def _checked(root: Path, replaced: Mapping[Path, str] | None = None) -> tuple[list, list[Problem], dict]:
    """The content's files and problems and, once it is otherwise valid, what each locale's sign-off earns it
    (a typed `status: approved` that no sign-off earns is one more error)."""
    files, problems = check_content(root, replaced)
    if any(p.severity == "error" for p in problems):
        return files, problems, {}
    from .governance.review import assess, refusals

    assessed = assess(files)
    return files, sorted(problems + refusals(files, assessed)), assessed


def _model(root: Path, files: list, assessed: dict) -> Content:
    return build_model(root, {(f.locale, f.kind): f.doc.data for f in files},
                       {locale: assessment.review for locale, assessment in assessed.items()})


class BuildResult(NamedTuple):
    out: Path
    manifest: dict
    seconds: float
    rendered: tuple[str, ...] = ()  # paths of the files this build rendered
    reused: tuple[str, ...] = ()  # paths of the files taken from the artifact cache, their inputs unchanged
    up_to_date: bool = False  # the output folder already held exactly this build, and was left as it was
    notes: tuple[str, ...] = ()  # what the user should know about how it was built (a cache folder not used)


def artifact_cache(options: BuildOptions):
    """The cache a build with `options` reads and fills: none with --no-cache, nor when the folder is not one
    dncontent may use (its `notes` then say why)."""
    from .cache import ArtifactCache, default_dir

    return ArtifactCache(None if options.no_cache else (options.cache_dir or default_dir()))


def build(options: BuildOptions, progress: Callable[[str], None] | None = None, *,
          print_server: bool = False) -> BuildResult:
    """Validate, render every selected channel for every selected locale, and swap the output in.

    What the artifact cache holds from an earlier build with the same inputs is reused, not rendered;
    validation always runs in full. With `print_server` (as `dncontent build` has), brochures may be printed
    by a print server this build starts and leaves running (see `print_server`); otherwise in this process.
    """
    from .channels import CHANNELS, render_cached
    from .write import Writer

    started = time.monotonic()
    unknown = [f for f in options.formats if f not in CHANNELS]
    if unknown:
        raise UsageError(f"unknown format(s): {', '.join(unknown)}; choose from {', '.join(CHANNELS)}")
    content = load_content(options.content)
    missing = [loc for loc in options.locales if loc not in content.locales]
    if missing:
        raise UsageError(f"no content for locale(s): {', '.join(missing)}; content has {', '.join(content.locales)}")
    if options.locales:
        content = content._replace(locales={k: v for k, v in content.locales.items() if k in options.locales})
    formats = tuple(dict.fromkeys(options.formats)) or tuple(CHANNELS)  # each once, in the order asked
    store = artifact_cache(options)
    store.progress = progress
    store.print_server = print_server and not options.no_cache  # from scratch: no warm renderer either
    try:
        with Writer(options.out, content=options.content) as writer:
            for name in formats:
                for artifact in render_cached(name, content, options, store):
                    writer.write(artifact)
            writer.commit()
    except OSError as exc:  # disk full, no permission: the previous output is still in place
        where = f" ({exc.filename})" if exc.filename else ""
        raise BuildError(f"cannot write {options.out}: {exc.strerror or exc}{where}") from None
    store.prune()
    return BuildResult(Path(options.out), writer.manifest(), time.monotonic() - started, tuple(store.rendered),
                       tuple(store.reused), writer.up_to_date, tuple(store.notes))


