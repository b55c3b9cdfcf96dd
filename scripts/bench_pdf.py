"""Benchmark: the PDF channel against running the `weasyprint` command once per brochure on the same HTML.

(a) `dncontent build --format pdf --keep-html` as a whole (a subprocess: start-up, validation, every brochure);
(b) the `weasyprint` command on each kept HTML file, one after the other, as a shell loop would do it.
Prints the median of a few runs of each and the ratio a/b; the PDF channel aims at 0.8 or less.

    .venv/bin/python scripts/bench_pdf.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's scripts: dncontent and weasyprint
TARGET = 0.8


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each side (default: 3)")
    runs = parser.parse_args().runs

    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        out, cli_out = Path(tmp) / "build", Path(tmp) / "cli"
        cli_out.mkdir()
        build = [
            str(BIN / "dncontent"),
            "build",
            "--content",
            str(ROOT / "content"),
            "--format",
            "pdf",
            "--keep-html",
            "--no-cache",
            "--out",
            str(out),
        ]
        subprocess.run(build, cwd=ROOT, check=True, capture_output=True)  # warm the disk cache
        pages = sorted((out / "pdf").glob("*.html"))

        def weasyprint_each() -> float:
            return sum(
                timed(
                    [
                        str(BIN / "weasyprint"),
                        "--pdf-variant",
                        "pdf/ua-1",
                        str(page),
                        str(cli_out / page.with_suffix(".pdf").name),
                    ]
                )
                for page in pages
            )

        rows = []
        for _ in range(runs):  # interleaved, so a busy moment on the machine hits both sides
            rows.append((timed(build), weasyprint_each()))

    a = statistics.median(row[0] for row in rows)
    b = statistics.median(row[1] for row in rows)
    print(f"{len(pages)} brochures: {', '.join(page.name for page in pages)}")
    print(f"{'run':<8}{'(a) dncontent build':>22}{'(b) weasyprint x' + str(len(pages)):>22}{'a/b':>8}")
    for number, (run_a, run_b) in enumerate(rows, 1):
        print(f"{number:<8}{run_a:>20.2f} s{run_b:>20.2f} s{run_a / run_b:>8.2f}")
    print(f"{'median':<8}{a:>20.2f} s{b:>20.2f} s{a / b:>8.2f}")
    verdict = "meets" if a / b <= TARGET else "misses"
    print(f"a/b = {a / b:.2f}: {verdict} the target of {TARGET}")


if __name__ == "__main__":
    main()
