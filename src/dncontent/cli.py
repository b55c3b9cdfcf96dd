"""The command line: parses options, calls the library, prints results. It does no work of its own."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from . import __version__
from .channels import CHANNELS
from .errors import DncontentError, Problem, UsageError, hinted_once
from .options import PAPER_NAMES


def _content_folder(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    """--content as given; left out, `content/` here or in the nearest folder above that has one (as git finds
    `.git`), so that a command works from any folder of the project."""
    if ctx.get_parameter_source(param.name or "") is not click.core.ParameterSource.DEFAULT:
        return value
    try:
        here = Path.cwd()
    except OSError:
        return value  # the working folder was deleted: the command says so when it reads `value`
    for folder in (here, *here.parents):
        if (folder / "content" / "brand.yaml").is_file():
            return value if folder == here else Path(os.path.relpath(folder / "content"))
    return value


content_option = click.option(
    "--content",
    "content",
    type=click.Path(path_type=Path),
    default=Path("content"),
    show_default=True,
    callback=_content_folder,
    help="Content folder to read. Left out: content/ here, or in the nearest folder above that has one.",
)


def _beside_content(ctx: click.Context, name: str, value: Path, content: Path) -> Path:
    """An output folder left at its default sits beside a content folder found above, as it sits beside
    content/ here: `build/` of the project, whichever of its folders the command runs in."""
    if ctx.get_parameter_source(name) is click.core.ParameterSource.DEFAULT and not value.is_absolute():
        return Path(os.path.relpath(Path(os.path.abspath(content)).parent / value))
    return value


def _fail(exc: DncontentError) -> None:
    problems = getattr(exc, "problems", [])
    for problem in hinted_once(problems):
        click.echo(problem.format(), err=True)
    click.secho(f"error: {exc}", fg="red", err=True)
    sys.exit(exc.exit_code)


def _summary(problems: list[Problem]) -> str:
    errors = [p for p in problems if p.severity == "error"]
    files = len({p.file for p in errors})
    parts = []
    if errors:
        parts.append(f"Found {len(errors)} problem{'s' * (len(errors) != 1)} in {files} file{'s' * (files != 1)}")
    for severity in ("warning", "note"):
        count = sum(1 for p in problems if p.severity == severity)
        if count:
            parts.append(f"{count} {severity}{'s' * (count != 1)}")
    if not errors:
        parts.insert(0, "Content is valid")
    return ", ".join(parts)


class _Commands(click.Group):
    def main(self, *args, **kwargs):
        """Run as a command: a closed or full output stream or a deleted working folder is one line, not a
        traceback (see streams.py)."""
        if kwargs.get("standalone_mode") is False:
            return super().main(*args, **kwargs)
        from .streams import guarded

        guarded(lambda: super(_Commands, self).main(*args, **kwargs))


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dncontent")
def main() -> None:
    """Keep patient-education material as one verified source and publish it to every channel.

    `dncontent build` writes the web page and snippets, the brochure PDFs, the JSON export and the text
    messages into build/. Publishing, step by step:

    \b
    1. edit content/          (`dncontent preview` shows every channel as you save)
    2. dncontent validate     fix the errors, act on the warnings
    3. dncontent signoff      record a clinician's review of the English
    4. dncontent i18n ...     translate; then sign off each translation
    5. dncontent build --release
                              refuses, listing every reason, until nothing blocks it
    6. deploy build/          as the release wrote it
    """


@main.command()
@content_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per problem; json: records for CI and editor tooling.",
)
@click.option(
    "--strict", is_flag=True, help="Treat warnings (what a release refuses) as errors; notes and info lines never are."
)
@click.option("--quiet", "-q", is_flag=True, help="Show errors, warnings and notes only, not the info lines.")
def validate(content: Path, output_format: str, strict: bool, quiet: bool) -> None:
    """Check every content file and report all problems at once.

    Each problem is one line: FILE:LINE:COL: FIELD: MESSAGE (hint: ...), the hint on the first line of
    its kind only. Once the content is valid, editorial checks add warnings, which are what to act on before
    publishing (`build --release` refuses them): placeholder URLs, drafts, review overdue, stale or
    untranslated text, changes since the sign-off, our wording above its reading target; notes, which
    block nothing (a review due within 30 days, a message within 10% of its budget); and info lines (the
    review status). Reading scores of the approved page text are in `dncontent report`. Exits 0 when the
    content is valid, 1 when it has errors (or warnings, with --strict), 2 on a usage error.
    """
    from .pipeline import validate as run_validate

    try:
        problems = run_validate(content, strict=strict)
        if quiet:
            problems = [p for p in problems if p.severity != "info"]
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    errors = [p for p in problems if p.severity == "error"]
    if output_format == "json":
        click.echo(
            json.dumps(
                {"valid": not errors, "summary": _summary(problems), "problems": [p.as_record() for p in problems]},
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for problem in hinted_once(problems):
            click.echo(problem.format())
        click.echo(_summary(problems), err=True)
    sys.exit(1 if errors else 0)


@main.command()
@content_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Output folder; replaced as a whole when the build succeeds.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(list(CHANNELS)),
    help="Channel to build (repeatable). Default: all.",
)
@click.option("--locale", "locales", multiple=True, help="Locale to build (repeatable). Default: all.")
@click.option(
    "--heading-level",
    type=click.IntRange(1, 5),
    default=2,
    show_default=True,
    help="Heading level HTML snippets start at, to nest under the host page's own headings.",
)
@click.option(
    "--paper",
    "papers",
    multiple=True,
    type=click.Choice(PAPER_NAMES),
    help="Paper of the standard brochures (repeatable). Default: every one.",
)
@click.option("--keep-html", is_flag=True, help="Also write each brochure's print HTML beside its PDF.")
@click.option(
    "--print",
    "print_marks",
    is_flag=True,
    help="Also write print-shop brochures: PDF/X-4 with 0.125 in bleed and crop marks.",
)
@click.option(
    "--large-print", is_flag=True, help="Also write a large-print brochure per locale (Letter, 18 pt, one column)."
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Render everything from scratch in this process: no artifact cache, no print server.",
)
@click.option(
    "--release",
    is_flag=True,
    help="Publish: refuse (writing nothing) while any error, unwaived warning or draft remains, listing "
    "every reason; render from scratch; record each locale's status and sign-off in the manifest.",
)
@click.option(
    "--allow-draft",
    "allow_draft",
    multiple=True,
    metavar="LOCALE",
    help="With --release: publish this draft locale anyway, with its draft notices (repeatable).",
)
def build(
    content: Path,
    out: Path,
    formats: tuple[str, ...],
    locales: tuple[str, ...],
    heading_level: int,
    papers: tuple[str, ...],
    keep_html: bool,
    print_marks: bool,
    large_print: bool,
    no_cache: bool,
    release: bool,
    allow_draft: tuple[str, ...],
) -> None:
    """Validate, then render every channel into the output folder and write its manifest.json.

    Nothing is written if the content is invalid; a failed or interrupted build leaves the
    previous output exactly as it was. Without --release this is the development build: files whose
    inputs have not changed since an earlier build are taken from the artifact cache instead of being
    rendered again (the output is the same), and its last line counts the warnings and what a release
    would refuse. With --release it is how content is published: see `dncontent --help`.
    """
    from .options import BuildOptions
    from .pipeline import build as run_build

    if click.get_current_context().get_parameter_source("content") is click.core.ParameterSource.DEFAULT:
        out = _beside_content(click.get_current_context(), "out", out, content)
    options = BuildOptions(
        content=content,
        out=out,
        formats=formats,
        locales=locales,
        heading_level=heading_level,
        papers=papers,
        keep_html=keep_html,
        print_marks=print_marks,
        large_print=large_print,
        no_cache=no_cache,
        release=release,
        allow_draft=allow_draft,
    )
    progress = Progress() if Progress.wanted() else None
    try:
        result = run_build(options, progress=progress, print_server=True)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    except DncontentError as exc:
        _fail(exc)
    finally:
        if progress:
            progress.stop()
    for note in result.notes:
        click.echo(f"warning: {note}", err=True)
    artifacts = result.manifest["artifacts"]
    by_format: dict[str, int] = {}
    for entry in artifacts:
        by_format[entry["format"]] = by_format.get(entry["format"], 0) + 1
    total = sum(entry["bytes"] for entry in artifacts)
    counts = ", ".join(f"{n} {fmt}" for fmt, n in by_format.items())
    state = " (already up to date)" if result.up_to_date else ""
    click.echo(
        f"Built {len(artifacts)} files ({counts}; {total / 1024:.0f} KiB) into {out}/{state} in {result.seconds:.1f}s: "
        f"{len(result.rendered)} rendered, {len(result.reused)} reused"
    )
    if release:
        statuses = ", ".join(f"{locale} ({entry['status']})" for locale, entry in result.manifest["locales"].items())
        click.echo(f"Released {statuses}; {out}/manifest.json records each locale's status and sign-off")
    else:
        from .release import summary

        click.echo(summary(result.warnings, list(result.would_refuse)))


def _on_a_terminal() -> bool:
    """Whether progress is worth showing: stderr is a terminal, and not one of CI's."""
    return sys.stderr.isatty() and not os.environ.get("CI")


