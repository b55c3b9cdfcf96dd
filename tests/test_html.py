"""The HTML channel: the page carries the approved text and its health metadata; snippets paste in safely."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from dncontent import load_content
from dncontent.colors import contrast
from tests import approved
from tests.conftest import CONTENT, run_cli

# The vocabulary file lists schema.org's core terms; the translation links are defined in its bib extension.
SCHEMA_TERMS = set((Path(__file__).parent / "data" / "schemaorg-terms.txt").read_text("utf-8").split()) | {
    "workTranslation",
    "translationOfWork",
}
CONTENT_MODEL = load_content(CONTENT)
PAGE = CONTENT_MODEL.locales["en"]
SNIPPETS = ("overview", "conditions", "risks", "what-to-expect", "who-it-suits", "cta", "disclaimer")
HOST_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Clinic site</title></head>
<body><main><h1>Our treatments</h1>
{snippet}
</main></body></html>"""


def embed(snippet: str) -> str:
    """A snippet pasted into a minimal host page, as a site builder would."""
    return HOST_PAGE.format(snippet=snippet)


def build_html(content: Path, out: Path, *args: str):
    return run_cli("build", "--content", str(content), "--out", str(out), "--format", "html", *args)


@pytest.fixture(scope="module")
def html_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("html") / "build"
    result = build_html(CONTENT, out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def page(html_build, browser):
    """The English page, open in Chromium."""
    context = browser.new_context()
    tab = context.new_page()
    tab.goto((html_build / "html" / "en" / "dry-needling.html").as_uri())
    yield tab
    context.close()


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of <style> and <script> elements."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.raw: dict[str, list[str]] = {"style": [], "script": []}
        self._in: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in self.raw else None

    def handle_data(self, data):
        if self._in:
            self.raw[self._in].append(data)

    def handle_endtag(self, tag):
        self._in = None


def selectors(css: str) -> list[str]:
    """Each selector of each rule, with comments removed; at-rules keep their '@' prelude."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return [s.strip() for prelude in re.findall(r"([^{}]+)\{", css) for s in prelude.split(",")]


def test_page_snippets_and_stylesheet_are_written(html_build):
    manifest = json.loads((html_build / "manifest.json").read_text("utf-8"))
    roles = {e["path"]: (e["locale"], e["role"]) for e in manifest["artifacts"] if e["format"] == "html"}
    assert roles["html/en/dry-needling.html"] == ("en", "page")
    assert roles["html/dncontent-snippets.css"] == (None, "stylesheet")
    assert roles["html/es/dry-needling.html"] == ("es", "page")
    assert {path for path, (_, role) in roles.items() if role == "snippet"} == {
        f"html/{locale}/snippets/{name}.html" for locale in ("en", "es") for name in SNIPPETS
    }


def test_every_approved_sentence_heading_and_item_is_visible(page):
    assert approved.missing_from(page.inner_text("body")) == []
    items = {approved.normalize(text) for text in page.locator("ul > li, ol > li").all_inner_texts()}
    assert [unit for kind, unit in approved.units() if kind == "item" and approved.normalize(unit) not in items] == []


def test_sections_come_in_order_with_their_lists(page):
    assert page.locator("h1").all_inner_texts() == [PAGE.title]
    assert page.locator("main h2").all_inner_texts() == [s.heading for s in PAGE.sections if s.heading]
    assert page.locator("#dn-benefits ul > li").all_inner_texts() == [i.label for i in PAGE.conditions]
    assert page.locator("#dn-risks ul > li").all_inner_texts() == [i.label for i in PAGE.risks]
    assert page.locator("#dn-who-it-suits ul > li").all_inner_texts() == [i.label for i in PAGE.contraindications]
    phases = page.locator("#dn-what-to-expect ol > li")
    assert phases.locator("h3").all_inner_texts() == [p.label for p in PAGE.session_phases]
    assert phases.locator("p").all_inner_texts() == [p.text for p in PAGE.session_phases]
    ids = page.locator("main .dn-section").evaluate_all("sections => sections.map(s => s.id)")
    assert ids == [f"dn-{s.id}" for s in PAGE.sections]


def test_page_shows_clinic_and_language_and_says_it_is_a_draft(page):
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("header .site-name").inner_text().strip() == PAGE.brand.name
    # no clinician has signed the English off: no review date anywhere, the draft notice instead
    assert PAGE.is_draft and page.locator("time").count() == 0
    assert page.get_by_role("note").inner_text() == PAGE.labels.draft_notice
    assert "review" not in page.locator("body").inner_text().lower()


def test_calls_to_action_are_named_by_their_description_and_show_their_label(page):
    for cta in PAGE.cta:
        links = page.get_by_role("link", name=cta.description)
        assert links.count() >= 1
        for link in links.all():
            assert link.get_attribute("href") == cta.url
            visible = link.evaluate("a => [...a.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join('')")
            assert visible == cta.label
            assert link.locator(".dn-visually-hidden").bounding_box()["width"] <= 1


def health_metadata(html: str) -> dict:
    [script] = Elements(html).raw["script"]
    return json.loads(script)


def schema_terms(value) -> set[str]:
    """Every schema.org term a JSON-LD document uses: its keys, types and enumeration members."""
    if isinstance(value, list):
        return set().union(*map(schema_terms, value))
    if not isinstance(value, dict):
        return {value.removeprefix("https://schema.org/")} if str(value).startswith("https://schema.org/") else set()
    terms = {key for key in value if not key.startswith("@")}
    if "@type" in value:
        terms.add(value["@type"])
    return terms.union(*(schema_terms(v) for k, v in value.items() if k != "@context"))


def test_health_metadata_describes_the_therapy_from_the_same_content(html_build):
    document = health_metadata((html_build / "html" / "en" / "dry-needling.html").read_text("utf-8"))
    therapy = document["about"]
    phases = {p.id: p.text for p in PAGE.session_phases}
    assert document["@context"] == "https://schema.org" and document["@type"] == "MedicalWebPage"
    assert (document["name"], document["inLanguage"]) == (PAGE.title, "en")
    assert "lastReviewed" not in document and "reviewedBy" not in document  # a draft claims no review
    assert document["medicalAudience"] == "https://schema.org/Patient"
    assert document["publisher"] == document["author"] == {"@type": "Organization", "name": PAGE.brand.name}
    assert therapy["@type"] == "MedicalTherapy" and therapy["name"] == "Dry needling"
    assert [c["name"] for c in therapy["contraindication"]] == [i.label for i in PAGE.contraindications]
    assert {c["@type"] for c in therapy["contraindication"]} == {"MedicalContraindication"}
    assert [r["name"] for r in therapy["adverseOutcome"]] == [i.label for i in PAGE.risks]
    assert therapy["preparation"] == phases["before"] and therapy["howPerformed"] == phases["during"]
    assert therapy["followup"] == f"{phases['after']} {phases['results']}"
    assert schema_terms(document) - SCHEMA_TERMS == set()


def test_schema_term_check_catches_a_made_up_term():
    assert schema_terms({"@type": "MedicalTherapy", "sideEffect": [{"@type": "MedicalEntity"}]}) - SCHEMA_TERMS == {
        "sideEffect"
    }


def test_every_section_is_in_exactly_one_snippet_and_the_cta_snippet_offers_every_call_to_action(html_build):
    found: dict[str, list[str]] = {}
    for name in SNIPPETS:
        html = (html_build / "html" / "en" / "snippets" / f"{name}.html").read_text("utf-8")
        for _tag, attrs in Elements(html).tags:
            if "dn-section" in attrs.get("class", "").split():
                found.setdefault(attrs["id"].removeprefix("dn-"), []).append(name)
    assert sorted(found) == sorted(s.id for s in PAGE.sections)
    assert {section: len(names) for section, names in found.items() if len(names) != 1} == {}
    assert found["closing"] == found["find-practitioner"] == ["cta"]
    cta = (html_build / "html" / "en" / "snippets" / "cta.html").read_text("utf-8")
    assert {a.get("href") for tag, a in Elements(cta).tags if tag == "a"} == {c.url for c in PAGE.cta}


@pytest.mark.parametrize("name", SNIPPETS)
def test_snippet_is_one_scoped_element_with_no_script_and_no_outside_requests(html_build, name):
    html = (html_build / "html" / "en" / "snippets" / f"{name}.html").read_text("utf-8")
    elements = Elements(html)
    root_tag, root = elements.tags[0]
    assert html.startswith("<div ") and html.rstrip().endswith("</div>") and root_tag == "div"
    assert "dn" in root["class"].split() and root["lang"] == "en"
    assert re.search(r"<script|\son\w+\s*=|javascript:", html, re.I) is None
    assert {tag for tag, _ in elements.tags} <= {
        "div",
        "section",
        "style",
        "h2",
        "h3",
        "p",
        "ul",
        "ol",
        "li",
        "a",
        "span",
    }
    links = {a["href"] for tag, a in elements.tags if tag == "a"}
    assert links <= {c.url for c in PAGE.cta}
    assert [attrs for tag, attrs in elements.tags if "src" in attrs or "srcset" in attrs] == []
    [style] = elements.raw["style"]
    stylesheet = (html_build / "html" / "dncontent-snippets.css").read_text("utf-8")
    assert style.strip() == stylesheet.strip()  # the shipped stylesheet, inlined so a paste stands alone
    assert re.search(r"url\(|@import|@font-face", style) is None


def test_every_snippet_selector_starts_at_the_scoped_root(html_build):
    css = (html_build / "html" / "dncontent-snippets.css").read_text("utf-8")
    unscoped = [s for s in selectors(css) if not re.match(r"\.dn(?![\w-])", s)]
    assert selectors(css) and unscoped == []
    assert [s for s in selectors(".dn p, body .dn a, h2 { }") if not re.match(r"\.dn(?![\w-])", s)] == [
        "body .dn a",
        "h2",
    ]


def test_an_embedded_snippet_requests_nothing(html_build, browser):
    context = browser.new_context()
    tab = context.new_page()
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    for name in SNIPPETS:
        tab.set_content(embed((html_build / "html" / "en" / "snippets" / f"{name}.html").read_text("utf-8")))
        tab.wait_for_load_state("networkidle")
    context.close()
    assert requests == []


def heading_levels(html: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])\b", html)]


@pytest.mark.parametrize("locale", ["en", "es"])
def test_every_snippet_of_a_draft_says_so_where_it_is_pasted(html_build, browser, locale):
    """A site builder may place any one snippet alone: each carries the draft notice, first, as a note."""
    notice = CONTENT_MODEL.locales[locale].labels.draft_notice
    context = browser.new_context()
    tab = context.new_page()
    for name in SNIPPETS:
        tab.set_content(embed((html_build / "html" / locale / "snippets" / f"{name}.html").read_text("utf-8")))
        note = tab.get_by_role("note")
        assert note.count() == 1 and note.inner_text() == notice, name
        first = tab.locator(".dn > :not(style)").first
        assert first.get_attribute("class") == "dn-draft" and first.is_visible(), name
        assert tab.locator("time").count() == 0, name
    context.close()


def test_snippet_headings_start_at_the_chosen_level_and_never_skip(html_build, tmp_path):
    out = tmp_path / "build"
    assert build_html(CONTENT, out, "--heading-level", "3").returncode == 0
    for root, start in ((html_build, 2), (out, 3)):
        for name in SNIPPETS:
            levels = heading_levels((root / "html" / "en" / "snippets" / f"{name}.html").read_text("utf-8"))
            if levels:
                assert min(levels) == start and levels[0] == start, name
                assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), name
    assert heading_levels((out / "html" / "en" / "snippets" / "what-to-expect.html").read_text("utf-8")) == [
        3,
        4,
        4,
        4,
        4,
    ]
    # the option is for snippets; the standalone page always starts at h1
    page_html = (out / "html" / "en" / "dry-needling.html").read_text("utf-8")
    assert heading_levels(page_html)[:2] == [1, 2]


def test_contrast_is_measured_as_wcag_defines_it():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the lightest grey that passes
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#0b5d6b", "#ffffff") == contrast("#ffffff", "#0b5d6b")


def set_brand(content: Path, **changes) -> None:
    path = content / "brand.yaml"
    brand = yaml.safe_load(path.read_text("utf-8"))
    for key, value in changes.items():
        if key in brand["colors"]:
            brand["colors"][key] = value
        else:
            brand[key] = value
    path.write_text(yaml.safe_dump(brand, sort_keys=False, allow_unicode=True), "utf-8")


def test_faint_brand_colours_fail_the_build_and_say_where(content_copy, tmp_path):
    set_brand(content_copy, muted="#8a96a3", on_primary="#a8c8cd")
    out = tmp_path / "build"
    result = build_html(content_copy, out)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert re.search(
        r"brand\.yaml:\d+:\d+: colors\.muted: muted #8a96a3 on background #ffffff has contrast "
        r"3\.\d\d:1; text needs at least 4\.5:1 \(WCAG AA\)",
        result.stderr,
    ), lines
    assert "colors.muted: muted #8a96a3 on surface #eef6f7 has contrast" in result.stderr
    assert re.search(
        r"colors\.on_primary: on_primary #a8c8cd on primary #0b5d6b has contrast 4\.22:1; .*"
        r"\(hint: lighten on_primary or darken primary\)",
        result.stderr,
    ), lines
    assert "error: 3 problem(s) in content" in result.stderr
    assert not out.exists()


def test_a_colour_just_under_the_line_is_refused_and_just_over_is_built(content_copy, tmp_path):
    set_brand(content_copy, muted="#717171")  # 4.45:1 on the callout surface
    assert build_html(content_copy, tmp_path / "a").returncode == 1
    set_brand(content_copy, muted="#707070")  # 4.52:1
    assert build_html(content_copy, tmp_path / "b").returncode == 0


PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "breakout": "</script><script>alert(1)</script>",
}


def inject(content: Path) -> None:
    """Markup typed into the fields a page shows: title, heading, paragraph, list item, CTA, clinic name."""

    def edit(name: str, change) -> None:
        path = content / "en" / f"{name}.yaml"
        data = yaml.safe_load(path.read_text("utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")

    def page_fields(page):
        page["title"] = f"Dry needling {PAYLOADS['breakout']}"
        page["sections"][0]["paragraphs"][0] += f" {PAYLOADS['script']}"
        page["sections"][1]["heading"] = f"What is it? {PAYLOADS['img']}"

    edit("page", page_fields)
    edit("conditions", lambda d: d["conditions"][0].update(label=f"Neck pain {PAYLOADS['img']}"))
    edit("risks", lambda d: d["risks"][0].update(label=f"Bleeding {PAYLOADS['breakout']}"))
    edit(
        "cta",
        lambda d: d["cta"][1].update(
            label=f"Book {PAYLOADS['img']}", description=f"Book online {PAYLOADS['breakout']}"
        ),
    )
    set_brand(content, name=f"Jubilant {PAYLOADS['script']}")


def test_markup_in_content_is_shown_as_text_and_never_runs(content_copy, tmp_path, browser):
    inject(content_copy)
    out = tmp_path / "build"
    result = build_html(content_copy, out)
    assert result.returncode == 0, result.stderr
    context = browser.new_context()
    tab = context.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.goto((out / "html" / "en" / "dry-needling.html").as_uri())
    assert tab.locator("script").count() == 1 and tab.locator("img").count() == 0
    text = tab.inner_text("body")
    for shown in (
        f"Dry needling {PAYLOADS['breakout']}",
        PAYLOADS["script"],
        f"What is it? {PAYLOADS['img']}",
        f"Neck pain {PAYLOADS['img']}",
        f"Bleeding {PAYLOADS['breakout']}",
        f"Book {PAYLOADS['img']}",
        f"Jubilant {PAYLOADS['script']}",
    ):
        assert shown in text
    assert tab.title().startswith(f"Dry needling {PAYLOADS['breakout']} | ")
    assert tab.get_by_role("link", name=f"Book online {PAYLOADS['breakout']}").count() == 1
    document = json.loads(tab.locator("script[type='application/ld+json']").text_content())
    assert document["name"] == f"Dry needling {PAYLOADS['breakout']}"
    assert document["publisher"]["name"] == f"Jubilant {PAYLOADS['script']}"
    assert document["about"]["adverseOutcome"][0]["name"] == f"Bleeding {PAYLOADS['breakout']}"
    assert document["about"]["contraindication"][0]["name"] == PAGE.contraindications[0].label
    for name in SNIPPETS:
        tab.set_content(embed((out / "html" / "en" / "snippets" / f"{name}.html").read_text("utf-8")))
        assert tab.locator("script, img").count() == 0, name
    tab.set_content(embed((out / "html" / "en" / "snippets" / "overview.html").read_text("utf-8")))
    assert PAYLOADS["script"] in tab.inner_text("main")
    context.close()
    assert dialogs == []


def test_json_ld_cannot_close_its_script_element(content_copy, tmp_path):
    inject(content_copy)
    out = tmp_path / "build"
    assert build_html(content_copy, out).returncode == 0
    html = (out / "html" / "en" / "dry-needling.html").read_text("utf-8")
    script = html[html.index('<script type="application/ld+json">') :]
    script = script[: script.index("</script>")]
    assert "<" not in script.removeprefix('<script type="application/ld+json">')
    assert "\\u003c/script\\u003e" in script
    assert health_metadata(html)["name"] == f"Dry needling {PAYLOADS['breakout']}"


def test_only_https_tel_and_mailto_links_are_built(content_copy, tmp_path):
    path = content_copy / "brand.yaml"
    path.write_text(path.read_text("utf-8").replace("https://www.example.com/contact", "javascript:alert(1)"), "utf-8")
    out = tmp_path / "build"
    result = build_html(content_copy, out)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert not out.exists()


def test_the_sign_off_gives_the_review_date_and_reviewer(content_copy, tmp_path, browser):
    signed = run_cli(
        "signoff",
        "--locale",
        "en",
        "--by",
        "Dr. Ana Ruiz, PT, DPT",
        "--date",
        "2026-11-20",
        "--content",
        str(content_copy),
    )
    assert signed.returncode == 0, signed.stderr
    out = tmp_path / "build"
    assert build_html(content_copy, out).returncode == 0
    html = (out / "html" / "en" / "dry-needling.html").read_text("utf-8")
    assert "Reviewed by Dr. Ana Ruiz, PT, DPT." in html and 'class="dn-draft"' not in html
    document = health_metadata(html)
    assert document["lastReviewed"] == "2026-11-20"
    assert document["reviewedBy"] == {"@type": "Person", "name": "Dr. Ana Ruiz, PT, DPT"}
    assert schema_terms(document) - SCHEMA_TERMS == set()
    context = browser.new_context()
    tab = context.new_page()
    tab.goto((out / "html" / "en" / "dry-needling.html").as_uri())
    assert tab.locator("main time").get_attribute("datetime") == "2026-11-20"
    assert "Last reviewed November 20, 2026" in tab.locator("main").inner_text()
    assert "Next review due November 20, 2027" in tab.locator("footer").inner_text()
    assert tab.get_by_role("note").count() == 0
    context.close()
