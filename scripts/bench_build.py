"""Benchmark: incremental builds against full builds, measured in the same run, on this machine.

    .venv/bin/python scripts/bench_build.py [--runs 3] [--skip-scale] [--skip-preview]

Every figure is a median of interleaved runs, so a busy moment on a shared machine hits both sides.

1. Rebuilds, each a `dncontent build` subprocess, against a full build (`--no-cache`: no artifact cache and
   no print server, everything rendered in the build's own process) of the same content:
   - no-op: nothing changed since the last build (goal: at most 0.10 of a full build);
   - one SMS body edited (goal: at most 0.35; only SMS outputs change);
   - one English risk label edited (goal: at most 0.6; nothing Spanish is rendered). Rebuilds print on the
     print server, as builds on a workstation do; the same edit with the server off is shown beside it.
2. Scale: full builds of 1, 2, 4 and 8 locales (en, then copies of the Spanish content under other Spanish
   locale tags): time per locale, CPU time over wall time (above 1: both cores work), peak memory of the
   largest process. The cost per locale must not grow with the number of locales.
3. The preview's brochure refresh after an edit (the same code path the preview runs, in process) against
   bare in-process WeasyPrint renders of the same brochures' HTML (goal: at most 1.2).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DNCONTENT = [sys.executable, "-m", "dncontent"]
SPANISH_TAGS = ("es", "es-419", "es-MX", "es-US", "es-AR", "es-CO", "es-PR")


RUNTIME = Path(tempfile.mkdtemp(prefix="dnc-bench-"))  # the benchmark's own print server, stopped at the end
SERVER = {"DNCONTENT_RUNTIME_DIR": str(RUNTIME), "DNCONTENT_PRINT_SERVER": "on"}
# and its own reading-score cache (XDG_CACHE_HOME/dncontent): an edited text is scored afresh, as an editor's
# new text is, however often the benchmark has run before
SCORES = {"XDG_CACHE_HOME": str(RUNTIME / "scores")}


def run_build(content: Path, out: Path, cache: Path, *args: str, server: str = "on") -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(
        [*DNCONTENT, "build", "--content", str(content), "--out", str(out), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **SERVER, **SCORES, "DNCONTENT_PRINT_SERVER": server, "DNCONTENT_CACHE_DIR": str(cache)},
    )
    seconds = time.perf_counter() - started
    if result.returncode:
        sys.exit(f"build failed: {result.stderr}")
    return seconds, result.stdout.strip()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    if old not in text:
        sys.exit(f"{old!r} not in {path}")
    path.write_text(text.replace(old, new, 1), "utf-8")


def counts(summary: str) -> str:
    match = re.search(r"(\d+ rendered, \d+ reused)$", summary, re.MULTILINE)
    return match.group(1) if match else summary


def rebuilds(runs: int, tmp: Path) -> None:
    content, cache = tmp / "content", tmp / "cache"
    shutil.copytree(ROOT / "content", content)
    out, full_out = tmp / "build", tmp / "full"
    run_build(content, out, cache)  # fill the cache
    rows = []
    sms = content / "en" / "sms.yaml"
    risks = content / "en" / "risks.yaml"
    for n in range(runs):
        full, _ = run_build(content, full_out, cache, "--no-cache")
        run_build(content, out, cache)  # build/ catches up with the content the last run restored
        noop, noop_summary = run_build(content, out, cache)  # and again: nothing changed since that build
        edit(sms, "Concerns?", f"Concerns{'?' * (n + 2)}")  # a new text each run: never in the cache
        sms_edit, sms_summary = run_build(content, out, cache)
        edit(sms, f"Concerns{'?' * (n + 2)}", "Concerns?")
        edit(risks, "label: Fainting", f"label: Fainting {n + 1}")
        risk_edit, risk_summary = run_build(content, out, cache)
        edit(risks, f"label: Fainting {n + 1}", f"label: Fainting {n + 1}b")
        risk_cold, _ = run_build(content, out, cache, server="off")
        edit(risks, f"label: Fainting {n + 1}b", "label: Fainting")
        rows.append((full, noop, sms_edit, risk_edit, risk_cold))
        print(
            f"  run {n + 1}: full {full:.2f} s, no-op {noop:.2f} s ({counts(noop_summary)}), "
            f"SMS edit {sms_edit:.2f} s ({counts(sms_summary)}), risk label {risk_edit:.2f} s "
            f"({counts(risk_summary)}; {risk_cold:.2f} s with the print server off)"
        )
    full, noop, sms_edit, risk_edit, risk_cold = (statistics.median(column) for column in zip(*rows))
    print(f"\nmedians of {runs} interleaved runs (full build: {full:.2f} s)")
    for name, seconds, goal in (
        ("no-op rebuild", noop, 0.10),
        ("one SMS body edited", sms_edit, 0.35),
        ("one English risk label edited", risk_edit, 0.6),
        ("  the same, print server off", risk_cold, None),
    ):
        ratio = seconds / full
        verdict = f"goal <= {goal}: {'meets' if ratio <= goal else 'misses'}" if goal else "(no goal: for comparison)"
        print(f"  {name:32} {seconds:6.2f} s  {ratio:5.2f} x full  {verdict}")


def scale(tmp: Path) -> None:
    print("\nfull builds (--no-cache) by number of locales")
    print(f"  {'locales':>7} {'wall':>8} {'per locale':>11} {'CPU/wall':>9} {'peak RSS':>9}")
    per_locale = {}
    for count in (1, 2, 4, 8):
        content = tmp / f"content-{count}"
        shutil.copytree(ROOT / "content", content, ignore=shutil.ignore_patterns("es"))
        for tag in SPANISH_TAGS[: count - 1]:
            shutil.copytree(ROOT / "content" / "es", content / tag)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        command = [
            "/usr/bin/time",
            "-f",
            "%M",
            *DNCONTENT,
            "build",
            "--content",
            str(content),
            "--out",
            str(tmp / f"out-{count}"),
            "--no-cache",
        ]
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if result.returncode:
            sys.exit(f"build failed: {result.stderr}")
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        peak_kib = int(result.stderr.strip().splitlines()[-1])
        per_locale[count] = wall / count
        print(f"  {count:>7} {wall:>6.2f} s {wall / count:>9.2f} s {cpu / wall:>9.2f} {peak_kib / 1024:>6.0f} MiB")
    growth = per_locale[8] / per_locale[1]
    print(
        f"  per-locale cost at 8 locales / at 1 locale: {growth:.2f} "
        f"({'no worse than linear' if growth <= 1.0 else 'worse than linear'})"
    )


def preview_refresh(runs: int, tmp: Path) -> None:
    os.environ["DNCONTENT_CACHE_DIR"] = str(tmp / "preview-cache")
    sys.path.insert(0, str(ROOT / "src"))
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from dncontent.options import BuildOptions
    from dncontent.pipeline import load_content
    from dncontent.preview.state import render_channels
    from dncontent.printing import render  # noqa: F401  (imported once, as the running preview has it)
    from dncontent.printing.compose import PAPERS, compose

    content = tmp / "preview-content"
    shutil.copytree(ROOT / "content", content)
    options = BuildOptions(content=content)
    render_channels(["pdf"], load_content(content), options)  # as the preview has done at start
    risks = content / "en" / "risks.yaml"
    rows = []
    for n in range(runs):
        edit(risks, "label: Fainting" if n == 0 else f"label: Fainting {n}", f"label: Fainting {n + 1}")
        started = time.perf_counter()
        loaded = load_content(content)
        rendered = render_channels(["pdf"], loaded, options)
        refresh = time.perf_counter() - started
        if rendered.failures or rendered.problems:
            sys.exit(f"preview render failed: {rendered.failures or rendered.problems}")
        page = loaded.locales["en"]
        htmls = [compose(page, paper) for paper in PAPERS]
        started = time.perf_counter()
        for html in htmls:
            HTML(string=html, base_url=str(ROOT / "templates" / "pdf")).write_pdf(
                font_config=FontConfiguration(), pdf_variant="pdf/ua-1"
            )
        bare = time.perf_counter() - started
        rows.append((refresh, bare))
        print(
            f"  run {n + 1}: preview refresh {refresh:.2f} s ({rendered.summary()}), "
            f"bare WeasyPrint {bare:.2f} s for the same {len(htmls)} brochures"
        )
    refresh, bare = (statistics.median(column) for column in zip(*rows))
    ratio = refresh / bare
    print(
        f"  median: preview refresh {refresh:.2f} s, bare {bare:.2f} s, ratio {ratio:.2f} "
        f"(goal <= 1.2: {'meets' if ratio <= 1.2 else 'misses'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="interleaved runs of each measurement (default: 3)")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-preview", action="store_true")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    try:
        with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
            print("rebuilds after an edit, against a full build")
            rebuilds(args.runs, Path(tmp))
            if not args.skip_scale:
                scale(Path(tmp))
            if not args.skip_preview:
                print("\nthe preview's brochure refresh after an English edit")
                preview_refresh(args.runs, Path(tmp))
    finally:
        subprocess.run([*DNCONTENT, "print-server", "stop"], capture_output=True, env={**os.environ, **SERVER})
        shutil.rmtree(RUNTIME, ignore_errors=True)


if __name__ == "__main__":
    main()
