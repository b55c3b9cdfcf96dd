"""How long `dncontent preview` takes from saving a content file to the browser showing the change.

Starts the real command on a copy of content/, opens its page in Debian's Chromium, then saves a new risk
label several times and times each save until the JSON panel, the web page and the risks snippet all show
it (the fast channels), and until the brochure has been rendered again.

    .venv/bin/python scripts/bench_preview.py [--runs 7]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URL_LINE = re.compile(r"at (http://127\.0\.0\.1:\d+/)")
LABEL = "Pneumothorax (collapsed lung)"
SHOWS_EVERYWHERE = """token => {
  const inFrame = selector => document.querySelector(selector)?.contentDocument?.body?.innerText.includes(token);
  return document.querySelector("#en-json pre")?.textContent.includes(token)
    && inFrame("#en-page iframe") && inFrame("#en-snippets iframe[src$='/risks.html']");
}"""
BROCHURE_REDONE = """before => {
  const panel = document.querySelector("#en-brochure");
  return panel && panel.dataset.key !== before && panel.querySelector("[data-state='ready']") !== null;
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        shutil.copytree(ROOT / "content", content)
        risks = content / "en" / "risks.yaml"
        original = risks.read_text(encoding="utf-8")
        log = (Path(tmp) / "preview.out").open("w+")
        server = subprocess.Popen(
            [sys.executable, "-m", "dncontent", "preview", "--content", str(content), "--port", "0"],
            cwd=tmp,
            stdout=log,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            url = _wait_for_url(Path(log.name), server)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.goto(url)
                page.wait_for_selector("#en-brochure [data-state='ready']", timeout=120_000)
                fast, brochure = [], []
                for run in range(args.runs):
                    token = f"Collapsed lung, take {run}"
                    key = page.get_attribute("#en-brochure", "data-key")
                    started = time.perf_counter()
                    risks.write_text(original.replace(LABEL, token), encoding="utf-8")
                    page.wait_for_function(SHOWS_EVERYWHERE, arg=token, timeout=30_000)
                    fast.append(time.perf_counter() - started)
                    page.wait_for_function(BROCHURE_REDONE, arg=key, timeout=120_000)
                    brochure.append(time.perf_counter() - started)
                    print(
                        f"run {run + 1}: page, snippet and JSON {fast[-1] * 1000:.0f} ms; "
                        f"brochure {brochure[-1] * 1000:.0f} ms"
                    )
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(
        f"save -> fast channels shown: median {statistics.median(fast) * 1000:.0f} ms "
        f"(min {min(fast) * 1000:.0f}, max {max(fast) * 1000:.0f}) over {len(fast)} saves"
    )
    print(
        f"save -> brochure rendered:   median {statistics.median(brochure) * 1000:.0f} ms "
        f"(min {min(brochure) * 1000:.0f}, max {max(brochure) * 1000:.0f})"
    )


def _wait_for_url(stdout: Path, server: subprocess.Popen) -> str:
    deadline = time.monotonic() + 60
    while not (match := URL_LINE.search(stdout.read_text(encoding="utf-8"))):
        if server.poll() is not None or time.monotonic() > deadline:
            sys.exit("dncontent preview did not start")
        time.sleep(0.05)
    return match[1]


if __name__ == "__main__":
    main()