class Progress:
    """What a build is rendering, on a terminal, once it has taken longer than a second.

    Quiet when stderr is not a terminal or in CI. A timer signal (not a thread: a second thread would keep
    the PDF channel from forking its workers) shows the latest line when the second is up; later lines
    show as they come.
    """

    DELAY = 1.0

    def __init__(self) -> None:
        import signal
        import time

        self.started = time.monotonic()
        self.latest: str | None = None
        self.showing = False
        self.previous = signal.signal(signal.SIGALRM, self._due)
        signal.setitimer(signal.ITIMER_REAL, self.DELAY)

    @staticmethod
    def wanted() -> bool:
        import signal

        return _on_a_terminal() and hasattr(signal, "setitimer")

    def __call__(self, message: str) -> None:
        self.latest = message
        if self.showing:
            click.echo(f"  {message}", err=True)

    def _due(self, signum, frame) -> None:
        self.showing = True
        if self.latest:
            click.echo(f"  {self.latest}", err=True)

    def stop(self) -> None:
        import signal

        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)


@main.command()
@content_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0 picks a free one)."
)
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the default browser.")
def preview(content: Path, host: str, port: int, open_browser: bool) -> None:
    """Serve a live preview of every channel, rebuilt on every save.

    Shows the HTML page and snippets, the brochure, the text messages and the JSON side by side,
    per locale. Saving a file under the content folder or the templates updates the open page by
    itself. Problems in the content are shown in the page instead of stale output.
    Never writes to build/.
    """
    from .preview import serve

    try:
        serve(content=content, host=host, port=port, open_browser=open_browser)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    except DncontentError as exc:
        _fail(exc)


