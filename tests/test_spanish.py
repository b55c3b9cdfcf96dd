"""Spanish as verified as English: every channel, the draft notice, CLDR formatting, languages that find each other."""

from __future__ import annotations

import hashlib
import html
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests import approved
from tests.conftest import CONTENT, ROOT, formats, require, run_build, run_cli

LOCALES = ("en", "es")
DRAFT = {
    locale: yaml.safe_load((CONTENT / locale / "labels.yaml").read_text("utf-8"))["draft_notice"] for locale in LOCALES
}
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)


def export(built: Path, locale: str) -> dict:
    return json.loads((built / "json" / f"dry-needling.{locale}.json").read_text("utf-8"))


def sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences: a page break may fall between them, with the page's furniture in between."""
    return [s for s in re.split(r"(?<=[.?!:])\s+(?=[¿¡A-ZÁÉÍÓÚÑ])", paragraph) if s.strip()]


def units(document: dict) -> list[str]:
    """Every unit of text an export carries that a full channel must show: headings, sentences, items, phases, CTAs."""
    out = [document["title"]]
    for section in document["sections"]:
        out += [section["heading"]] if section["heading"] else []
        out += [s for paragraph in section["paragraphs"] + section["closing"] for s in sentences(paragraph)]
    for name in ("conditions", "risks", "contraindications"):
        out += [item["label"] for item in document[name]]
    out += [s for phase in document["session_phases"] for s in (phase["label"], *sentences(phase["text"]))]
    out += [cta["label"] for cta in document["cta"]]
    return out


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(
        [require("pdftotext", "poppler-utils"), *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def page_text(browser, built: Path, locale: str) -> str:
    context = browser.new_context()
    tab = context.new_page()
    tab.goto((built / "html" / locale / "dry-needling.html").as_uri())
    text = tab.inner_text("body")
    context.close()
    return text


def test_every_channel_is_built_for_both_locales(built):
    manifest = json.loads((built / "manifest.json").read_text("utf-8"))["artifacts"]
    by_locale = {locale: {e["format"] for e in manifest if e["locale"] == locale} for locale in LOCALES}
    assert by_locale == {"en": {"json", "html", "sms", "pdf", "fhir"}, "es": {"json", "html", "sms", "pdf", "fhir"}}


def test_spanish_keeps_the_ids_of_english(built):
    en, es = export(built, "en"), export(built, "es")
    for name in ("sections", "conditions", "risks", "contraindications", "session_phases", "cta"):
        assert [item["id"] for item in es[name]] == [item["id"] for item in en[name]], name
    # neither is signed off: the English is the clinic's published page, the Spanish a new translation
    assert es["locale"] == "es" and es["review"]["status"] == "draft" and en["review"]["status"] == "draft"
    assert len(units(es)) == len(units(en)) and all(unit.strip() for unit in units(es))


PAPER = {"letter": (612, 792), "a4": (595, 842)}  # PDF points
MARGINS = (0.75 * 72, 0.8 * 72)  # top (the draft notice) and bottom (the footer): page furniture, not text
REVIEW_WORDS = ("Last reviewed", "Reviewed by", "Next review", "Última revisión", "Revisado por", "Próxima revisión")


def body_text(path: Path, paper: str, *mode: str) -> str:
    """The text of every page between its top and bottom margins, so a sentence that crosses a page reads whole."""
    from pypdf import PdfReader

    width, height = PAPER[paper]
    top, bottom = MARGINS
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
            str(int(top)),
            "-W",
            str(width),
            "-H",
            str(int(height - top - bottom)),
        )
        for n in range(1, len(PdfReader(path).pages) + 1)
    )


def dehyphenate(text: str) -> str:
    """Words the layout broke at a line end (or a column's), whole again: hyphenated compounds never break there."""
    return re.sub(r"(\w)-\n\s*(\w)", r"\1\2", text)


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_every_spanish_unit_is_in_both_brochures(built, paper):
    path = built / "pdf" / f"dry-needling.es.{paper}.pdf"
    for mode in ((), ("-raw",)):  # as laid out, and in reading order
        text = approved.normalize(dehyphenate(body_text(path, paper, *mode)))
        assert [unit for unit in units(export(built, "es")) if approved.normalize(unit) not in text] == []


def test_every_spanish_unit_is_on_the_spanish_page(browser, built):
    text = approved.normalize(page_text(browser, built, "es"))
    assert [unit for unit in units(export(built, "es")) if approved.normalize(unit) not in text] == []


