"""The print brochure, checked with real PDF tools: its text, fonts, tags, paper, QR code, bleed and speed of import."""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader
from pypdf.generic import BooleanObject

from dncontent.channels import pdf
from dncontent.pipeline import load_content
from dncontent.printing import compose
from dncontent.resources import templates_dir
from tests.approved import missing_from, normalize
from tests.conftest import CONTENT, ROOT, require, run_cli

PAGE = load_content(CONTENT).locales["en"]
BOOKING_URL = PAGE.booking.url
# Paper as PDF points: (width, height, bleed on each side)
PAPER = {"letter": (612.0, 792.0, 9.0), "a4": (595.276, 841.89, 9.0)}
FOOTER = 0.8 * 72  # the bottom page margin, where the running footer sits
HEADER = 0.9 * 72  # the top page margin of a draft, where its notice sits (page 1's masthead is as tall)
MAX_PAGES = 4


def brochure(build: Path, paper: str, kind: str = "pdf") -> Path:
    return build / "pdf" / f"dry-needling.en.{paper}.{kind}"


def pdftotext(path: Path, *args: str) -> str:
    command = require("pdftotext", "poppler-utils")
    return subprocess.run([command, *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def body_text(path: Path, paper: str, *mode: str) -> str:
    """The text between the header and the footer of every page, in poppler's reading order: a draft's notice
    above the text and the footer below it are page furniture, which a sentence crossing a page must not take in."""
    width, height, _ = PAPER[paper]
    return "\n".join(
        pdftotext(
            path,
            *mode,
            "-f",
            str(n),
            "-l",
            str(n),
            "-x",
            "0",
            "-y",
            str(int(HEADER)),
            "-W",
            str(math.ceil(width)),
            "-H",
            str(int(height - HEADER - FOOTER)),
        )
        for n in range(1, len(PdfReader(path).pages) + 1)
    )


# What gets written


def test_a_build_writes_both_papers_for_every_locale(built):
    entries = {e["path"]: e for e in json.loads((built / "manifest.json").read_text())["artifacts"]}
    brochures = {path: (e["format"], e["locale"], e["role"]) for path, e in entries.items() if path.startswith("pdf/")}
    assert brochures == {
        f"pdf/dry-needling.{locale}.{paper}.pdf": ("pdf", locale, "brochure")
        for locale in ("en", "es")
        for paper in ("letter", "a4")
    }


@pytest.mark.parametrize("paper", compose.PAPERS, ids=lambda paper: paper.name)
def test_paper_prints_the_brochures_on_that_paper_alone(tmp_path, paper):
    out = tmp_path / "out"
    result = run_cli("build", "--content", str(CONTENT), "--out", str(out), "--format", "pdf", "--paper", paper.name)
    assert result.returncode == 0, result.stderr
    entries = json.loads((out / "manifest.json").read_text())["artifacts"]
    assert {e["path"] for e in entries} == {f"pdf/dry-needling.{locale}.{paper.name}.pdf" for locale in ("en", "es")}


def test_an_unknown_paper_is_refused_naming_the_papers():
    result = run_cli("build", "--content", str(CONTENT), "--paper", "legal")
    assert result.returncode == 2
    assert "'legal' is not one of " + ", ".join(f"'{paper.name}'" for paper in compose.PAPERS) in result.stderr


def test_the_api_refuses_an_unknown_paper_before_it_builds(tmp_path):
    import dncontent
    from dncontent.errors import UsageError

    with pytest.raises(UsageError, match="unknown paper.s.: legal; choose from letter, a4"):
        dncontent.build(dncontent.BuildOptions(content=CONTENT, out=tmp_path / "out", papers=("legal",)))
    assert not (tmp_path / "out").exists()


def test_print_large_print_and_keep_html_add_print_shop_versions_large_print_and_the_html(print_build):
    out, _ = print_build
    entries = json.loads((out / "manifest.json").read_text())["artifacts"]
    assert {e["path"]: e["role"] for e in entries} == {
        **{
            f"pdf/dry-needling.{locale}.{paper}.{kind}": role
            for locale in ("en", "es")
            for paper in ("letter", "a4")
            for kind, role in (("pdf", "brochure"), ("print.pdf", "brochure-print"), ("html", "brochure-html"))
        },
        **{
            f"pdf/dry-needling.{locale}.large-print.{kind}": role
            for locale in ("en", "es")
            for kind, role in (("pdf", "brochure-large-print"), ("html", "brochure-html"))
        },
    }


# Content: every approved word, readable, in order


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_every_approved_unit_is_in_the_text_poppler_reads(built, paper):
    # Poppler rebuilds the reading order from where text sits on the page. If a layout change breaks this
    # while the test below passes, look at the page: a heading stranded at a column's foot misleads readers too.
    assert missing_from(body_text(brochure(built, paper), paper)) == []


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_the_text_in_content_order_is_the_approved_page_in_order(built, paper):
    # -raw keeps the order the text was drawn in, which is the order of the tagged structure
    text = normalize(body_text(brochure(built, paper), paper, "-raw"))
    assert missing_from(text) == []
    headings = [normalize(section.heading) for section in PAGE.sections if section.heading]
    positions = [text.find(heading) for heading in headings]
    assert positions == sorted(positions), "headings are out of order"


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_every_approved_unit_is_set_at_11pt_or_more(built, paper):
    runs: list[str] = []

    def keep_large(text, cm, tm, font, size):
        # the size on paper: the font size scaled by the text matrix and the page's transformation
        if size * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]) >= 11 - 0.01:
            runs.append(text)

    for page in PdfReader(brochure(built, paper)).pages:
        page.extract_text(visitor_text=keep_large)
    assert missing_from(" ".join(runs)) == []