@main.command()
@content_option
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8001, show_default=True, help="Port (0 picks a free one)."
)
@click.option("--open", "open_browser", is_flag=True, help="Open the studio in the default browser.")
def studio(content: Path, port: int, open_browser: bool) -> None:
    """Edit the content in the browser, with every channel live beside the form.

    Forms are made from the schemas, English beside its translation, with stale and untranslated
    text marked. Each change is checked against the whole content before it is written, and written
    keeping the YAML's comments and layout; an invalid value is shown at its field and not written.
    Listens on 127.0.0.1 only; every write needs the page's own token and origin.
    """
    from .studio import serve

    try:
        serve(content=content, port=port, open_browser=open_browser)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    except DncontentError as exc:
        _fail(exc)


@main.command()
@content_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--no-brochures",
    is_flag=True,
    help="Skip the brochures' page counts (faster when no build has printed the brochures as they are).",
)
def report(content: Path, output_format: str, no_brochures: bool) -> None:
    """Show the state of the material at a glance, one table per locale.

    Sections with word counts and reading grades, SMS characters and segments against their budgets,
    brochure page counts, and the review dates with their status.
    """
    from .report import as_records, build_report, format_text

    try:
        reports = build_report(content, brochures=not no_brochures, print_server=True)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    except DncontentError as exc:
        _fail(exc)
    if output_format == "json":
        click.echo(json.dumps(as_records(reports), indent=2, ensure_ascii=False))
    else:
        click.echo(format_text(reports), nl=False)