def test_the_spanish_brochure_stays_within_five_letter_pages_and_uses_only_the_bundled_font(built):
    from pypdf import PdfReader

    for paper in ("letter", "a4"):
        path = built / "pdf" / f"dry-needling.es.{paper}.pdf"
        assert 1 <= len(PdfReader(path).pages) <= 5
        fonts = subprocess.run(
            [require("pdffonts", "poppler-utils"), str(path)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        assert fonts and all("+Atkinson-Hyperlegible" in line and " yes yes " in line for line in fonts), fonts


def text_lines(path: Path) -> dict[int, list[tuple[float, float, str]]]:
    """Per brochure page, the lines of text with where they are: (top, bottom) in points from the top edge."""
    layout = pdftotext(path, "-bbox-layout")
    out = {}
    for number, page in enumerate(layout.split("<page ")[1:], start=1):
        out[number] = [
            (float(top), float(bottom), html.unescape(" ".join(re.findall(r">([^<]+)</word>", words))))
            for top, bottom, words in re.findall(
                r'<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" '
                r'yMax="([\d.]+)">(.*?)</line>',
                page,
                re.S,
            )
        ]
    return out


@pytest.mark.parametrize("locale", LOCALES)
def test_a_draft_says_so_in_every_output_and_claims_no_review(browser, built, locale):
    """Neither shipped locale is signed off: every output says it is a draft, and none shows a review date."""
    notice = approved.normalize(DRAFT[locale])
    page = page_text(browser, built, locale)
    assert notice in approved.normalize(page)
    source = (built / "html" / locale / "dry-needling.html").read_text("utf-8")
    assert '<p class="dn-draft" role="note">' in source and "<time" not in source
    assert not [word for word in REVIEW_WORDS if word in page]
    metadata = json.loads(re.search(r'<script type="application/ld\+json">\n(.*?)\n</script>', source, re.S).group(1))
    assert "lastReviewed" not in metadata and "reviewedBy" not in metadata
    snippets = sorted((built / "html" / locale / "snippets").glob("*.html"))
    assert len(snippets) == 7
    for snippet in snippets:  # each one alone on a host page still says it is a draft, to screen readers too
        text = snippet.read_text("utf-8")
        found = re.search(r'<p class="dn-draft" role="note">(.*?)</p>', text, re.S)
        assert found and approved.normalize(html.unescape(found.group(1))) == notice, snippet.name
        assert not [word for word in REVIEW_WORDS if word in text]
    from pypdf import PdfReader

    for paper in ("letter", "a4"):
        path = built / "pdf" / f"dry-needling.{locale}.{paper}.pdf"
        lines = text_lines(path)
        assert len(lines) == len(PdfReader(path).pages)
        height = PAPER[paper][1]
        for number, text in lines.items():  # on every page, inside the printable area (0.25 in from the trim)
            joined = approved.normalize(" ".join(words for _, _, words in text))
            assert notice in joined, (paper, number)
            assert not [word for word in REVIEW_WORDS if word in joined], (paper, number)
            assert all(0.25 * 72 <= top and bottom <= height - 0.25 * 72 for top, bottom, _ in text), (paper, number)
    document = export(built, locale)
    assert document["review"] == {"status": "draft", "last_reviewed": None, "next_review": None, "reviewed_by": None}
    assert document["labels"]["draft_notice"] == DRAFT[locale]
    assert [document["labels"][key] for key in ("last_reviewed", "next_review", "reviewed_by")] == [None] * 3
    entry = next(
        e for e in json.loads((built / "json" / "index.json").read_text("utf-8"))["exports"] if e["locale"] == locale
    )
    assert entry["review"] == {"status": "draft", "last_reviewed": None, "next_review": None}
    messages = json.loads((built / "sms" / locale / "messages.json").read_text("utf-8"))
    assert messages["status"] == "draft"
    assert [m["ready_to_send"] for m in messages["messages"]] == [False] * len(messages["messages"])
    # the texts are what a patient would receive: the status travels beside them, never inside
    assert not [m["id"] for m in messages["messages"] if re.search(r"draft|borrador", m["text"], re.I)]


def test_the_english_is_recorded_as_the_clinics_published_page_not_as_a_review():
    page = yaml.safe_load((CONTENT / "en" / "page.yaml").read_text("utf-8"))
    assert "review" not in page and "signoff" not in page  # no clinician has signed it off
    assert page["source"]["publisher"] == "Jubilant Therapy Services" and page["source"]["captured"] == "2026-11-20"
    assert "not a review" in page["source"]["note"]
    assert "published page" in DRAFT["en"] and "translation" not in DRAFT["en"]
    assert "traducción" in DRAFT["es"]


def test_signing_off_a_locale_approves_it_everywhere_until_it_changes(content_copy, tmp_path):
    signed = run_cli(
        "signoff",
        "--locale",
        "es",
        "--by",
        "Dana Ruiz, PT, DPT",
        "--date",
        "2026-11-25",
        "--content",
        str(content_copy),
    )
    assert signed.returncode == 0, signed.stderr
    out = tmp_path / "build"
    result = run_cli("build", "--content", str(content_copy), "--out", str(out), "--locale", "es")
    assert result.returncode == 0, result.stderr
    source = (out / "html" / "es" / "dry-needling.html").read_text("utf-8")
    assert DRAFT["es"] not in source and 'class="dn-draft"' not in source
    assert 'Última revisión: <time datetime="2026-11-25">25 de noviembre de 2026</time>' in source
    assert (
        "Revisado por Dana Ruiz, PT, DPT." in source and "Próxima revisión prevista: 25 de noviembre de 2027." in source
    )
    metadata = json.loads(re.search(r'<script type="application/ld\+json">\n(.*?)\n</script>', source, re.S).group(1))
    assert metadata["lastReviewed"] == "2026-11-25"
    assert metadata["reviewedBy"] == {"@type": "Person", "name": "Dana Ruiz, PT, DPT"}
    assert not [
        s.name for s in (out / "html" / "es" / "snippets").glob("*.html") if 'class="dn-draft"' in s.read_text("utf-8")
    ]
    from pypdf import PdfReader

    for paper in ("letter", "a4"):
        path = out / "pdf" / f"dry-needling.es.{paper}.pdf"
        for number in range(1, len(PdfReader(path).pages) + 1):  # every page's footer
            text = pdftotext(path, "-f", str(number), "-l", str(number))
            assert "Última revisión: 25 de noviembre de 2026 · Revisado por Dana Ruiz, PT, DPT" in text, (paper, number)
            assert "Borrador" not in text
    assert export(out, "es")["review"] == {
        "status": "approved",
        "last_reviewed": "2026-11-25",
        "next_review": "2027-11-25",
        "reviewed_by": "Dana Ruiz, PT, DPT",
    }
    assert export(out, "es")["labels"]["last_reviewed"] == "Última revisión: 25 de noviembre de 2026"
    messages = json.loads((out / "sms" / "es" / "messages.json").read_text("utf-8"))
    assert messages["status"] == "approved" and all(m["ready_to_send"] for m in messages["messages"])

    # a new SMS sender is something patients see: the sign-off no longer covers it, and every output says so
    brand = content_copy / "brand.yaml"
    brand.write_text(brand.read_text("utf-8").replace("sender: Jubilant PT", "sender: JubilantPT"), "utf-8")
    again = run_build(content_copy, out, "--locale", "es", *formats("json", "html", "sms"))
    assert again.returncode == 0, again.stderr
    source = (out / "html" / "es" / "dry-needling.html").read_text("utf-8")
    assert 'class="dn-draft"' in source and "Última revisión" not in source and "lastReviewed" not in source
    assert export(out, "es")["review"]["status"] == "draft" and export(out, "es")["review"]["last_reviewed"] is None
    messages = json.loads((out / "sms" / "es" / "messages.json").read_text("utf-8"))
    assert messages["status"] == "draft" and not any(m["ready_to_send"] for m in messages["messages"])


def test_strict_refuses_the_draft_at_its_line(content_copy):
    page = content_copy / "es" / "page.yaml"
    line = next(i for i, text in enumerate(page.read_text("utf-8").splitlines(), 1) if text.startswith("id:"))
    result = run_cli("validate", "--strict", "--content", str(content_copy))
    assert result.returncode == 1
    assert f"{page}:{line}:1: locale 'es' is a draft: no clinician has signed off its text" in result.stdout
    relaxed = run_cli("validate", "--content", str(content_copy))
    assert f"{page}:{line}:1: warning: locale 'es' is a draft" in relaxed.stdout


def test_dates_come_from_cldr_and_no_month_names_remain_in_content(built):
    for path in sorted(CONTENT.rglob("*.yaml")):
        text = path.read_text("utf-8")
        assert not re.search(rf"\b({'|'.join(MONTHS)})\b", text), path
    # the shipped locales are drafts, so no page shows a date; a signed-off one shows CLDR's (test above)
    for locale in LOCALES:
        assert not re.search(rf"\b({'|'.join(MONTHS)})\b", (built / "html" / locale / "dry-needling.html").read_text())
    assert "15\u201330" in pdftotext(built / "pdf" / "dry-needling.es.a4.pdf")  # the range, CLDR's way


def test_pages_link_to_each_other(browser, built):
    for locale, other in (("en", "es"), ("es", "en")):
        html = (built / "html" / locale / "dry-needling.html").read_text("utf-8")
        alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
        assert alternates == {
            locale: "dry-needling.html",
            other: f"../{other}/dry-needling.html",
            "x-default": "dry-needling.html" if locale == "en" else "../en/dry-needling.html",
        }
        for href in alternates.values():  # the hrefs resolve inside build/
            assert (built / "html" / locale / href).resolve().is_file()
        context = browser.new_context()
        tab = context.new_page()
        tab.goto((built / "html" / locale / "dry-needling.html").as_uri())
        switcher = tab.get_by_role("navigation", name="Languages" if locale == "en" else "Idiomas")
        link = switcher.get_by_role("link", name="Español" if other == "es" else "English")
        assert link.get_attribute("hreflang") == other and link.get_attribute("lang") == other
        assert switcher.locator("[aria-current=page]").get_attribute("hreflang") == locale
        link.click()
        tab.wait_for_load_state("load")
        assert tab.locator("html").get_attribute("lang") == other
        context.close()


def test_json_ld_links_the_translations(built):
    def document(locale):
        html = (built / "html" / locale / "dry-needling.html").read_text("utf-8")
        return json.loads(re.search(r'<script type="application/ld\+json">\n(.*?)\n</script>', html, re.S).group(1))

    en, es = document("en"), document("es")
    assert en["inLanguage"] == "en" and es["inLanguage"] == "es"
    assert en["workTranslation"] == [
        {
            "@type": "MedicalWebPage",
            "inLanguage": "es",
            "url": "../es/dry-needling.html",
            "name": export(built, "es")["title"],
        }
    ]
    assert es["translationOfWork"]["inLanguage"] == "en" and es["translationOfWork"]["url"] == "../en/dry-needling.html"
    assert "translationOfWork" not in en and "workTranslation" not in es


def test_index_lists_every_export_with_its_hash(built):
    index = json.loads((built / "json" / "index.json").read_text("utf-8"))
    assert index["source_locale"] == "en"
    assert [e["locale"] for e in index["exports"]] == ["en", "es"]
    for entry in index["exports"]:
        data = (built / "json" / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        document = json.loads(data)
        assert entry["title"] == document["title"] and entry["schema_version"] == document["schema_version"]
        assert entry["review"] == {k: document["review"][k] for k in ("status", "last_reviewed", "next_review")}
    assert [(e["locale"], e["translated_from"], e["review"]["status"]) for e in index["exports"]] == [
        ("en", None, "draft"),
        ("es", "en", "draft"),
    ]
    manifest = {e["path"]: e for e in json.loads((built / "manifest.json").read_text("utf-8"))["artifacts"]}
    assert manifest["json/index.json"]["role"] == "index"


def test_a_locale_can_override_a_brand_link(content_copy, tmp_path):
    cta = content_copy / "es" / "cta.yaml"
    cta.write_text(
        cta.read_text("utf-8") + "links:\n  - id: booking\n    url: https://www.jubilanttherapy.com/es/reservar\n",
        "utf-8",
    )
    out = tmp_path / "build"
    result = run_build(content_copy, out, *formats("json", "html", "sms", "pdf"), "--paper", "a4", "--locale", "es")
    assert result.returncode == 0, result.stderr
    booking = {c["id"]: c["url"] for c in export(out, "es")["cta"]}["book-online"]
    assert booking == "https://www.jubilanttherapy.com/es/reservar"
    assert (
        'href="https://www.jubilanttherapy.com/es/reservar"' in (out / "html" / "es" / "dry-needling.html").read_text()
    )
    assert "https://www.jubilanttherapy.com/es/reservar" in (out / "sms" / "es" / "booking-invitation.txt").read_text()
    png = tmp_path / "page"
    subprocess.run(
        [
            require("pdftoppm", "poppler-utils"),
            "-png",
            "-r",
            "150",
            str(out / "pdf" / "dry-needling.es.a4.pdf"),
            str(png),
        ],
        check=True,
    )
    decoded = set()
    for image in sorted(tmp_path.glob("page-*.png")):
        found = subprocess.run(
            [require("zbarimg", "zbar-tools"), "--quiet", "--raw", str(image)], capture_output=True, text=True
        )
        decoded |= set(found.stdout.split())
    assert decoded == {"https://www.jubilanttherapy.com/es/reservar"}  # the QR code opens the Spanish booking page
    english = run_cli("build", "--content", str(content_copy), "--out", str(tmp_path / "en"), "--format", "json")
    assert english.returncode == 0, english.stderr
    assert {c["id"]: c["url"] for c in export(tmp_path / "en", "en")["cta"]}[
        "book-online"
    ] == "https://www.example.com/book-online"


def test_an_override_for_a_link_the_brand_lacks_is_refused(content_copy):
    cta = content_copy / "es" / "cta.yaml"
    lines = cta.read_text("utf-8").splitlines()
    cta.write_text("\n".join(lines) + "\nlinks:\n  - id: bookings\n    url: https://www.example.org/es\n", "utf-8")
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 1
    assert (
        f"{cta}:{len(lines) + 2}:9: links[0].id: no link in brand.yaml with id 'bookings' "
        "(hint: did you mean 'booking'?)" in result.stdout
    )


def test_report_scores_spanish_with_a_spanish_formula():
    result = run_cli("report", "--no-brochures", "--format", "json")
    en, es = json.loads(result.stdout)
    assert en["readability_formula"] == "Flesch-Kincaid"
    assert es["readability_formula"] == "Szigriszt-Pazos, INFLESZ scale"
    assert all(0 < s["readability"] < 100 for s in es["sections"])
    text = run_cli("report", "--no-brochures").stdout
    assert "(scores: Szigriszt-Pazos, INFLESZ scale; ! misses the target of 55)" in text
    assert "(scores: Flesch-Kincaid; ! misses the target of 8)" in text
    # figures for the clinic's reviewers, not validate lines: the approved text is not the editors' to reword
    assert not [line for line in run_cli("validate").stdout.splitlines() if "sections[" in line]


# SMS: Spanish keeps its letters, costs UCS-2 prices, and agrees with an independent segment calculator

TWILIO = ROOT / "node_modules" / "sms-segments-calculator"
TWILIO_SCRIPT = """
const {SegmentedMessage} = require(process.argv[1]);
const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));
console.log(JSON.stringify(texts.map(t => { const m = new SegmentedMessage(t, 'auto');
  return [m.encodingName, m.segmentsCount]; })));
"""


def twilio(texts: list[str]) -> list[tuple[str, int]]:
    """Encoding and segments from Twilio's message segment calculator (npm sms-segments-calculator)."""
    if not TWILIO.exists():
        pytest.fail("node_modules/sms-segments-calculator is missing; run: npm ci", pytrace=False)
    node = require("node", "nodejs")
    result = subprocess.run(
        [node, "-e", TWILIO_SCRIPT, str(TWILIO)], input=json.dumps(texts), capture_output=True, text=True, check=True
    )
    return [tuple(entry) for entry in json.loads(result.stdout)]


def test_spanish_messages_keep_their_letters_name_the_clinic_and_carry_a_spanish_stop_line(built):
    sender = yaml.safe_load((CONTENT / "brand.yaml").read_text("utf-8"))["sms"]["sender"]
    opt_out = yaml.safe_load((CONTENT / "es" / "labels.yaml").read_text("utf-8"))["sms_opt_out"]
    assert "STOP" in opt_out
    sidecar = json.loads((built / "sms" / "es" / "messages.json").read_text("utf-8"))
    source = yaml.safe_load((CONTENT / "es" / "sms.yaml").read_text("utf-8"))["messages"]
    wanted = {ch for message in source for ch in message["body"] + opt_out if not ch.isascii()}
    assert wanted >= {"á", "é", "í", "ó", "¿"}
    letters = set()
    for entry in sidecar["messages"]:
        text = (built / "sms" / "es" / f"{entry['id']}.txt").read_text("utf-8")
        assert text == entry["text"] and text.startswith(f"{sender}: ") and text.endswith(f" {opt_out}")
        assert entry["encoding"] == "UCS-2" and entry["septets"] is None
        assert entry["code_units"] == len(text.encode("utf-16-le")) // 2
        assert entry["segments"] <= entry["budget"]
        letters |= {ch for ch in text if not ch.isascii()}
    assert letters >= wanted  # every accented letter and ¿ of the bodies reaches the phone as written


def test_segment_counts_agree_with_twilios_calculator(built):
    texts, ours = [], []
    for locale in LOCALES:
        for entry in json.loads((built / "sms" / locale / "messages.json").read_text("utf-8"))["messages"]:
            texts.append(entry["text"])
            ours.append((entry["encoding"], entry["segments"]))
    # and the edges: single and concatenated limits of both encodings, extension characters, surrogate pairs
    edges = [
        "a" * 160,
        "a" * 161,
        "a" * 306,
        "a" * 307,
        "a" * 159 + "€",
        "a" * 152 + "€" + "a" * 152,
        "á" * 70,
        "á" * 71,
        "á" * 134,
        "á" * 135,
        "ñ" * 160,
        "ñ" * 161,
        "😀" * 35,
        "😀" * 36,
        "¿Está bien? " * 20,
        "a" * 66 + "😀" + "a" * 10,
    ]
    from dncontent.model.sms import measure

    texts += edges
    ours += [(measure(t).encoding, measure(t).segments) for t in edges]
    assert ours == twilio(texts)


def test_a_message_that_needs_ucs2_but_does_not_declare_it_is_refused_with_its_cost(content_copy):
    sms = content_copy / "es" / "sms.yaml"
    source = sms.read_text("utf-8")
    sms.write_text(source.replace("    encoding: ucs2\n", "", 1), "utf-8")
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 1
    line = next(i for i, text in enumerate(sms.read_text("utf-8").splitlines(), 1) if text.startswith("    body:"))
    problem = next(text for text in result.stdout.splitlines() if text.startswith(f"{sms}:{line}:11:"))
    assert "text message 'booking-invitation' has characters a plain text cannot carry, " in problem
    assert "'á' (U+00E1 LATIN SMALL LETTER A WITH ACUTE)" in problem
    assert (
        "(hint: add `encoding: ucs2` to the message if the language needs these letters (as UCS-2: 3 segments"
        in problem
    )


def test_english_left_in_a_spanish_file_warns_at_its_line(content_copy):
    risks = content_copy / "es" / "risks.yaml"
    risks.write_text(risks.read_text("utf-8").replace("label: Sangrado", "label: Bleeding"), "utf-8")
    line = next(i for i, text in enumerate(risks.read_text("utf-8").splitlines(), 1) if "label: Bleeding" in text)
    result = run_cli("validate", "--content", str(content_copy))
    assert result.returncode == 0
    assert (
        f"{risks}:{line}:12: warning: risks[0].label: not translated: identical to the English "
        "(risks/bleeding/label)" in result.stdout
    )
    assert run_cli("validate", "--strict", "--content", str(content_copy)).returncode == 1
    # names, addresses and numbers may read the same: the clinic's name in a translated label is no warning
    assert "Jubilant Therapy Services" not in [line for line in result.stdout.splitlines() if "not translated" in line]


def test_a_translator_can_confirm_text_that_reads_the_same(content_copy, tmp_path):
    """Imported from a PO file with the English as its translation, a unit is recorded as meant to read the same."""
    import polib

    risks = content_copy / "es" / "risks.yaml"
    risks.write_text(risks.read_text("utf-8").replace("label: Sangrado", "label: Bleeding"), "utf-8")
    po_path = tmp_path / "es.po"
    assert (
        run_cli("i18n", "export", "--locale", "es", "-o", str(po_path), "--content", str(content_copy)).returncode == 0
    )
    catalog = polib.pofile(str(po_path))
    entry = next(e for e in catalog if e.msgctxt == "risks/bleeding/label")
    assert (entry.msgid, entry.msgstr) == ("Bleeding", "")  # exported as untranslated
    entry.msgstr = entry.msgid  # the translator's answer: it reads the same in Spanish
    catalog.save(str(po_path))
    imported = run_cli("i18n", "import", str(po_path), "--content", str(content_copy))
    assert imported.returncode == 0, imported.stderr
    memory = (content_copy / "es" / "translation.yaml").read_text("utf-8")
    assert "same:\n  - risks/bleeding/label\n" in memory
    result = run_cli("validate", "--content", str(content_copy))
    assert "not translated" not in result.stdout
    # translated after all: the confirmation goes
    risks.write_text(risks.read_text("utf-8").replace("label: Bleeding", "label: Sangrado"), "utf-8")
    assert run_cli("i18n", "mark-current", "--locale", "es", "--content", str(content_copy)).returncode == 0
    assert "same:" not in (content_copy / "es" / "translation.yaml").read_text("utf-8")