def test_the_footer_carries_contact_and_page_numbers_and_no_review_for_a_draft(built):
    path = brochure(built, "letter")
    width, height, _ = PAPER["letter"]
    pages = len(PdfReader(path).pages)
    assert PAGE.is_draft  # the English is the clinic's published page: no clinician has signed it off here
    for number in range(1, pages + 1):
        footer = normalize(
            pdftotext(
                path,
                "-f",
                str(number),
                "-l",
                str(number),
                "-x",
                "0",
                "-y",
                str(int(height - FOOTER)),
                "-W",
                str(int(width)),
                "-H",
                str(int(FOOTER)),
            )
        )
        assert f"Page {number} of {pages}" in footer
        assert "review" not in footer.lower()
        assert compose.contact_line(PAGE) in footer


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_the_draft_notice_is_on_every_page_inside_the_printable_area(print_build, paper):
    """On the trimmed brochure and the print-shop one alike: every page, and never within 0.25 in of the trim."""
    out, _ = print_build
    notice = normalize(PAGE.labels.draft_notice)
    for kind in ("pdf", "print.pdf"):
        path = brochure(out, paper, kind)
        reader = PdfReader(path)
        layout = pdftotext(path, "-bbox-layout").split("<page ")[1:]
        assert len(layout) == len(reader.pages)
        for number, (page, text) in enumerate(zip(reader.pages, layout), start=1):
            left, bottom, right, top = (float(v) for v in page.trimbox)
            height = float(page.mediabox[3])  # poppler measures from the top of the media box
            lines = [
                (
                    float(x0),
                    height - float(y1),
                    float(x1),
                    height - float(y0),
                    html.unescape(" ".join(re.findall(r">([^<]+)</word>", words))),
                )
                for x0, y0, x1, y1, words in re.findall(
                    r'<line xMin="([\d.]+)" yMin="([\d.]+)" '
                    r'xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>',
                    text,
                    re.S,
                )
            ]
            assert notice in normalize(" ".join(line[4] for line in lines)), (kind, number)
            safe = 0.25 * 72
            for x0, y0, x1, y1, words in lines:  # every line of text, the notice's included
                assert left + safe <= x0 and x1 <= right - safe and bottom + safe <= y0 and y1 <= top - safe, (
                    kind,
                    number,
                    words,
                )