@main.command()
@content_option
@click.option("--locale", required=True, help="Locale whose text was reviewed, e.g. en.")
@click.option("--by", "by", required=True, help='Reviewer\'s name and credentials, e.g. "Dana Ruiz, PT, DPT".')
@click.option("--date", "date", type=click.DateTime(["%Y-%m-%d"]), help="Date of the review (default: today).")
@click.option(
    "--next-review", type=click.DateTime(["%Y-%m-%d"]), help="When the next review is due (default: 12 months on)."
)
def signoff(content: Path, locale: str, by: str, date, next_review) -> None:
    """Record a clinician's sign-off of a locale, with a fingerprint of everything approved.

    Writes the signoff record (by, date, next_review and a fingerprint of every unit) into the locale's
    page.yaml, keeping its comments and layout. It covers what patients see: the text, labels and text
    messages, and the session minutes, links, clinic name, phone, email and SMS sender. The record is
    what makes a locale approved, and only while it matches: after any change the locale is a draft
    again and `dncontent validate` warns at the changed line. Every output takes its review date and
    reviewer from this record. Refuses content that does not validate. Run it only for a review that
    happened: it says a clinician approved this material.
    """
    from .governance.signoff import signoff as run_signoff

    try:
        result = run_signoff(
            content,
            locale,
            by,
            date=date.date() if date else None,
            next_review=next_review.date() if next_review else None,
        )
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    except DncontentError as exc:
        _fail(exc)
    since = "first sign-off" if result.first else f"{result.changed} changed since the last sign-off"
    held = "; it stays a draft while its page.yaml says review.status: draft" if result.held else ""
    click.echo(
        f"Signed off {locale} by {' '.join(by.split())}: {result.units} units ({since}); next review "
        f"{result.next_review} ({result.page}){held}"
    )


@main.group()
def i18n() -> None:
    """Translations: gettext PO files for translators' tools, and what each translation was made from.

    Each translated locale records, in content/<locale>/translation.yaml, the English text each unit was
    translated from; `dncontent validate` reports a unit as stale once that English changes.
    """


@i18n.command("export")
@content_option
@click.option("--locale", help="Locale to translate into, e.g. es.")
@click.option(
    "--template",
    is_flag=True,
    help="Write the template (POT) of the source locale instead: every unit, "
    "no translations, to start a new locale from.",
)
@click.option(
    "--output",
    "-o",
    "output",
    type=click.Path(path_type=Path, allow_dash=True),
    default="-",
    show_default=True,
    help="PO (or POT) file to write (- for standard output).",
)
@click.option(
    "--only",
    type=click.Choice(["all", "stale", "untranslated"]),
    default="all",
    show_default=True,
    help="Every unit, only the stale ones (fuzzy), or only those with no translation.",
)
def i18n_export(content: Path, locale: str | None, template: bool, output: Path, only: str) -> None:
    """Write a gettext PO file of a locale: one entry per unit, for Poedit, Weblate and other translation tools.

    msgctxt is the unit path (e.g. risks/nerve-damage/label), msgid the English now, msgstr the
    translation. A stale unit is fuzzy and shows the English it was translated from as `#| msgid`; an
    untranslated one has an empty msgstr. Entries with placeholders are python-brace-format, so
    msgfmt --check and translation tools check them. With --template, the POT of the English instead.
    The same content always gives the same file.
    """
    from .governance import po

    if template == bool(locale):
        raise click.UsageError(
            "give either --locale LOCALE (a locale's PO file) or --template (the POT of the "
            "source locale), not " + ("both" if template else "neither")
        )
    if template and only != "all":
        raise click.UsageError("--only selects from a locale's translations; a template (--template) has every unit")
    try:
        text, count = po.template(content) if template or not locale else po.export(content, locale, only)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    except DncontentError as exc:
        _fail(exc)
    if str(output) == "-":
        click.echo(text, nl=False)
    else:
        output.write_text(text, "utf-8")
        click.echo(f"Wrote {count} entries {'of the template' if template else f'for {locale}'} to {output}", err=True)


