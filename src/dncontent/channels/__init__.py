"""Channels: one module per output format, each rendering the same model into artifacts.

A channel module exposes `NAME`, `DESCRIPTION` and `render(content, options) -> Iterable[Artifact]`. One cached
per locale also has `render_locale`, `render_shared` and `files` (see `render_cached`). One made from other
channels' files names them in `NEEDS`: a build renders those first, and the channel reads their artifacts.
The registry names modules rather than importing them, so `dncontent validate` and `--help` never pay for a
channel's libraries (WeasyPrint takes most of a second). Adding a channel means adding its module and one
entry here.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Content
    from ..options import BuildOptions

CHANNELS = {
    "json": "dncontent.channels.json",
    "html": "dncontent.channels.html",
    "sms": "dncontent.channels.sms",
    "pdf": "dncontent.channels.pdf",
    "fhir": "dncontent.channels.fhir",
}


def channel(name: str) -> ModuleType:
    """The channel module registered under `name`, imported on first use."""
    return importlib.import_module(CHANNELS[name])


def build_order(names) -> tuple[str, ...]:
    """`names` in the order a build renders them: as given, but each after the channels it `NEEDS` among them,
    so those are rendered (and counted) once, by the build, and then read."""
    ordered: list[str] = []

    def add(name: str) -> None:
        if name in ordered:
            return
        for need in getattr(channel(name), "NEEDS", ()):
            if need in names:
                add(need)
        ordered.append(name)

    for name in names:
        add(name)
    return tuple(ordered)


def render_cached(name: str, content: Content, options: BuildOptions, store=None) -> list:
    """The artifacts of channel `name`, each reused from the cache when its inputs have not changed.

    A channel with `render_locale` and `render_shared` is cached per locale, keyed by that locale's slice of
    the model (and the other locales' names, for the links between them), so an edit to one locale renders
    that locale alone. Any other channel renders whole, and may consult the cache itself (the PDF channel
    keeps each brochure by its print HTML). Every problem of every locale is reported together.

    `files(content, locale, options)` names the (path, role) of each file `render_locale` writes for `locale`,
    or `render_shared` for None, in order: a cached entry is reused only if it holds exactly those. A channel
    whose files are made from other channels' files (fhir) has `inputs(content, locale, options)`, a digest
    of those, in its keys.

    A channel is rendered once per store, content and options: a second call (the FHIR channel asking for the
    files it points at, which the build has already rendered) returns the same artifacts again.
    """
    from .. import cache

    store = store or cache.current()  # outside a build: a cache that keeps nothing, so everything renders
    made = store.produced.get(name)
    if made is not None and made[0] is content and made[1] == options:
        return list(made[2])
    with cache.using(store):
        artifacts = _render(name, content, options, store)
    store.produced[name] = (content, options, tuple(artifacts))
    return artifacts


def _render(name: str, content: Content, options: BuildOptions, store) -> list:
    from .. import cache
    from ..errors import BuildError
    from ..write import Artifact

    module = channel(name)
    if not hasattr(module, "render_locale"):
        return list(module.render(content, options))
    settings = repr([(option, getattr(options, option)) for option in getattr(module, "OPTIONS", ())])
    reads = getattr(module, "reads", None)  # the part of a locale's model the channel reads, if not all
    prints = {locale: locale_fingerprint(content, locale, reads) for locale in content.locales}
    shared = module.shared_inputs(content) if hasattr(module, "shared_inputs") else repr(sorted(prints.items()))
    inputs = getattr(module, "inputs", None)
    units: list[tuple[str | None, str]] = [(None, store.key(name, "shared", settings, shared))]
    units += [
        (
            locale,
            store.key(name, locale, settings, prints[locale], *([inputs(content, locale, options)] if inputs else [])),
        )
        for locale in content.in_order()
    ]
    artifacts, problems = [], []
    for locale, key in units:
        expected = [(path, module.NAME, locale, role) for path, role in module.files(content, locale, options)]
        entry = store.get(key, expected)
        if entry is None:
            if store.progress:
                store.progress(f"rendering {name} ({locale or 'shared files'})")
            try:
                made = list(
                    module.render_shared(content, options)
                    if locale is None
                    else module.render_locale(content, locale, options)
                )
            except BuildError as exc:
                if not exc.problems:
                    raise
                problems += exc.problems
                continue
            entry = store.put(key, [cache.Part(a.path, a.format, a.locale, a.role, a.data) for a in made])
        artifacts += [Artifact(p.path, p.format, p.locale, p.role, p.data) for p in entry.parts]
    if problems:
        summary = module.failure(problems) if hasattr(module, "failure") else f"the {name} channel failed"
        raise BuildError(summary, problems)
    return artifacts


def locale_fingerprint(content: Content, locale: str, reads=None) -> str:
    """Everything a channel may read to render `locale`: its slice of the model (`reads(page)`, or all of it),
    the logo's bytes, and the other locales' titles and review status (pages and exports link to each other)."""
    import hashlib

    from ..cache import file_digest

    page = content.locales[locale] if reads is None else reads(content.locales[locale])
    logo = file_digest(page.brand.logo)
    others = [
        (other, content.locales[other].title, content.locales[other].review.status, content.locales[other].url)
        for other in content.in_order()
    ]
    return hashlib.sha256(repr((page, content.source_locale, others, logo)).encode("utf-8")).hexdigest()