# The file: fonts, tags, metadata, paper


def test_only_the_bundled_font_is_used_and_every_font_is_embedded(print_build):
    out, _ = print_build
    command = require("pdffonts", "poppler-utils")
    for path in sorted((out / "pdf").glob("*.pdf")):
        rows = subprocess.run([command, str(path)], capture_output=True, text=True, check=True).stdout
        fonts = [line.split() for line in rows.splitlines()[2:]]
        assert fonts, f"{path.name}: no fonts"
        for font in fonts:
            name, emb = font[0], font[-5]
            assert name.split("+")[-1].startswith("Atkinson-Hyperlegible"), f"{path.name}: {name} is not bundled"
            assert emb == "yes", f"{path.name}: {name} is not embedded"


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_the_pdf_is_tagged_with_language_title_and_author(built, paper):
    reader = PdfReader(brochure(built, paper))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en"
    assert reader.metadata.title == PAGE.title
    assert reader.metadata.author == PAGE.brand.name
    assert b'pdfuaid:part="1"' in reader.xmp_metadata.stream.get_data()


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_paper_size_and_page_count(built, paper):
    width, height, _ = PAPER[paper]
    pages = PdfReader(brochure(built, paper)).pages
    assert 1 <= len(pages) <= MAX_PAGES
    for page in pages:
        assert [round(float(v), 2) for v in page.mediabox] == [0, 0, round(width, 2), round(height, 2)]
        assert [round(float(v), 2) for v in page.trimbox] == [0, 0, round(width, 2), round(height, 2)]


# QR code


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_the_qr_code_opens_the_booking_page(built, paper, tmp_path):
    pdftoppm = require("pdftoppm", "poppler-utils")
    zbarimg = require("zbarimg", "zbar-tools")
    subprocess.run([pdftoppm, "-r", "150", "-png", str(brochure(built, paper)), str(tmp_path / "page")], check=True)
    images = sorted(str(p) for p in tmp_path.glob("page-*.png"))
    result = subprocess.run([zbarimg, "--raw", "-q", *images], capture_output=True, text=True)
    assert result.stdout.split() == [BOOKING_URL]


# Print-shop versions


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_print_versions_have_bleed_around_the_trim_box(print_build, paper):
    out, _ = print_build
    width, height, bleed = PAPER[paper]
    pages = PdfReader(brochure(out, paper, "print.pdf")).pages
    assert len(pages) == len(PdfReader(brochure(out, paper)).pages)
    for page in pages:
        trim = [float(v) for v in page.trimbox]
        assert trim[2] - trim[0] == pytest.approx(width, abs=0.01)
        assert trim[3] - trim[1] == pytest.approx(height, abs=0.01)
        grown = [trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed]
        assert [float(v) for v in page.bleedbox] == pytest.approx(grown, abs=0.01)
        assert [float(v) for v in page.mediabox] == pytest.approx(grown, abs=0.01)