@i18n.command("import")
@content_option
@click.argument("po_file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--locale", help="Locale to import into (default: the PO file's Language header).")
@click.option(
    "--accept-fuzzy", is_flag=True, help="Take fuzzy entries as checked translations instead of refusing them."
)
def i18n_import(content: Path, po_file: Path, locale: str | None, accept_fuzzy: bool) -> None:
    """Write the translations of a PO file into content/<locale>/ and record what they were translated from.

    Checks everything first and writes nothing if an entry is fuzzy (unless --accept-fuzzy), changes the
    placeholders, or would make the content invalid; each problem is reported at the line of its msgstr.
    An entry whose unit is no longer in the content is skipped with a warning. Empty translations are
    left as they are. Comments, key order and layout of the YAML are kept; importing an unchanged export
    changes no content file. The header's Last-Translator is recorded for the units the import changed.
    """
    from .governance.po import import_po

    try:
        result = import_po(content, po_file, locale=locale, accept_fuzzy=accept_fuzzy)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    except DncontentError as exc:
        _fail(exc)
    for warning in hinted_once(result.warnings):
        click.echo(warning.format(), err=True)
    memory = "recorded" if result.memory_written else "unchanged"
    click.echo(
        f"{result.locale}: {result.updated} unit{'s' * (result.updated != 1)} updated, {result.unchanged} unchanged, "
        f"{result.untranslated} left untranslated, {result.fuzzy_taken} fuzzy taken; translation memory {memory}"
    )
    if result.still_stale and not result.updated and not result.memory_written:
        click.echo(
            f"{result.locale}: this file updated nothing, and {result.still_stale} unit"
            f"{'s are' if result.still_stale != 1 else ' is'} still stale; get them with: "
            f"dncontent i18n export --locale {result.locale} --only stale",
            err=True,
        )


