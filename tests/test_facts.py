"""Facts typed once reach every channel the same: the session length, the clinic's phone and each locale's links."""

from __future__ import annotations

import html as markup
import json
import re
import subprocess
from pathlib import Path

from pypdf import PdfReader

from tests.approved import normalize
from tests.conftest import require, run_cli
from tests.test_validate import edit

LOCALES = ("en", "es")
PAPERS = ("letter", "a4")
ENGLISH_BOOKING = "https://www.example.com/book-online"
SPANISH_BOOKING = "https://www.example.com/es/reservar"  # a page of this test's content only


def build(content: Path, out: Path) -> None:
    result = run_cli("build", "--content", str(content), "--out", str(out))
    assert result.returncode == 0, result.stderr


def visible(path: Path) -> str:
    """A web page's text as a reader sees it: no tags, entities decoded, spaces collapsed."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", path.read_text("utf-8"), flags=re.S)
    return " ".join(markup.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def hrefs(path: Path) -> list[str]:
    return [markup.unescape(href) for href in re.findall(r'href="([^"]*)"', path.read_text("utf-8"))]


def brochure(out: Path, locale: str, paper: str) -> Path:
    return out / "pdf" / f"dry-needling.{locale}.{paper}.pdf"


def brochure_text(path: Path) -> str:
    pdftotext = require("pdftotext", "poppler-utils")
    return normalize(
        subprocess.run([pdftotext, "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    )


def brochure_links(path: Path) -> list[str]:
    """The addresses the brochure's links open (its link annotations)."""
    found = []
    for page in PdfReader(path).pages:
        for annotation in page.get("/Annots") or ():
            action = annotation.get_object().get("/A")
            if action and "/URI" in action:
                found.append(str(action["/URI"]))
    return found


def qr_codes(path: Path, tmp_path: Path) -> list[str]:
    pdftoppm, zbarimg = require("pdftoppm", "poppler-utils"), require("zbarimg", "zbar-tools")
    prefix = tmp_path / path.stem
    subprocess.run([pdftoppm, "-r", "150", "-png", str(path), str(prefix)], check=True)
    images = sorted(str(p) for p in tmp_path.glob(f"{path.stem}-*.png"))
    return subprocess.run([zbarimg, "--raw", "-q", *images], capture_output=True, text=True).stdout.split()


def export(out: Path, locale: str) -> dict:
    return json.loads((out / "json" / f"dry-needling.{locale}.json").read_text("utf-8"))


def sms(out: Path, locale: str, message: str) -> str:
    return (out / "sms" / locale / f"{message}.txt").read_text("utf-8")


def test_changing_only_the_fact_changes_the_text_of_every_channel_in_every_locale(content_copy, tmp_path):
    session = content_copy / "en" / "session.yaml"
    edit(session, "min: 15", "min: 20")
    edit(session, "max: 30", "max: 40")
    out = tmp_path / "build"
    build(content_copy, out)
    said = {
        "en": ("between 20 and 40 minutes", "A typical session: 20–40 minutes", "session lasts 20-40 minutes"),
        "es": ("entre 20 y 40 minutos", "Una sesión típica: 20–40 minutos", "sesión típica dura 20-40 minutos"),
    }
    old = re.compile(r"\b15\s*(?:and|y|-|–)\s*30\b")
    for locale, (prose, label, text_message) in said.items():
        page = visible(out / "html" / locale / "dry-needling.html")
        snippet = visible(out / "html" / locale / "snippets" / "what-to-expect.html")
        assert prose in page and prose in snippet
        document = export(out, locale)
        assert document["facts"]["session_minutes"] == {"min": 20, "max": 40}
        assert prose in next(p["text"] for p in document["session_phases"] if p["id"] == "during")
        assert document["labels"]["session_length"] == label
        for paper in PAPERS:
            printed = brochure_text(brochure(out, locale, paper))
            assert normalize(prose) in printed and normalize(label) in printed
            assert not old.search(printed)
        assert text_message in sms(out, locale, "booking-invitation")
        shown = [
            page,
            snippet,
            json.dumps(document, ensure_ascii=False),
            (out / "sms" / locale / "messages.json").read_text("utf-8"),
        ]
        assert [text for text in shown if old.search(text)] == []


def test_the_phone_is_printed_and_texted_for_people_and_dialled_as_tel(content_copy, tmp_path):
    edit(
        content_copy / "brand.yaml",
        "name: Jubilant Therapy Services\n",
        'name: Jubilant Therapy Services\nphone: "212-555-0123"\n',
    )
    for locale in LOCALES:  # the Contact buttons dial the brand's phone
        edit(content_copy / locale / "cta.yaml", "link: contact", "link: phone")
    edit(content_copy / "en" / "sms.yaml", "Concerns? {url:contact}", "Concerns? Call {phone}.")
    out = tmp_path / "build"
    build(content_copy, out)
    shown, dialled = "(212) 555-0123", "tel:+12125550123"
    for locale in LOCALES:
        page = out / "html" / locale / "dry-needling.html"
        calls = [href for href in hrefs(page) if href.startswith("tel:")]
        assert calls == [dialled] * len(calls) and len(calls) == 3  # two Contact buttons and the footer
        assert shown in visible(page)
        assert dialled in hrefs(out / "html" / locale / "snippets" / "cta.html")
        for paper in PAPERS:
            path = brochure(out, locale, paper)
            printed = brochure_text(path)
            assert normalize(shown) in printed and "tel:" not in printed
            assert dialled in brochure_links(path)  # the printed button dials the number the footer prints
        texts = {path.name: path.read_text("utf-8") for path in (out / "sms" / locale).glob("*.txt")}
        assert [name for name, text in texts.items() if "tel:" in text] == []
        replies = json.loads((out / "sms" / locale / "keywords.json").read_text("utf-8"))["replies"]
        assert shown in replies["help"]["text"] and "tel:" not in json.dumps(replies)  # {url:contact} as the number
        document = export(out, locale)
        assert document["brand"]["phone"] == shown
        assert {link["id"]: link["url"] for link in document["brand"]["links"]}["phone"] == dialled
        contact = next(c for c in document["cta"] if c["id"] == "contact")
        assert (contact["url"], contact["role"]) == (dialled, "contact")
    assert f"Concerns? Call {shown}." in sms(out, "en", "aftercare")


def test_a_locale_s_own_booking_page_reaches_every_one_of_its_channels(content_copy, tmp_path):
    edit(content_copy / "es" / "cta.yaml", "\ncta:\n", f"\nlinks:\n  - id: booking\n    url: {SPANISH_BOOKING}\ncta:\n")
    out = tmp_path / "build"
    build(content_copy, out)
    for locale, own, other in (("es", SPANISH_BOOKING, ENGLISH_BOOKING), ("en", ENGLISH_BOOKING, SPANISH_BOOKING)):
        files = [
            out / "html" / locale / "dry-needling.html",
            out / "html" / locale / "snippets" / "cta.html",
            out / "json" / f"dry-needling.{locale}.json",
            *sorted((out / "sms" / locale).iterdir()),
        ]
        assert [path.name for path in files if other in path.read_text("utf-8")] == []
        assert own in hrefs(files[0]) and own in hrefs(files[1])
        document = export(out, locale)
        assert next(c["url"] for c in document["cta"] if c["id"] == "book-online") == own
        assert {link["id"]: link["url"] for link in document["brand"]["links"]}["booking"] == own
        assert own in sms(out, locale, "booking-invitation")
        for paper in PAPERS:
            assert qr_codes(brochure(out, locale, paper), tmp_path) == [own]
            assert own in brochure_links(brochure(out, locale, paper))