def _corner(path: Path, page: int, inches: float, dpi: int = 288) -> tuple[int, list[int]]:
    """Grey levels of the top-left square of a page's media box (row by row), from pdftoppm's PGM output."""
    pdftoppm = require("pdftoppm", "poppler-utils")
    size = round(inches * dpi)
    pgm = subprocess.run(
        [
            pdftoppm,
            "-gray",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-x",
            "0",
            "-y",
            "0",
            "-W",
            str(size),
            "-H",
            str(size),
            str(path),
        ],
        capture_output=True,
        check=True,
    ).stdout
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", pgm)
    return int(header.group(1)), list(pgm[header.end() :])


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_print_versions_have_crop_marks_and_a_full_bleed_band(print_build, paper):
    out, _ = print_build
    corner = 1.5 * PAPER[paper][2] / 72  # the bleed and a little of the trimmed page: the marks sit on the trim lines
    # Page 2 has no band: its top-left corner is white but for the crop marks.
    width, pixels = _corner(brochure(out, paper, "print.pdf"), 2, corner)
    assert min(pixels) < 96, "no crop marks in the bleed"
    _, plain = _corner(brochure(out, paper), 2, corner)
    assert min(plain) > 240, "the trimmed brochure has marks in its margin"
    # Page 1's brand band runs to the edge of the bleed, so no white shows when the cut wanders.
    _, band = _corner(brochure(out, paper, "print.pdf"), 1, corner)
    assert band[0] < 200 and band[width // 2] < 200


# Reproducible, quiet, and light to import


def test_two_builds_give_identical_pdfs(built, print_build):
    out, _ = print_build
    for paper in ("letter", "a4"):
        first, second = brochure(built, paper).read_bytes(), brochure(out, paper).read_bytes()
        assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest(), paper


def test_a_single_process_prints_the_same_bytes_as_the_workers(built):
    from dncontent.printing import Job, render

    letter = pdf.Brochure("dry-needling", "en", compose.PAPERS[0], False, PAGE)
    job = Job(letter.html, str(templates_dir() / "pdf"), letter.identifier)
    [result] = render.write_pdfs([job], processes=1)
    assert result.messages == ()
    assert result.pdf == brochure(built, "letter").read_bytes()


def test_fonts_loaded_before_print_the_same_bytes_as_the_fonts_inlined_in_the_html():
    """A build's printing and the print server load the fonts once and skip the print HTML's copy of them; the PDF
    is the one the self-contained HTML prints to on its own: the screen brochure (PDF/UA) in English, the
    print-shop one (PDF/X) in Spanish. (The large print finds the same fonts by the same rules.)"""
    from weasyprint.text.fonts import FontConfiguration

    from dncontent.printing import Job, render

    loaded = render.LoadedFonts(str(compose.fonts_css()))
    spanish = load_content(CONTENT).locales["es"]
    for page, print_marks in ((PAGE, False), (spanish, True)):
        html = pdf.Brochure("dry-needling", page.locale, compose.PAPERS[0], print_marks, page).html
        assert f"<style>{loaded.css}</style>" in html  # the copy that is skipped
        job = Job(html, str(templates_dir() / "pdf"), b"fonts")
        assert render.write_pdf(job, loaded).pdf == render.write_pdf(job, FontConfiguration()).pdf, page.locale


def test_a_clean_build_prints_no_weasyprint_warnings(print_build):
    _, result = print_build
    assert "BrochureWarning" not in result.stderr
    assert "weasyprint" not in result.stderr.lower()


def test_weasyprint_warnings_come_back_as_brochure_warnings_at_the_stylesheet_line(capfd):
    from dncontent.printing import Job, render

    stylesheet = (templates_dir() / compose.STYLESHEET).read_text("utf-8").splitlines()
    line = next(number for number, text in enumerate(stylesheet, 1) if text == "body { margin: 0; }")
    html = compose.compose(PAGE, compose.PAPERS[0]).replace("body { margin: 0; }", "body { margin: 0; colr: red; }")
    letter = pdf.Brochure("dry-needling", "en", compose.PAPERS[0], False, html)
    [result] = render.write_pdfs([Job(html, str(ROOT), b"test")])
    assert capfd.readouterr().err == ""  # captured, not printed
    assert any("colr" in message for message in result.messages)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdf.emit_warnings([(letter, message) for message in result.messages])
    [warning] = caught
    assert warning.category is pdf.BrochureWarning
    assert Path(warning.filename) == templates_dir() / compose.STYLESHEET
    assert warning.lineno == line
    assert "colr" in str(warning.message) and "dry-needling.en.letter" in str(warning.message)


@pytest.mark.parametrize(
    "command",
    [
        ["--help"],
        ["validate", "--content", str(CONTENT)],
        ["build", "--content", str(CONTENT), "--format", "json", "--out", "{tmp}"],
    ],
)
def test_weasyprint_is_imported_only_to_print(command, tmp_path):
    args = [arg.replace("{tmp}", str(tmp_path / "build")) for arg in command]
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "dncontent", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    imported = [line for line in result.stderr.splitlines() if line.startswith("import time:")]
    assert imported, "no import timings: -X importtime did not run"
    assert not [line for line in imported if "weasyprint" in line]


# The HTML it is printed from


def test_the_kept_html_is_self_contained(print_build):
    out, _ = print_build
    html = brochure(out, "letter", "html").read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en" dir="ltr">' in html and f"<title>{PAGE.title}</title>" in html
    assert f'<meta name="author" content="{PAGE.brand.name}">' in html
    references = re.findall(r'(?:src=|url\()"([^"]*)"', html)
    assert references and all(ref.startswith("data:") for ref in references), "a reference outside the file"


def test_content_is_escaped_everywhere(content_copy):
    page_file = content_copy / "en" / "page.yaml"
    page = yaml.safe_load(page_file.read_text("utf-8"))
    page["sections"][0]["paragraphs"][0] = 'Text with <script>alert(1)</script> & "quotes".'
    page_file.write_text(yaml.safe_dump(page, allow_unicode=True), "utf-8")
    brand_file = content_copy / "brand.yaml"
    brand = yaml.safe_load(brand_file.read_text("utf-8"))
    brand["name"] = 'Clinic "A" } body { color: red'
    brand_file.write_text(yaml.safe_dump(brand, allow_unicode=True), "utf-8")
    html = compose.compose(load_content(content_copy).locales["en"], compose.PAPERS[0])
    assert "<script>" not in html
    assert "Text with &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;." in html
    stylesheet = re.findall(r"<style>(.*?)</style>", html, re.S)[1]
    assert "} body { color: red" not in stylesheet  # in the footer's CSS string, every symbol is escaped
    assert r'content: "Clinic \22 A\22  \7d  body \7b  color\3a  red' in stylesheet


def test_a_logo_goes_in_the_masthead(content_copy):
    (content_copy / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    brand_file = content_copy / "brand.yaml"
    brand_file.write_text(brand_file.read_text("utf-8") + "logo: logo.svg\n", "utf-8")
    html = compose.compose(load_content(content_copy).locales["en"], compose.PAPERS[0])
    assert re.search(r'<header class="masthead">\s*<img class="logo" src="data:image/svg\+xml;base64,', html)


def test_a_locale_brings_its_own_brochure_wording(content_copy):
    (content_copy / "fr").mkdir()
    for source in (content_copy / "en").iterdir():
        (content_copy / "fr" / source.name).write_bytes(source.read_bytes())
    labels = content_copy / "fr" / "labels.yaml"
    labels.write_text(
        labels.read_text("utf-8")
        .replace("qr_caption: Scan to book online", "qr_caption: Scannez pour réserver")
        .replace("Page {page} of {pages}", "Page {page} sur {pages}"),
        "utf-8",
    )
    out = content_copy.parent / "build"
    result = run_cli("build", "--content", str(content_copy), "--format", "pdf", "--locale", "fr", "--out", str(out))
    assert result.returncode == 0, result.stderr
    text = subprocess.run(
        [require("pdftotext", "poppler-utils"), str(out / "pdf" / "dry-needling.fr.letter.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert (
        "Scannez pour réserver" in " ".join(text.split())
        and "Page 1 sur 4" in text
        and "Scan to book online" not in text
    )
    labels.unlink()  # a locale without its wording is refused before anything renders
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 1 and "fr/labels.yaml:1:1: file is missing" in result.stdout


def test_prose_sections_share_one_flow_and_the_rest_stand_alone():
    kinds = [(run.kind, [section.id for section in run.sections]) for run in compose.runs(PAGE.sections)]
    assert kinds == [
        ("summary", ["introduction"]),
        ("prose", ["what-it-is", "acupuncture", "how-it-works", "session-overview"]),
        ("feature", ["benefits"]),
        ("feature", ["risks"]),
        ("feature", ["find-practitioner"]),
        ("feature", ["what-to-expect"]),
        ("feature", ["who-it-suits"]),
        ("prose", ["primary-care"]),
        ("fineprint", ["disclaimer"]),
        ("feature", ["closing"]),
    ]
