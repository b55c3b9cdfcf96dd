"""The command line: parses options, calls the library, prints results. It does no work of its own."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .channels import CHANNELS
from .errors import DncontentError, Problem, UsageError

content_option = click.option("--content", "content", type=click.Path(path_type=Path), default=Path("content"),
                              show_default=True, help="Content folder to read.")


def _fail(exc: DncontentError) -> None:
    problems = getattr(exc, "problems", [])
    for problem in problems:
        click.echo(problem.format(), err=True)
    click.secho(f"error: {exc}", fg="red", err=True)
    sys.exit(exc.exit_code)


def _summary(problems: list[Problem]) -> str:
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    files = len({p.file for p in errors})
    parts = []
    if errors:
        parts.append(f"Found {len(errors)} problem{'s' * (len(errors) != 1)} in {files} file{'s' * (files != 1)}")
    if warnings:
        parts.append(f"{len(warnings)} warning{'s' * (len(warnings) != 1)}")
    if not errors:
        parts.insert(0, "Content is valid")
    return ", ".join(parts)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dncontent")
def main() -> None:
    """Keep patient-education material as one verified source and publish it to every channel.

    Edit the YAML in content/, check it with `dncontent validate`, then `dncontent build`
    writes the web page and snippets, the brochure PDFs, the JSON export and the text messages into build/.
    """


@main.command()
@content_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one line per problem; json: records for CI and editor tooling.")
@click.option("--strict", is_flag=True,
              help="Treat editorial warnings (reading grade, review dates, placeholder URLs, SMS near budget) as errors.")
@click.option("--quiet", "-q", is_flag=True, help="Show errors and warnings only, not the info lines.")
def validate(content: Path, output_format: str, strict: bool, quiet: bool) -> None:
    """Check every content file and report all problems at once.

    Each problem is one line: FILE:LINE:COL: FIELD: MESSAGE (hint: ...). Once the content is valid,
    editorial checks add warnings (reading grade above target, review overdue or due within 30 days,
    placeholder URLs, SMS within 10% of its budget) and info lines (each section's reading grade, the
    review status). Exits 0 when the content is valid, 1 when it has errors (or warnings, with --strict),
    2 on a usage error.
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
        click.echo(json.dumps({"valid": not errors, "summary": _summary(problems),
                               "problems": [p.as_record() for p in problems]}, indent=2, ensure_ascii=False))
    else:
        for problem in problems:
            click.echo(problem.format())
        click.echo(_summary(problems), err=True)
    sys.exit(1 if errors else 0)


@main.command()
@content_option
@click.option("--out", type=click.Path(path_type=Path), default=Path("build"), show_default=True,
              help="Output folder; replaced as a whole when the build succeeds.")
@click.option("--format", "formats", multiple=True, type=click.Choice(list(CHANNELS)),
              help="Channel to build (repeatable). Default: all.")
@click.option("--locale", "locales", multiple=True, help="Locale to build (repeatable). Default: all.")
@click.option("--heading-level", type=click.IntRange(1, 5), default=2, show_default=True,
              help="Heading level HTML snippets start at, to nest under the host page's own headings.")
@click.option("--keep-html", is_flag=True, help="Also write each brochure's print HTML beside its PDF.")
@click.option("--print", "print_marks", is_flag=True,
              help="Also write print-shop brochures with 3 mm / 0.125 in bleed and crop marks.")
def build(content: Path, out: Path, formats: tuple[str, ...], locales: tuple[str, ...], heading_level: int,
          keep_html: bool, print_marks: bool) -> None:
    """Validate, then render every channel into the output folder and write its manifest.json.

    Nothing is written if the content is invalid; a failed or interrupted build leaves the
    previous output exactly as it was.
    """
    from .options import BuildOptions
    from .pipeline import build as run_build

    options = BuildOptions(content=content, out=out, formats=formats, locales=locales, heading_level=heading_level,
                           keep_html=keep_html, print_marks=print_marks)
    progress = (lambda message: click.echo(f"  {message}", err=True)) if sys.stderr.isatty() else None
    try:
        result = run_build(options, progress=progress)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    except DncontentError as exc:
        _fail(exc)
    artifacts = result.manifest["artifacts"]
    by_format: dict[str, int] = {}
    for entry in artifacts:
        by_format[entry["format"]] = by_format.get(entry["format"], 0) + 1
    total = sum(entry["bytes"] for entry in artifacts)
    counts = ", ".join(f"{n} {fmt}" for fmt, n in by_format.items())
    click.echo(f"Built {len(artifacts)} files ({counts}; {total / 1024:.0f} KiB) into {out}/ in {result.seconds:.1f}s")


@main.command()
@content_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0 picks a free one).")
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
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--no-brochures", is_flag=True, help="Skip rendering the brochures to count their pages (faster).")
def report(content: Path, output_format: str, no_brochures: bool) -> None:
    """Show the state of the material at a glance, one table per locale.

    Sections with word counts and reading grades, SMS characters and segments against their budgets,
    brochure page counts, and the review dates with their status.
    """
    from .report import as_records, build_report, format_text

    try:
        reports = build_report(content, brochures=not no_brochures)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    except DncontentError as exc:
        _fail(exc)
    if output_format == "json":
        click.echo(json.dumps(as_records(reports), indent=2, ensure_ascii=False))
    else:
        click.echo(format_text(reports), nl=False)


@main.command()
@click.option("--count", type=click.IntRange(1, 10000), default=10, show_default=True,
              help="How many exports to write.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the random choices: the same seed writes the same files, byte for byte.")
@click.option("--out", "-o", "out", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Folder to write fixture-001.json ... into; created if needed. Other files are left alone.")
def fixtures(count: int, seed: int, out: Path) -> None:
    """Write random JSON exports, valid against the published schema, for testing apps.

    Each fixture is a whole export document as `dncontent build` would write one, filled with
    generated content: text in other scripts, right-to-left text, long strings, empty lists and
    nulls, and lists of many items, in turn. Point an app's tests at them to see it render more
    than the one real page.
    """
    from .fixtures import fingerprint, write_fixtures

    try:
        paths = write_fixtures(out, count, seed)
    except OSError as exc:
        raise click.ClickException(f"cannot write into {out}: {exc.strerror or exc}") from None
    click.echo(f"Wrote {len(paths)} fixtures into {out}/ (seed {seed}, sha256 {fingerprint(paths)[:12]})")
