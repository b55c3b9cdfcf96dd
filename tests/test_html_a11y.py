"""The HTML channel is accessible (WCAG 2.2 AA): axe-core and reflow in real Chromium, the Nu HTML Checker."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CONTENT, ROOT, require
from tests.test_html import SNIPPETS, build_html, embed

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# 320 CSS px is WCAG 1.4.10's reflow width; a 1280 px window at 200% zoom lays out 640 CSS px at twice the density.
VIEWPORTS = {
    "320px": {"viewport": {"width": 320, "height": 640}},
    "1280px at 200%": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
    "1280px": {"viewport": {"width": 1280, "height": 800}},
}


@pytest.fixture(scope="module")
def html_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("html-a11y") / "build"
    result = build_html(CONTENT, out)
    assert result.returncode == 0, result.stderr
    return out


def node_tool(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is missing; run: npm ci", pytrace=False)
    return path


def open_page(browser, view: str, html_build: Path | None = None, snippet: str | None = None, locale: str = "en"):
    """A new tab at `view` size showing the page, or `snippet` embedded in a host page."""
    context = browser.new_context(**VIEWPORTS[view])
    tab = context.new_page()
    if snippet is None:
        tab.goto((html_build / "html" / locale / "dry-needling.html").as_uri())
    else:
        tab.set_content(embed((html_build / "html" / locale / "snippets" / f"{snippet}.html").read_text("utf-8")))
    tab.wait_for_load_state("load")
    return context, tab


def axe_violations(tab) -> list[str]:
    tab.add_script_tag(path=str(node_tool(AXE)))
    result = tab.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    assert result["passes"], "axe checked nothing"
    return [f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']]}" for v in result["violations"]]


@pytest.mark.parametrize("locale", ["en", "es"])
@pytest.mark.parametrize("view", ["1280px", "320px"])
def test_page_has_no_axe_violations(browser, html_build, view, locale):
    context, tab = open_page(browser, view, html_build, locale=locale)
    violations = axe_violations(tab)
    context.close()
    assert violations == []


@pytest.mark.parametrize("locale", ["en", "es"])
@pytest.mark.parametrize("name", SNIPPETS)
def test_embedded_snippet_has_no_axe_violations(browser, html_build, name, locale):
    context, tab = open_page(browser, "1280px", html_build, snippet=name, locale=locale)
    violations = axe_violations(tab)
    context.close()
    assert violations == []


def test_axe_finds_what_it_should(browser):
    """The harness is live: a faint, unnamed link on an unlabelled page is reported."""
    context = browser.new_context()
    tab = context.new_page()
    tab.set_content(
        '<html><body><a href="https://example.com/" style="color:#ccc"><img src="data:,"></a></body></html>'
    )
    violations = axe_violations(tab)
    context.close()
    assert {v.split(":")[0] for v in violations} >= {"html-has-lang", "document-title", "link-name"}


def test_pages_pass_the_nu_html_checker(html_build):
    java = require("java", "default-jre-headless")
    result = subprocess.run(
        [
            java,
            "-jar",
            str(node_tool(VNU)),
            "--errors-only",
            "--format",
            "json",
            *(str(html_build / "html" / locale / "dry-needling.html") for locale in ("en", "es")),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    assert [f"{m.get('lastLine')}: {m['message']}" for m in messages] == []
    assert result.returncode == 0


def overflow(tab) -> dict:
    return tab.evaluate("""() => ({scroll: document.documentElement.scrollWidth,
                                   client: document.documentElement.clientWidth,
                                   wider: [...document.querySelectorAll('body *')]
                                     .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                                     .map(e => e.tagName + '.' + e.className)})""")


@pytest.mark.parametrize("locale", ["en", "es"])
@pytest.mark.parametrize("view", ["320px", "1280px at 200%"])
def test_page_reflows_without_horizontal_scrolling(browser, html_build, view, locale):
    context, tab = open_page(browser, view, html_build, locale=locale)
    measured = overflow(tab)
    context.close()
    assert measured["scroll"] <= measured["client"], measured["wider"]
    assert measured["wider"] == []


@pytest.mark.parametrize("view", ["320px", "1280px at 200%"])
def test_snippets_reflow_without_horizontal_scrolling(browser, html_build, view):
    for name in SNIPPETS:
        context, tab = open_page(browser, view, html_build, snippet=name)
        measured = overflow(tab)
        context.close()
        assert measured["scroll"] <= measured["client"] and measured["wider"] == [], (name, measured)


def test_the_first_tab_stop_skips_to_the_main_content(browser, html_build):
    context, tab = open_page(browser, "320px", html_build)
    tab.keyboard.press("Tab")
    focused = tab.evaluate("() => [document.activeElement.textContent, document.activeElement.getAttribute('href')]")
    box = tab.locator(":focus").bounding_box()
    tab.keyboard.press("Enter")
    target = tab.evaluate("() => location.hash")
    context.close()
    assert focused == ["Skip to main content", "#main"]
    assert box["y"] >= 0 and box["x"] >= 0 and box["width"] > 1  # shown when focused, not left off screen
    assert target == "#main"