@i18n.command("sync")
@content_option
@click.option(
    "--po-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of the translation files  [default: po, beside the content folder]",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 naming each file out of step with the content.")
def i18n_sync(content: Path, po_dir: Path | None, check: bool) -> None:
    """Keep the translation files in the repository: po/dncontent.pot and po/<locale>.po for each translated locale.

    For translation platforms (Weblate, Crowdin, Pontoon) that read and write PO files in the repository.
    The files are what export gives (their dates come from the content), so a re-run changes no byte;
    --check, for CI, fails when content changed without a sync.
    """
    from .governance.po import sync

    folder = po_dir if po_dir is not None else content.parent / "po"
    try:
        result = sync(content, folder, check=check)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    except DncontentError as exc:
        _fail(exc)
    for problem in result.stray:
        click.echo(problem.format(), err=True)
    if check:
        click.echo(f"{len(result.unchanged)} translation files in step with the content in {folder}")
    else:
        click.echo(f"{folder}: {len(result.written)} written, {len(result.unchanged)} unchanged")


@i18n.command("mark-current")
@content_option
@click.option("--locale", required=True, help="Translated locale, e.g. es.")
@click.option("--include-stale", is_flag=True, help="Also mark stale units current (only once they are checked).")
def i18n_mark_current(content: Path, locale: str, include_stale: bool) -> None:
    """Record that each translated unit was made from the English as it is now, without a PO round trip.

    For a locale translated by hand, once someone has checked it against the current English. Units
    already stale stay stale unless --include-stale; units identical to the English are not recorded.
    Writes only content/<locale>/translation.yaml.
    """
    from .governance.translation import mark_current

    try:
        result = mark_current(content, locale, include_stale=include_stale)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    except DncontentError as exc:
        _fail(exc)
    click.echo(
        f"{locale}: {result.recorded} units recorded as current, {result.stale_kept} still stale, "
        f"{result.untranslated} untranslated; translation memory {'recorded' if result.written else 'unchanged'}"
    )


@main.group("print-server")
def print_server_group() -> None:
    """The warm WeasyPrint that builds hand their brochures to.

    A build with brochures to print starts a print server unless one is running; it stays for
    10 minutes after its last job, so the next build prints without loading WeasyPrint again.
    DNCONTENT_PRINT_SERVER=off (or a CI environment) turns it off; --no-cache builds never use it.
    """


@print_server_group.command("status")
def print_server_status() -> None:
    """Show the print servers running for you."""
    from .printing import server as print_server

    folder = print_server.runtime_dir(create=False)
    if folder is None and os.path.lexists(print_server.runtime_path()):
        click.echo(
            f"No print server can run: {print_server.runtime_path()} is not a folder that only you may "
            f"enter, so builds print in their own process (see DNCONTENT_RUNTIME_DIR in the README)."
        )
        return
    answers = [(path, print_server.ask(path, "status")) for path in (print_server.servers(folder) if folder else [])]
    running = [(path, answer) for path, answer in answers if answer and answer.get("ok")]
    if not running:
        click.echo("No print server is running.")
        return
    assert folder is not None  # servers are found only in the folder
    current = print_server.socket_path(folder).name
    for path, answer in running:
        which = "this dncontent" if path.name == current else "other code (it exits when idle)"
        click.echo(
            f"print server {answer.get('pid')} for {which}: {answer.get('connections', 0)} "
            f"connection(s) served, exits after {answer.get('idle_seconds', 0):.0f}s idle; socket {path}"
        )


@print_server_group.command("stop")
def print_server_stop() -> None:
    """Stop every print server running for you (a build starts a new one when it needs it)."""
    from .printing import server as print_server

    folder = print_server.runtime_dir(create=False)
    stopped = [
        answer.get("pid")
        for path in (print_server.servers(folder) if folder else [])
        if (answer := print_server.ask(path, "stop"))
    ]
    click.echo(f"Stopped {len(stopped)} print server{'s' * (len(stopped) != 1)}.")


@main.command()
@click.option(
    "--count", type=click.IntRange(1, 10000), default=10, show_default=True, help="How many exports to write."
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Seed of the random choices: the same seed writes the same files, byte for byte.",
)
@click.option(
    "--out",
    "-o",
    "out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder to write fixture-001.json ... into; created if needed. Other files are left alone.",
)
def fixtures(count: int, seed: int, out: Path) -> None:
    """Write a json/ folder of random exports, valid against the published schema, for testing apps.

    Each fixture is a whole export document as `dncontent build` would write one, filled with
    generated content: text in other scripts, right-to-left text, long strings, empty lists and
    nulls, and lists of many items, in turn. Beside them go the index.json that lists them and
    the schemas and types.d.ts a build publishes, so an app reads the folder as it reads
    build/json/. Point an app's tests at it to see it render more than the one real page.
    """
    from .fixtures import fingerprint, write_fixtures

    counter = Counter("fixtures") if _on_a_terminal() else None
    try:
        paths = write_fixtures(out, count, seed, progress=counter)
    except OSError as exc:
        raise click.ClickException(f"cannot write into {out}: {exc.strerror or exc}") from None
    finally:
        if counter:
            counter.stop()
    click.echo(
        f"Wrote {count} fixtures, index.json, the schemas and types.d.ts into {out}/ "
        f"(seed {seed}, sha256 {fingerprint(paths)[:12]})"
    )


class Counter:
    """How far a run of many like items has got, on a terminal: one line on stderr, rewritten in place at most
    a few times a second (`  120 of 10000 fixtures written, 3.1 a second, about 53 min left`), and cleared at
    the end. Quiet when stderr is not a terminal or in CI, as the build's progress is.
    """

    EVERY = 0.25  # seconds between two redraws of the line

    def __init__(self, noun: str) -> None:
        import time

        self.noun = noun
        self.started = time.monotonic()
        self.shown_at: float | None = None

    def __call__(self, done: int, total: int) -> None:
        import time

        now = time.monotonic()
        if done < total and self.shown_at is not None and now - self.shown_at < self.EVERY:
            return
        rate = done / max(now - self.started, 1e-9)
        left = f", about {_duration((total - done) / rate)} left" if done < total else ""
        click.echo(f"\r\x1b[K  {done} of {total} {self.noun} written, {rate:.1f} a second{left}", err=True, nl=False)
        self.shown_at = now

    def stop(self) -> None:
        if self.shown_at is not None:
            click.echo("\r\x1b[K", err=True, nl=False)


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds // 3600:.0f} h {seconds % 3600 / 60:.0f} min"
